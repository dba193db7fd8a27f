package io.wsedge.test;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

import io.wsedge.api.EdgeSession;
import io.wsedge.api.FrameContext;
import io.wsedge.api.FrameType;

/**
 * The engine's own {@link FrameContext}, passed through to the interceptor under test, noting the two verbs
 * whose effect shows only later ({@link #defer} and {@link #setMaxPayloadSize}) so that an outcome can report
 * them. Every verb acts on the engine's context unchanged.
 */
final class RecordingFrameContext implements FrameContext {

	private final FrameContext delegate;

	private final Verbs verbs;

	RecordingFrameContext(FrameContext delegate, Verbs verbs) {
		this.delegate = delegate;
		this.verbs = verbs;
	}

	@Override
	public FrameType type() {
		return this.delegate.type();
	}

	@Override
	public byte[] payload() {
		return this.delegate.payload();
	}

	@Override
	public ByteBuffer payloadView() {
		return this.delegate.payloadView();
	}

	@Override
	public String text() {
		return this.delegate.text();
	}

	@Override
	public boolean isFinal() {
		return this.delegate.isFinal();
	}

	@Override
	public int fragmentIndex() {
		return this.delegate.fragmentIndex();
	}

	@Override
	public boolean isFragment() {
		return this.delegate.isFragment();
	}

	@Override
	public int closeStatus() {
		return this.delegate.closeStatus();
	}

	@Override
	public String closeReason() {
		return this.delegate.closeReason();
	}

	@Override
	public void setPayload(byte[] data) {
		this.delegate.setPayload(data);
	}

	@Override
	public void setPayload(String text) {
		this.delegate.setPayload(text);
	}

	@Override
	public void setCloseStatus(int status) {
		this.delegate.setCloseStatus(status);
	}

	@Override
	public void drop() {
		this.delegate.drop();
	}

	@Override
	public void close(int clientStatus, String clientReason, int upstreamStatus, String upstreamReason) {
		this.delegate.close(clientStatus, clientReason, upstreamStatus, upstreamReason);
	}

	@Override
	public void close(int status, String reason) {
		this.delegate.close(status, reason);
	}

	@Override
	public void setMaxPayloadSize(long bytes) {
		this.delegate.setMaxPayloadSize(bytes);
		this.verbs.maxPayloadSize = bytes;
	}

	@Override
	public EdgeSession session() {
		return this.delegate.session();
	}

	@Override
	public void defer(CompletionStage<?> pending) {
		this.delegate.defer(pending);
		this.verbs.deferred = true;
	}

	/**
	 * The delayed verbs called while one message passed; written on the session's thread or by the code that
	 * completes a deferred stage, read by the test's thread once the message is done.
	 */
	static final class Verbs {

		volatile boolean deferred;

		/** The last limit set, or -1 when none was. */
		volatile long maxPayloadSize = -1;

		void reset() {
			this.deferred = false;
			this.maxPayloadSize = -1;
		}

	}

}
