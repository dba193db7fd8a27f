package io.wsedge.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.wsedge.benchmarks.edge.BenchEdgeApplication;
import io.wsedge.benchmarks.netty.Transport;

/**
 * The soak runner: a sustained rate of numbered messages through the edge for a given time, each connection
 * checking that its echoes come back complete, once each and in order. It reports lost, duplicated and
 * reordered messages (the target is zero of each) and the edge's live heap after a full GC at the start (after
 * a warm-up, with the connections open) and at the end (traffic stopped, the same connections still open),
 * so that a leak shows as growth. Bounded in time: the duration, then at most 10 s of drain.
 */
final class Soak {

	private Soak() {
	}

	static boolean main(String[] args) throws IOException, InterruptedException {
		Duration duration = Duration.ofMinutes(10);
		Duration warmup = Duration.ofSeconds(15);
		double rate = 2000;
		int connections = 20;
		String docs = null;
		for (String arg : args) {
			String value = arg.substring(arg.indexOf('=') + 1);
			if (arg.startsWith("--duration=")) {
				duration = Bench.duration(value);
			}
			else if (arg.startsWith("--warmup=")) {
				warmup = Bench.duration(value);
			}
			else if (arg.startsWith("--rate=")) {
				rate = Double.parseDouble(value);
			}
			else if (arg.startsWith("--connections=")) {
				connections = Integer.parseInt(value);
			}
			else if (arg.startsWith("--docs=")) {
				docs = value;
			}
			else {
				throw new IllegalArgumentException("Unknown option: " + arg);
			}
		}
		Path dir = Path.of(System.getProperty("java.io.tmpdir"),
				"wsedge-soak-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
		Files.createDirectories(dir);
		Result result = run(duration, warmup, rate, connections, dir, System.out);
		String markdown = result.markdown();
		System.out.println();
		System.out.println(markdown);
		if (docs != null) {
			Bench.writeSection(Path.of(docs), markdown);
			System.out.println("Results written to " + docs);
		}
		return result.clean();
	}

	static Result run(Duration duration, Duration warmup, double rate, int connections, Path dir, PrintStream out)
			throws IOException, InterruptedException {
		boolean pinned = Pinning.pinSelf();
		out.println("soak: " + connections + " connections, " + rate + " msg/s for " + duration + " (after "
				+ warmup + " of warm-up); logs in " + dir);
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
		EventLoopGroup group = Transport.group(1);
		try (Child upstream = Child.start("upstream", Child.java(List.of("-Xmx512m"), "upstream"), Pinning.LOAD_CORE,
				dir)) {
			int upstreamPort = Integer.parseInt(upstream.awaitLine(Bench.UPSTREAM_READY, Duration.ofSeconds(30)));
			try (Child edge = Child.start("edge", Child.java(Runner.Settings.EDGE_JVM, "edge",
					"--upstream=ws://127.0.0.1:" + upstreamPort + "/echo"), Pinning.PROXY_CORE, dir)) {
				int edgePort = Integer.parseInt(edge.awaitLine(BenchEdgeApplication.READY, Duration.ofSeconds(60)));
				URI uri = URI.create("ws://127.0.0.1:" + edgePort + BenchEdgeApplication.PATH);
				Clients clients = new Clients(group, uri, connections, rate);
				clients.open();
				clients.start();
				Thread.sleep(warmup.toMillis());
				long heapStart = heap(http, edgePort);
				long rssStart = Proc.rssBytes(edge.pid());
				long cpuStart = Proc.cpuNanos(edge.pid());
				clients.latency.reset();
				long started = System.nanoTime();
				long deadline = started + duration.toNanos();
				long nextReport = started + TimeUnit.SECONDS.toNanos(60);
				while (System.nanoTime() < deadline) {
					Thread.sleep(Math.min(1000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
					if (System.nanoTime() >= nextReport) {
						nextReport += TimeUnit.SECONDS.toNanos(60);
						out.printf(Locale.ROOT, "  %4.0f s: %d sent, %d echoed, %d errors%n",
								(System.nanoTime() - started) / 1e9, clients.sent.sum(), clients.received.sum(),
								clients.errors.sum());
					}
				}
				long elapsed = System.nanoTime() - started;
				long cpuEnd = Proc.cpuNanos(edge.pid());
				clients.stop();
				clients.drain(Duration.ofSeconds(10));
				long heapEnd = heap(http, edgePort);
				long rssEnd = Proc.rssBytes(edge.pid());
				Result result = clients.result(duration, rate, pinned, elapsed, heapStart, heapEnd, rssStart, rssEnd,
						cpuEnd - cpuStart);
				clients.close();
				return result;
			}
		}
		finally {
			group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
		}
	}

	private static long heap(HttpClient http, int port) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/bench/heap"))
			.timeout(Duration.ofSeconds(60))
			.build();
		String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
		String heap = body.substring(body.indexOf("heap=") + 5);
		return Long.parseLong(heap.substring(0, heap.indexOf(' ')));
	}

	/**
	 * The soak's account.
	 */
	record Result(ZonedDateTime date, Duration duration, double rate, int connections, boolean pinned, long elapsed,
			long sent, long received, long lost, long duplicated, long reordered, long errors, long heapStart,
			long heapEnd, long rssStart, long rssEnd, long edgeCpuNanos, Histogram latency) {

		boolean clean() {
			return this.lost == 0 && this.duplicated == 0 && this.reordered == 0 && this.errors == 0
					&& this.received > 0;
		}

		String markdown() {
			return String.format(Locale.ROOT, """
					Run of %s: %d cores (%s), Java %s, %s. %d connections through the edge at %.0f msg/s in \
					all for %s (after a warm-up), 64-byte numbered JSON text messages echoed by the Netty \
					upstream; edge JVM %s.

					| Figure | Value |
					| --- | --- |
					| Messages sent | %d |
					| Echoes received | %d |
					| Lost | %d |
					| Duplicated | %d |
					| Reordered | %d |
					| Unexpected closes and errors | %d |
					| Round trip p50 / p99 / p99.9 / max | %.0f / %.0f / %.0f / %.0f µs |
					| Edge CPU | %.2f µs per message relayed (%.0f%% of a core) |
					| Edge live heap after a full GC, start → end | %.1f MB → %.1f MB (%+.1f MB) |
					| Edge RSS, start → end | %.1f MB → %.1f MB |
					| Verdict | %s |
					""", this.date.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")), Proc.cores(),
					Proc.cpuModel(), Runtime.version(),
					this.pinned ? "edge on core 0, client and upstream on core 1" : "not pinned", this.connections,
					this.rate, human(this.duration), String.join(" ", Runner.Settings.EDGE_JVM), this.sent,
					this.received, this.lost, this.duplicated, this.reordered, this.errors,
					this.latency.getValueAtPercentile(50) / 1e3, this.latency.getValueAtPercentile(99) / 1e3,
					this.latency.getValueAtPercentile(99.9) / 1e3, this.latency.getMaxValue() / 1e3,
					(this.received == 0) ? 0 : this.edgeCpuNanos / 1e3 / (2.0 * this.received),
					100.0 * this.edgeCpuNanos / this.elapsed, this.heapStart / 1e6, this.heapEnd / 1e6,
					(this.heapEnd - this.heapStart) / 1e6, this.rssStart / 1e6, this.rssEnd / 1e6,
					clean() ? "clean: nothing lost, duplicated or reordered" : "**not clean**");
		}

		private static String human(Duration duration) {
			return (duration.toSeconds() % 60 == 0) ? duration.toMinutes() + " min" : duration.toSeconds() + " s";
		}

	}

	/** The soak's connections and their shared counters. */
	private static final class Clients {

		private final EventLoopGroup group;

		private final URI uri;

		private final int count;

		private final double rate;

		private final List<Sequenced> connections = new ArrayList<>();

		final LongAdder sent = new LongAdder();

		final LongAdder received = new LongAdder();

		final LongAdder errors = new LongAdder();

		final Recorder latency = new Recorder(3);

		private final Histogram total = new Histogram(3);

		private volatile boolean closing;

		Clients(EventLoopGroup group, URI uri, int count, double rate) {
			this.group = group;
			this.uri = uri;
			this.count = count;
			this.rate = rate;
		}

		void open() throws InterruptedException, IOException {
			WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
				.webSocketUri(this.uri)
				.version(WebSocketVersion.V13)
				.allowExtensions(false)
				.handleCloseFrames(true)
				.dropPongFrames(true)
				.generateOriginHeader(false)
				.handshakeTimeoutMillis(10_000)
				.build();
			CountDownLatch ready = new CountDownLatch(this.count);
			for (int i = 0; i < this.count; i++) {
				Sequenced connection = new Sequenced(this, ready);
				this.connections.add(connection);
				new Bootstrap().group(this.group)
					.channel(Transport.channel())
					.option(ChannelOption.TCP_NODELAY, true)
					.handler(new ChannelInitializer<Channel>() {
						@Override
						protected void initChannel(Channel channel) {
							channel.pipeline()
								.addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
										new WebSocketClientProtocolHandler(config), connection);
						}
					})
					.connect(new InetSocketAddress(this.uri.getHost(), this.uri.getPort()));
			}
			if (!ready.await(30, TimeUnit.SECONDS)) {
				throw new IOException("Soak connections did not open within 30s");
			}
		}

		void start() {
			long period = (long) (1e9 * this.count / this.rate);
			for (Sequenced connection : this.connections) {
				connection.start(period);
			}
		}

		void stop() {
			for (Sequenced connection : this.connections) {
				connection.stop();
			}
		}

		void drain(Duration timeout) throws InterruptedException {
			long deadline = System.nanoTime() + timeout.toNanos();
			while (this.received.sum() + lostSoFar() < this.sent.sum() && System.nanoTime() < deadline) {
				Thread.sleep(20);
			}
		}

		private long lostSoFar() {
			long missing = 0;
			for (Sequenced connection : this.connections) {
				missing += connection.missingCount();
			}
			return missing;
		}

		Result result(Duration duration, double rate, boolean pinned, long elapsed, long heapStart, long heapEnd,
				long rssStart, long rssEnd, long edgeCpu) {
			long lost = 0;
			long duplicated = 0;
			long reordered = 0;
			for (Sequenced connection : this.connections) {
				Sequenced.Account account = connection.account();
				lost += account.lost();
				duplicated += account.duplicated();
				reordered += account.reordered();
			}
			synchronized (this.total) {
				this.total.add(this.latency.getIntervalHistogram());
			}
			return new Result(ZonedDateTime.now(), duration, rate, this.count, pinned, elapsed, this.sent.sum(),
					this.received.sum(), lost, duplicated, reordered, this.errors.sum(), heapStart, heapEnd, rssStart,
					rssEnd, edgeCpu, this.total);
		}

		void close() {
			this.closing = true;
			for (Sequenced connection : this.connections) {
				connection.close();
			}
		}

	}

	/**
	 * One connection sending {@code {"seq":N,...}} at a fixed rate and checking each echo's number against the
	 * next one expected: a higher number leaves a gap (lost unless it shows up later, then reordered), a lower
	 * one that was no gap is a duplicate. Confined to the connection's event loop.
	 */
	private static final class Sequenced extends ChannelInboundHandlerAdapter {

		private static final int SIZE = 64;

		private final Clients clients;

		private final CountDownLatch ready;

		private final long[] sendTimes = new long[1 << 16];

		private final Set<Long> missing = new HashSet<>();

		private volatile int missingCount;

		private long nextToSend;

		private long nextExpected;

		private long duplicated;

		private long reordered;

		private ChannelHandlerContext context;

		private ScheduledFuture<?> ticker;

		private boolean open;

		Sequenced(Clients clients, CountDownLatch ready) {
			this.clients = clients;
			this.ready = ready;
		}

		@Override
		public void handlerAdded(ChannelHandlerContext ctx) {
			this.context = ctx;
		}

		@Override
		public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
			if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
				this.open = true;
				this.ready.countDown();
			}
			ctx.fireUserEventTriggered(event);
		}

