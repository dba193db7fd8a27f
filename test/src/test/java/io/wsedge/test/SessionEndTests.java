package io.wsedge.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.wsedge.api.CloseInitiator;
import io.wsedge.api.SessionEndListener;
import io.wsedge.api.SessionSummary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The test kit on session-end listeners given a described end.
 */
class SessionEndTests {

	@Test
	void listenersGetTheDescribedSummaryInOrder() {
		List<String> told = new ArrayList<>();
		SessionEndListener audit = (summary) -> told.add("audit " + summary.session().attributes().get("user") + " "
				+ summary.closedBy() + " " + summary.clientCloseStatus() + " " + summary.clientMessages());
		SessionEndListener billing = (summary) -> told.add("billing " + summary.clientBytes());
		SessionSummary summary = SessionEnd.builder()
			.routeId("chat")
			.attribute("user", "alice")
			.clientClose(1006, null)
			.upstreamClose(1001, "client gone")
			.closedBy(CloseInitiator.CLIENT)
			.clientMessages(3, 120)
			.upstreamMessages(5, 300)
			.duration(Duration.ofSeconds(7))
			.deliverTo(audit, billing);
		assertThat(told).containsExactly("audit alice CLIENT 1006 3", "billing 120");
		assertThat(summary.session().routeId()).isEqualTo("chat");
		assertThat(summary.upstreamCloseReason()).isEqualTo("client gone");
		assertThat(summary.clientCloseReason()).isEmpty();
		assertThat(summary.upstreamMessages()).isEqualTo(5);
		assertThat(summary.duration()).isEqualTo(Duration.ofSeconds(7));
	}

	@Test
	void failingListenerDoesNotKeepTheNextFromBeingToldButFailsTheDelivery() {
		List<String> told = new ArrayList<>();
		SessionEndListener broken = (summary) -> {
			throw new IllegalStateException("broken on purpose");
		};
		assertThatIllegalStateException().isThrownBy(() -> SessionEnd.builder().deliverTo(broken, (summary) -> told.add("next")))
			.havingCause()
			.withMessage("broken on purpose");
		assertThat(told).containsExactly("next");
	}

	@Test
	void closeStatusOutsideTheRangeIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> SessionEnd.builder().clientClose(999, null));
		assertThatIllegalArgumentException().isThrownBy(() -> SessionEnd.builder().upstreamClose(5000, null));
	}

}
