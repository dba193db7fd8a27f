package io.wsedge.engine;

/**
 * What {@link EdgeEngine#admit} answers an upgrade: a place under the caps, or why there is none.
 */
public sealed interface AdmissionResult permits Admission, AdmissionResult.Denied {

	/**
	 * No place: a cap is reached, or the edge is draining or over its memory budget.
	 *
	 * @param status the HTTP status the upgrade gets (503 or 429)
	 * @param message a short plain-text explanation for the client
	 */
	record Denied(int status, String message) implements AdmissionResult {
	}

}
