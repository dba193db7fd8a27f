package io.wsedge.test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.wsedge.api.ClientFrameInterceptor;
import io.wsedge.api.FrameContext;
import io.wsedge.api.FrameType;
import io.wsedge.api.MessageMode;
import io.wsedge.api.UpstreamFrameInterceptor;
import io.wsedge.test.ChainRunner.Frame;
import io.wsedge.test.ChainRunner.Outcome;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test kit on {@link MessageMode#FRAGMENTS} interceptors: each fragment runs the chain on its own, the verbs
 * keep the message well formed, and a chain with any whole-message interceptor still assembles.
 */
class FragmentChainRunnerTests {

	@Test
	void fragmentWiseInterceptorSeesEachFragmentInOrder() {
		List<String> seen = new ArrayList<>();
		ClientFrameInterceptor recorder = fragments((frame) -> seen.add(frame.type() + " " + frame.fragmentIndex()
				+ (frame.isFinal() ? " final " : " more ") + frame.isFragment() + " " + utf8(frame.payloadView())));
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors(recorder).build()) {
			Outcome outcome = runner.fromClient().fragmentedText("ab", "cd", "ef");
			assertThat(seen).containsExactly("TEXT 0 more true ab", "TEXT 1 more true cd", "TEXT 2 final true ef");
			assertThat(outcome.frames()).containsExactly(new Frame(FrameType.TEXT, bytes("ab"), false, -1),
					new Frame(FrameType.TEXT, bytes("cd"), false, -1), new Frame(FrameType.TEXT, bytes("ef"), true, -1));
			seen.clear();
			runner.fromClient().text("whole");
			assertThat(seen).containsExactly("TEXT 0 final false whole");
		}
	}

	@Test
	void upstreamFragmentWiseInterceptorSeesEachFragment() {
		List<Integer> seen = new ArrayList<>();
		UpstreamFrameInterceptor recorder = new UpstreamFrameInterceptor() {
			@Override
			public void intercept(FrameContext frame) {
				seen.add(frame.fragmentIndex());
			}

			@Override
			public MessageMode messageMode() {
				return MessageMode.FRAGMENTS;
			}
		};
		try (ChainRunner runner = ChainRunner.builder().upstreamInterceptors(recorder).build()) {
			Outcome outcome = runner.fromUpstream().fragmentedBinary(new byte[] { 1 }, new byte[] { 2 });
			assertThat(seen).containsExactly(0, 1);
			assertThat(outcome.payload()).containsExactly(1, 2);
		}
	}

	@Test
	void chainWithAWholeMessageInterceptorAssembles() {
		List<String> fragmentWise = new ArrayList<>();
		List<String> whole = new ArrayList<>();
		ClientFrameInterceptor first = fragments((frame) -> fragmentWise.add(frame.fragmentIndex() + frame.text()));
		ClientFrameInterceptor second = (frame) -> whole.add(frame.text());
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors(first, second).build()) {
			Outcome outcome = runner.fromClient().fragmentedText("ab", "cd", "ef");
			assertThat(fragmentWise).containsExactly("0abcdef");
			assertThat(whole).containsExactly("abcdef");
			assertThat(outcome.frames()).hasSize(3);
		}
	}

	@Test
	void droppingTheFirstFragmentDropsTheWholeMessage() {
		List<Integer> seen = new ArrayList<>();
		ClientFrameInterceptor dropper = fragments((frame) -> {
			seen.add(frame.fragmentIndex());
			if (frame.payloadView().get(0) == 'x') {
				frame.drop();
			}
		});
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors(dropper).build()) {
			Outcome dropped = runner.fromClient().fragmentedText("xa", "b", "c");
			assertThat(dropped.dropped()).isTrue();
			assertThat(dropped.forwarded()).isFalse();
			assertThat(seen).containsExactly(0);
			Outcome next = runner.fromClient().fragmentedText("ok", "!");
			assertThat(next.text()).isEqualTo("ok!");
			assertThat(seen).containsExactly(0, 0, 1);
		}
	}

	@Test
	void droppingALaterFragmentIsRefusedAndTheMessageStaysWhole() {
		List<String> refusals = new ArrayList<>();
		ClientFrameInterceptor dropper = fragments((frame) -> {
			if (frame.fragmentIndex() == 1) {
				try {
					frame.drop();
				}
				catch (IllegalStateException ex) {
					refusals.add(ex.getMessage());
					frame.setPayload(new byte[0]);
				}
			}
		});
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors(dropper).build()) {
			Outcome outcome = runner.fromClient().fragmentedText("a", "b", "c");
			assertThat(refusals).singleElement().asString().contains("Only the first fragment");
			assertThat(outcome.frames()).extracting(Frame::text).containsExactly("a", "", "c");
			assertThat(outcome.frames()).extracting(Frame::last).containsExactly(false, false, true);
			assertThat(outcome.text()).isEqualTo("ac");
		}
	}

	@Test
	void setPayloadOnAFragmentReplacesThatFragmentOnly() {
		ClientFrameInterceptor rewriter = fragments((frame) -> {
			if (frame.fragmentIndex() == 1) {
				frame.setPayload(new byte[] { 9, 9, 9 });
			}
			if (frame.fragmentIndex() == 2) {
				frame.setPayload("Z");
			}
		});
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors(rewriter).build()) {
			Outcome outcome = runner.fromClient()
				.fragmentedBinary(new byte[] { 1 }, new byte[] { 2 }, new byte[] { 3 }, new byte[] { 4 });
			assertThat(outcome.frames()).containsExactly(new Frame(FrameType.BINARY, new byte[] { 1 }, false, -1),
					new Frame(FrameType.BINARY, new byte[] { 9, 9, 9 }, false, -1),
					new Frame(FrameType.BINARY, new byte[] { 'Z' }, false, -1),
					new Frame(FrameType.BINARY, new byte[] { 4 }, true, -1));
		}
	}

	@Test
	void textOfAFragmentIsRefusedAndItsPayloadCanBeReadAndReplaced() {
		List<String> seen = new ArrayList<>();
		ClientFrameInterceptor reader = fragments((frame) -> {
			try {
				frame.text();
			}
			catch (IllegalStateException ex) {
				seen.add("refused");
			}
			seen.add(new String(frame.payload(), StandardCharsets.UTF_8));
			frame.setPayload(utf8(frame.payloadView()).toUpperCase());
		});
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors(reader).build()) {
			Outcome outcome = runner.fromClient().fragmentedText("ab", "cé");
			assertThat(seen).containsExactly("refused", "ab", "refused", "cé");
			assertThat(outcome.text()).isEqualTo("ABCÉ");
			assertThat(outcome.frames()).hasSize(2);
		}
	}

	@Test
	void closeOnAFragmentClosesTheSessionAfterTheFragmentsForwarded() {
		ClientFrameInterceptor closer = fragments((frame) -> {
			if (frame.fragmentIndex() == 2) {
				frame.close(4001, "enough", 4002, "client sent too much");
			}
		});
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors(closer).build()) {
			Outcome outcome = runner.fromClient().fragmentedText("a", "b", "c", "d");
			assertThat(outcome.closed()).isTrue();
			assertThat(outcome.clientCloseStatus()).isEqualTo(4001);
			assertThat(outcome.upstreamCloseStatus()).isEqualTo(4002);
			assertThat(outcome.frames()).extracting(Frame::text).containsExactly("a", "b");
		}
	}

	@Test
	void payloadLimitIsCountedAsFragmentsPass() {
		List<Integer> seen = new ArrayList<>();
		ClientFrameInterceptor recorder = fragments((frame) -> seen.add(frame.fragmentIndex()));
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors(recorder).maxPayloadSize(10).build()) {
			Outcome outcome = runner.fromClient().fragmentedText("aaaa", "bbbb", "cccc", "dddd");
			assertThat(seen).containsExactly(0, 1);
			assertThat(outcome.clientCloseStatus()).isEqualTo(1009);
			assertThat(outcome.upstreamCloseStatus()).isEqualTo(1001);
		}
	}

	@Test
	void payloadViewShowsAnEarlierRewriteAndIsRewoundForEachInterceptor() {
		List<String> seen = new ArrayList<>();
		ClientFrameInterceptor first = (frame) -> {
			ByteBuffer view = frame.payloadView();
			seen.add(utf8(view));
			view.position(view.limit());
			assertThat(frame.payloadView().remaining()).isEqualTo(5);
			frame.setPayload("rewritten".getBytes(StandardCharsets.UTF_8));
		};
		ClientFrameInterceptor second = (frame) -> {
			seen.add(utf8(frame.payloadView()));
			seen.add(String.valueOf(frame.payloadView().isReadOnly()));
			String text = frame.text();
			seen.add(text);
			seen.add(String.valueOf(frame.text() == text));
		};
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors(first, second).build()) {
			assertThat(runner.fromClient().text("hello").text()).isEqualTo("rewritten");
			assertThat(seen).containsExactly("hello", "rewritten", "true", "rewritten", "true");
		}
	}

	@Test
	void textIsDecodedOnceAndFollowsARewrite() {
		List<Object> seen = new ArrayList<>();
		ClientFrameInterceptor first = (frame) -> {
			String text = frame.text();
			seen.add(frame.text() == text);
			frame.setPayload(text.toUpperCase().getBytes(StandardCharsets.UTF_8));
			seen.add(frame.text());
		};
		ClientFrameInterceptor second = (frame) -> {
			seen.add(frame.text());
			frame.setPayload("last");
			seen.add(frame.text());
			seen.add(utf8(frame.payloadView()));
		};
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors(first, second).build()) {
			assertThat(runner.fromClient().text("hi").text()).isEqualTo("last");
			assertThat(seen).containsExactly(true, "HI", "HI", "last", "last");
		}
	}

	private static ClientFrameInterceptor fragments(ClientFrameInterceptor body) {
		return new ClientFrameInterceptor() {
			@Override
			public void intercept(FrameContext frame) throws Exception {
				body.intercept(frame);
			}

			@Override
			public MessageMode messageMode() {
				return MessageMode.FRAGMENTS;
			}
		};
	}

	private static String utf8(ByteBuffer view) {
		byte[] bytes = new byte[view.remaining()];
		view.get(bytes);
		return new String(bytes, StandardCharsets.UTF_8);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
