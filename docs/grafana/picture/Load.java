import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** A small mixed load on the demo edge, for the dashboard picture. */
public class Load {

	static final HttpClient HTTP = HttpClient.newHttpClient();

	static final WebSocket.Listener QUIET = new WebSocket.Listener() {
		@Override
		public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
			ws.request(1);
			return null;
		}
	};

	static WebSocket open(String path, String... headers) {
		try {
			WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
			for (int i = 0; i < headers.length; i += 2) {
				builder.header(headers[i], headers[i + 1]);
			}
			return builder.buildAsync(URI.create("ws://127.0.0.1:8080" + path), QUIET).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			return null;
		}
	}

	public static void main(String[] args) throws Exception {
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(Integer.parseInt(args[0]));
		Random random = new Random(17);
		List<WebSocket> echo = new ArrayList<>();
		List<WebSocket> chat = new ArrayList<>();
		int tick = 0;
		while (System.nanoTime() < end) {
			tick++;
			// The number of sessions rises, then falls.
			int target = (tick < 150) ? 10 + tick / 5 : Math.max(8, 40 - (tick - 150) / 5);
			while (echo.size() < target) {
				WebSocket ws = open("/ws/echo");
				if (ws != null) {
					echo.add(ws);
				}
			}
			while (echo.size() > target) {
				echo.remove(0).sendClose(random.nextBoolean() ? 1000 : 4001, "bye");
			}
			while (chat.size() < target / 3) {
				WebSocket ws = open("/ws/chat/room1");
				if (ws != null) {
					ws.sendText("{\"token\":\"demo-token\"}", true).join();
					chat.add(ws);
				}
			}
			for (WebSocket ws : echo) {
				if (random.nextInt(4) == 0) {
					byte[] payload = new byte[64 + random.nextInt(2048)];
					ws.sendBinary(ByteBuffer.wrap(payload), true);
				}
				else {
					ws.sendText("hello " + random.nextInt(1000), true);
				}
			}
			for (WebSocket ws : chat) {
				ws.sendText("{\"n\":" + random.nextInt(1000) + "}", true);
			}
			if (tick % 25 == 0 && !echo.isEmpty()) {
				// A flood over the route's rate: closed with 1008 (rate-limit).
				WebSocket flood = echo.remove(echo.size() - 1);
				for (int i = 0; i < 40; i++) {
					flood.sendText("flood", true);
				}
			}
			if (tick % 30 == 0 && !chat.isEmpty()) {
				// Not JSON on the chat route: closed with 1007.
				chat.remove(0).sendText("not json", true);
			}
			if (tick % 7 == 0) {
				// Without the API key: refused with 401.
				WebSocket refused = open("/ws/private");
				if (refused != null) {
					refused.sendClose(1000, "");
				}
			}
			if (tick % 11 == 0) {
				WebSocket ok = open("/ws/private", "X-Api-Key", "demo-key");
				if (ok != null) {
					ok.sendText("hi", true);
					ok.sendClose(1000, "");
				}
			}
			Thread.sleep(200);
		}
		for (WebSocket ws : echo) {
			ws.sendClose(1000, "");
		}
		for (WebSocket ws : chat) {
			ws.sendClose(1000, "");
		}
		Thread.sleep(1000);
	}

}