		void start(long period) {
			this.context.executor().execute(() -> this.ticker = this.context.executor()
				.scheduleAtFixedRate(this::send, ThreadLocalRandom.current().nextLong(period), period,
						TimeUnit.NANOSECONDS));
		}

		void stop() {
			this.context.executor().execute(() -> {
				if (this.ticker != null) {
					this.ticker.cancel(false);
				}
			});
		}

		void close() {
			this.context.executor().execute(() -> {
				if (this.ticker != null) {
					this.ticker.cancel(false);
				}
				if (this.context.channel().isActive()) {
					this.context.writeAndFlush(new CloseWebSocketFrame(1000, "soak done"));
				}
			});
		}

		private void send() {
			if (!this.open) {
				return;
			}
			long seq = this.nextToSend++;
			StringBuilder text = new StringBuilder(SIZE).append("{\"seq\":").append(seq).append(",\"pad\":\"");
			while (text.length() < SIZE - 2) {
				text.append('x');
			}
			text.append("\"}");
			this.sendTimes[(int) (seq & (this.sendTimes.length - 1))] = System.nanoTime();
			this.clients.sent.increment();
			this.context.writeAndFlush(new TextWebSocketFrame(text.toString()), this.context.voidPromise());
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			try {
				if (msg instanceof TextWebSocketFrame frame) {
					echo(seqOf(frame.content()));
				}
			}
			finally {
				ReferenceCountUtil.release(msg);
			}
		}

