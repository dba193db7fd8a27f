package io.wsedge.testsupport;

import java.util.List;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test class when Netty's leak detector reports a buffer that was never released. The build runs
 * tests with the detector at paranoid level (every buffer tracked); reports come when a leaked buffer is
 * garbage collected, so this collects and allocates until the detector has looked.
 */
public final class NoLeaks implements BeforeAllCallback, AfterAllCallback {

	private static final ListAppender<ILoggingEvent> REPORTS = new ListAppender<>();

	static {
		Logger logger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
		REPORTS.start();
		logger.addAppender(REPORTS);
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		REPORTS.list.clear();
	}

	@Override
	public void afterAll(ExtensionContext context) throws Exception {
		for (int round = 0; round < 5; round++) {
			System.gc();
			Thread.sleep(50);
			// The detector polls its queue of collected buffers when new ones are tracked.
			for (int i = 0; i < 200; i++) {
				ByteBuf buffer = PooledByteBufAllocator.DEFAULT.buffer(16);
				buffer.release();
			}
		}
		List<String> leaks = REPORTS.list.stream()
			.map(ILoggingEvent::getFormattedMessage)
			.filter((message) -> message.contains("LEAK"))
			.collect(Collectors.toList());
		if (!leaks.isEmpty()) {
			throw new AssertionError("Netty reported " + leaks.size() + " leaked buffer(s):\n" + leaks.get(0));
		}
	}

}
