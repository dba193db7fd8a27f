package io.wsedge.netty;

import org.junit.jupiter.api.Test;

import io.wsedge.netty.PassThrough.Parameters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When one peer's compressed stream can reach the other peer as it is (RFC 7692 §7.1): the receiver's window
 * is at least the sender's, and the receiver keeps its context whenever the sender does.
 */
class PassThroughTests {

	private static final Parameters DEFAULTS = new Parameters(false, false, 15, 15);

	@Test
	void anUpstreamWithDefaultParametersFitsAClientThatAsksForNothing() {
		assertThat(PassThrough.upstreamFitsClient(DEFAULTS, false, -1)).isTrue();
		assertThat(PassThrough.clientFitsUpstream(DEFAULTS, -1)).isTrue();
	}

	@Test
	void aClientThatResetsItsContextCannotFollowAnUpstreamThatKeepsIt() {
		assertThat(PassThrough.upstreamFitsClient(DEFAULTS, true, -1)).isFalse();
		assertThat(PassThrough.upstreamFitsClient(new Parameters(true, false, 15, 15), true, -1)).isTrue();
	}

	@Test
	void aClientThatKeepsItsContextReadsAnUpstreamThatResetsIt() {
		assertThat(PassThrough.upstreamFitsClient(new Parameters(true, false, 15, 15), false, -1)).isTrue();
	}

	@Test
	void theClientsWindowMustHoldTheUpstreamsWindow() {
		Parameters upstream = new Parameters(false, false, 12, 15);
		assertThat(PassThrough.upstreamFitsClient(upstream, false, 12)).isTrue();
		assertThat(PassThrough.upstreamFitsClient(upstream, false, 13)).isTrue();
		assertThat(PassThrough.upstreamFitsClient(upstream, false, 11)).isFalse();
		assertThat(PassThrough.upstreamFitsClient(DEFAULTS, false, 14)).isFalse();
	}

	@Test
	void aSmallUpstreamWindowFitsOnlyAClientWhoseWindowCanBeLimited() {
		Parameters upstream = new Parameters(false, false, 15, 10);
		assertThat(PassThrough.clientFitsUpstream(upstream, -1)).isFalse();
		assertThat(PassThrough.clientFitsUpstream(upstream, 15)).isTrue();
		assertThat(PassThrough.clientFitsUpstream(upstream, 9)).isTrue();
	}

	@Test
	void anUpstreamThatResetsItsDecompressorFitsAnyClientWhichIsThenAskedToResetToo() {
		assertThat(PassThrough.clientFitsUpstream(new Parameters(false, true, 15, 15), -1)).isTrue();
	}

}