		private static long seqOf(ByteBuf content) {
			String text = content.toString(StandardCharsets.US_ASCII);
			int start = text.indexOf("\"seq\":") + 6;
			int end = text.indexOf(',', start);
			return Long.parseLong(text.substring(start, end));
		}

		private void echo(long seq) {
			this.clients.received.increment();
			if (seq == this.nextExpected) {
				this.nextExpected++;
				record(seq);
			}
			else if (seq > this.nextExpected) {
				for (long gap = this.nextExpected; gap < seq; gap++) {
					this.missing.add(gap);
				}
				this.nextExpected = seq + 1;
				this.missingCount = this.missing.size();
				record(seq);
			}
			else if (this.missing.remove(seq)) {
				this.reordered++;
				this.missingCount = this.missing.size();
			}
			else {
				this.duplicated++;
			}
		}

		private void record(long seq) {
			if (this.nextToSend - seq < this.sendTimes.length) {
				this.clients.latency.recordValue(
						System.nanoTime() - this.sendTimes[(int) (seq & (this.sendTimes.length - 1))]);
			}
		}

		int missingCount() {
			return this.missingCount;
		}

		Account account() {
			try {
				return this.context.executor()
					.submit(() -> new Account(this.missing.size() + (this.nextToSend - this.nextExpected),
							this.duplicated, this.reordered))
					.get(5, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			if (!this.clients.closing) {
				this.clients.errors.increment();
			}
			this.open = false;
			ctx.fireChannelInactive();
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			this.clients.errors.increment();
			ctx.close();
		}

		record Account(long lost, long duplicated, long reordered) {
		}

	}

}
