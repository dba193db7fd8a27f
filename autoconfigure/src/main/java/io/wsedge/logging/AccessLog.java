package io.wsedge.logging;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.Locale;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.wsedge.api.EdgeSession;
import io.wsedge.api.SessionEndListener;
import io.wsedge.api.SessionSummary;

/**
 * The access log ({@code wsedge.access-log.enabled}): one INFO line per ended session on the logger
 * {@value #LOGGER}, in a stable {@code key=value} format, so that log pipelines can parse it:
 * <pre>
 * route=echo session=806c8aa9caa0ca7b client=127.0.0.1:59766 principal=- subprotocol=- duration-ms=3606
 * closed-by=client client-code=1000 upstream-code=1000 client-messages=2 client-bytes=105 upstream-messages=2
 * upstream-bytes=105
 * </pre>
 * (one line). Keys always appear, in this order; a missing value is {@code -}; a value with a space, a quote or
 * an equals sign is quoted, with {@code \} before a quote or backslash in it. Close codes are those of
 * {@link SessionSummary}: 1005 for a close frame without a code, 1006 for a connection that ended without one.
 */
public final class AccessLog implements SessionEndListener {

	/** The name of the logger the access log writes to. */
	public static final String LOGGER = "io.wsedge.access";

	private static final Log logger = LogFactory.getLog(LOGGER);

	@Override
	public void onSessionEnd(SessionSummary summary) {
		if (logger.isInfoEnabled()) {
			logger.info(format(summary));
		}
	}

	static String format(SessionSummary summary) {
		EdgeSession session = summary.session();
		StringBuilder line = new StringBuilder(256);
		append(line, "route", session.routeId());
		append(line, "session", session.id());
		append(line, "client", address(session.remoteAddress()));
		append(line, "principal", session.principal().map(Principal::getName).orElse(null));
		append(line, "subprotocol", session.subprotocol().orElse(null));
		append(line, "duration-ms", Long.toString(summary.duration().toMillis()));
		append(line, "closed-by", summary.closedBy().name().toLowerCase(Locale.ROOT));
		append(line, "client-code", Integer.toString(summary.clientCloseStatus()));
		append(line, "upstream-code", Integer.toString(summary.upstreamCloseStatus()));
		append(line, "client-messages", Long.toString(summary.clientMessages()));
		append(line, "client-bytes", Long.toString(summary.clientBytes()));
		append(line, "upstream-messages", Long.toString(summary.upstreamMessages()));
		append(line, "upstream-bytes", Long.toString(summary.upstreamBytes()));
		return line.toString();
	}

	private static String address(InetSocketAddress address) {
		if (address == null) {
			return null;
		}
		return ((address.getAddress() != null) ? address.getAddress().getHostAddress() : address.getHostString())
				+ ":" + address.getPort();
	}

	private static void append(StringBuilder line, String key, String value) {
		if (!line.isEmpty()) {
			line.append(' ');
		}
		line.append(key).append('=');
		if (value == null || value.isEmpty()) {
			line.append('-');
			return;
		}
		boolean quote = false;
		for (int i = 0; i < value.length() && !quote; i++) {
			char c = value.charAt(i);
			quote = c == ' ' || c == '"' || c == '=' || c == '\\' || Character.isISOControl(c);
		}
		if (!quote) {
			line.append(value);
			return;
		}
		line.append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '"' || c == '\\') {
				line.append('\\');
			}
			// A line break in a principal's name must not start a forged log line.
			line.append(Character.isISOControl(c) ? ' ' : c);
		}
		line.append('"');
	}

}
