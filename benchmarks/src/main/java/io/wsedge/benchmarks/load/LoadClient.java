package io.wsedge.benchmarks.load;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.wsedge.benchmarks.netty.Transport;

/**
 * Drives WebSocket traffic at one target over many connections, on plain Netty so that the client costs
 * little: a closed loop (each connection keeps {@code inFlight} messages in flight, every echo sends the next)
 * or an open loop (a fixed total rate spread over the connections), or no traffic at all (idle sessions).
 * Round-trip times go into an HdrHistogram; the runner reads counters at the edges of the measured window.
 * <p>
 * The target must echo every data message. Each connection's echoes come back in order, so the send times
 * wait in a ring per connection. Every loop is bounded: a connection holds at most {@link #MAX_PENDING}
 * messages in flight, and every wait has a deadline.
 */
public final class LoadClient implements AutoCloseable {

	/** Most messages one connection holds in flight in an open loop; beyond it sends are skipped and counted. */
	static final int MAX_PENDING = 256;

	private final EventLoopGroup group;

	/**
	 * Creates a client.
	 * @param threads its event loops
	 */
	public LoadClient(int threads) {
		this.group = Transport.group(threads);
	}

	/**
	 * Opens the workload's connections to a target.
	 * @param target the WebSocket URI, on loopback
	 * @param workload what to send once started
	 * @param sourceAddresses loopback addresses to connect from, in turn (more than one when ephemeral ports
	 * would run short), or empty for the system's choice
	 * @param concurrency the most handshakes in progress at once
	 * @param timeout how long opening may take in all
	 * @return the run, with the connections that opened
	 * @throws InterruptedException if interrupted while waiting
	 */
	public Run open(URI target, Workload workload, List<String> sourceAddresses, int concurrency, Duration timeout)
			throws InterruptedException {
		Run run = new Run(target, workload);
		run.connect(sourceAddresses, concurrency, timeout);
		return run;
	}

	@Override
	public void close() {
		this.group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
	}

	/**
	 * What the counters said at one moment.
	 *
	 * @param nanos when ({@link System#nanoTime()})
	 * @param messages echoes received so far
	 * @param bytes payload bytes of those echoes
	 * @param latency the round trips recorded since the previous snapshot, in nanoseconds
	 * @param errors echoes of the wrong size, failures and unexpected closes so far
	 * @param skipped open-loop sends skipped because too many were in flight
	 */
	public record Snapshot(long nanos, long messages, long bytes, Histogram latency, long errors, long skipped) {
	}

	/**
	 * The connections of one run and their counters.
	 */
	public final class Run implements AutoCloseable {

		private final URI target;

		private final Workload workload;

		private final ByteBuf payload;

		private final ByteBuf preamble;

		/** What {@link #payload} and {@link #preamble} wrap, released when the run closes. */
		private final ByteBuf[] owned;

		private final List<Conn> connections = new ArrayList<>();

		private final Recorder latency = new Recorder(3);

		private final LongAdder messages = new LongAdder();

		private final LongAdder bytes = new LongAdder();

		private final LongAdder errors = new LongAdder();

		private final LongAdder skipped = new LongAdder();

		private final AtomicInteger open = new AtomicInteger();

		private final AtomicInteger pending = new AtomicInteger();

		private volatile boolean sending;

		private volatile boolean closing;

		private long handshakeNanos;

		private int failedHandshakes;

		private String firstFailure;

		Run(URI target, Workload workload) {
			this.target = target;
			this.workload = workload;
			byte[] bytes = workload.binary() ? Payloads.binary(workload.payloadSize())
					: Payloads.text(Math.max(workload.payloadSize(), 42));
			// One payload for every send, which no send releases: the encoder masks it into a buffer of its own.
			ByteBuf payload = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
			ByteBuf preamble = Unpooled.copiedBuffer(String.valueOf(workload.preamble()), StandardCharsets.UTF_8);
			this.owned = new ByteBuf[] { payload, preamble };
			this.payload = Unpooled.unreleasableBuffer(payload);
			this.preamble = (workload.preamble() != null) ? Unpooled.unreleasableBuffer(preamble) : null;
		}

		private void connect(List<String> sources, int concurrency, Duration timeout) throws InterruptedException {
			int count = this.workload.connections();
			WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
				.webSocketUri(this.target)
				.version(WebSocketVersion.V13)
				.allowExtensions(this.workload.compress())
				.customHeaders(new DefaultHttpHeaders())
				.maxFramePayloadLength(64 * 1024 * 1024)
				.handleCloseFrames(true)
				.dropPongFrames(true)
				.generateOriginHeader(false)
				.handshakeTimeoutMillis(Math.max(1000, timeout.toMillis()))
				.build();
			Bootstrap bootstrap = new Bootstrap().group(LoadClient.this.group)
				.channel(Transport.channel())
				.option(ChannelOption.TCP_NODELAY, true)
				.option(ChannelOption.SO_REUSEADDR, true)
				.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeout.toMillis(), 30_000));
			CountDownLatch done = new CountDownLatch(count);
			java.util.concurrent.Semaphore permits = new java.util.concurrent.Semaphore(concurrency);
			long deadline = System.nanoTime() + timeout.toNanos();
			long started = System.nanoTime();
			InetSocketAddress remote = new InetSocketAddress(this.target.getHost(), this.target.getPort());
			int issued = 0;
			for (; issued < count; issued++) {
				long left = deadline - System.nanoTime();
				if (left <= 0 || !permits.tryAcquire(left, TimeUnit.NANOSECONDS)) {
					break;
				}
				Conn conn = new Conn(this, () -> {
					permits.release();
					done.countDown();
				});
				this.connections.add(conn);
				Bootstrap connecting = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
					@Override
					protected void initChannel(Channel channel) {
						ChannelPipeline pipeline = channel.pipeline();
						pipeline.addLast(new HttpClientCodec());
						pipeline.addLast(new HttpObjectAggregator(8192));
						if (Run.this.workload.compress()) {
							pipeline.addLast(new WebSocketClientCompressionHandler(0));
						}
						pipeline.addLast(new WebSocketClientProtocolHandler(config));
						pipeline.addLast(conn);
					}
				});
				if (sources.isEmpty()) {
					connecting.connect(remote).addListener((f) -> conn.connected(f.cause()));
				}
				else {
					InetSocketAddress local = new InetSocketAddress(sources.get(issued % sources.size()), 0);
					connecting.connect(remote, local).addListener((f) -> conn.connected(f.cause()));
				}
			}
			for (int i = issued; i < count; i++) {
				done.countDown();
				failed("not started within " + timeout);
			}
			done.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			this.handshakeNanos = System.nanoTime() - started;
		}

		synchronized void failed(String why) {
			this.failedHandshakes++;
			if (this.firstFailure == null) {
				this.firstFailure = why;
			}
		}

		/** Time from the first connect to the last handshake answered. */
		public long handshakeNanos() {
			return this.handshakeNanos;
		}

		public synchronized int failedHandshakes() {
			return this.failedHandshakes;
		}

		public synchronized String firstFailure() {
			return this.firstFailure;
		}

		/** Connections open now. */
		public int openConnections() {
			return this.open.get();
		}

		/**
		 * Sends the preamble on every connection, then starts the workload's traffic.
		 * @throws InterruptedException if interrupted while letting the preamble pass
		 */
		public void start() throws InterruptedException {
			if (this.preamble != null) {
				for (Conn conn : this.connections) {
					conn.sendPreamble();
				}
				Thread.sleep(200);
			}
			this.sending = true;
			for (Conn conn : this.connections) {
				conn.start();
			}
		}

		/**
		 * Sends one message on every open connection of a run that is not sending, and waits (up to
		 * {@code timeout}) for their echoes: what an idle session holds once it has been used.
		 * @param timeout the longest wait
		 * @return the echoes that came back
		 * @throws InterruptedException if interrupted
		 */
		public long echoOnce(Duration timeout) throws InterruptedException {
			if (this.sending) {
				throw new IllegalStateException("The run is sending already");
			}
			long before = this.messages.sum();
			int sent = 0;
			for (Conn conn : this.connections) {
				if (conn.sendOne()) {
					sent++;
				}
			}
			long deadline = System.nanoTime() + timeout.toNanos();
			while (this.messages.sum() - before < sent && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			return this.messages.sum() - before;
		}

		/**
		 * Reads the counters, and the latency recorded since the previous snapshot.
		 * @return the snapshot
		 */
		public Snapshot snapshot() {
			Histogram interval = this.latency.getIntervalHistogram();
			return new Snapshot(System.nanoTime(), this.messages.sum(), this.bytes.sum(), interval, this.errors.sum(),
					this.skipped.sum());
		}

		/**
		 * Stops sending and waits (up to {@code timeout}) for the messages in flight to come back.
		 * @param timeout the longest wait
		 * @return the messages still in flight after the wait
		 * @throws InterruptedException if interrupted
		 */
		public int stop(Duration timeout) throws InterruptedException {
			this.sending = false;
			for (Conn conn : this.connections) {
				conn.stop();
			}
			long deadline = System.nanoTime() + timeout.toNanos();
			while (this.pending.get() > 0 && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			return this.pending.get();
		}

		/**
		 * Closes every connection with a close frame, then cuts what has not closed within five seconds.
		 */
		@Override
		public void close() {
			this.closing = true;
			this.sending = false;
			for (Conn conn : this.connections) {
				conn.close();
			}
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			for (Conn conn : this.connections) {
				Channel channel = conn.channel;
				if (channel != null) {
					long left = deadline - System.nanoTime();
					if (left <= 0 || !channel.closeFuture().awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
						channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
					}
				}
			}
			for (ByteBuf buffer : this.owned) {
				buffer.release();
			}
		}

	}

	/**
	 * One connection: its send times in a ring, in order, as the echoes come back in order.
	 */
	private static final class Conn extends ChannelInboundHandlerAdapter {

		private final Run run;

		private final Runnable handshakeDone;

		private final long[] sendTimes;

		private final int mask;

		private long head;

		private long tail;

		private boolean ready;

		private boolean reported;

		private boolean wrote;

		private ChannelHandlerContext context;

		private volatile Channel channel;

		private ScheduledFuture<?> ticker;

		Conn(Run run, Runnable handshakeDone) {
			this.run = run;
			this.handshakeDone = handshakeDone;
			int wanted = run.workload.closed() ? run.workload.inFlight()
					: (run.workload.ratePerSecond() > 0) ? MAX_PENDING : 2;
			int size = Integer.highestOneBit(Math.max(2, wanted) * 2 - 1);
			this.sendTimes = new long[size];
			this.mask = size - 1;
		}

		void connected(Throwable failure) {
			if (failure != null) {
				report(false, "connect: " + failure);
			}
		}

		private void report(boolean ok, String failure) {
			if (this.reported) {
				return;
			}
			this.reported = true;
			if (ok) {
				this.ready = true;
				this.run.open.incrementAndGet();
			}
			else {
				this.run.failed(failure);
			}
			this.handshakeDone.run();
		}

		@Override
		public void handlerAdded(ChannelHandlerContext ctx) {
			this.context = ctx;
			this.channel = ctx.channel();
		}

		@Override
		public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
			if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
				report(true, null);
			}
			else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
				report(false, "handshake timeout");
			}
			ctx.fireUserEventTriggered(event);
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			if (!this.reported) {
				report(false, String.valueOf(cause));
			}
			else if (!this.run.closing) {
				this.run.errors.increment();
			}
			ctx.close();
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			if (!this.reported) {
				report(false, "closed during the handshake");
			}
			else if (this.ready) {
				this.run.open.decrementAndGet();
				if (!this.run.closing) {
					this.run.errors.increment();
				}
			}
			this.ready = false;
			cancelTicker();
			this.run.pending.addAndGet((int) -(this.tail - this.head));
			this.head = this.tail;
			ctx.fireChannelInactive();
		}

		void sendPreamble() {
			Channel channel = this.channel;
			if (channel != null && this.ready) {
				channel.eventLoop().execute(() -> this.context.writeAndFlush(
						new TextWebSocketFrame(this.run.preamble.duplicate()), this.context.voidPromise()));
			}
		}

		boolean sendOne() {
			Channel channel = this.channel;
			if (channel == null || !this.ready) {
				return false;
			}
			channel.eventLoop().execute(() -> {
				send();
				this.context.flush();
			});
			return true;
		}

		void start() {
			Channel channel = this.channel;
			if (channel == null || !this.ready) {
				return;
			}
			Workload workload = this.run.workload;
			if (workload.closed()) {
				channel.eventLoop().execute(() -> {
					for (int i = 0; i < workload.inFlight(); i++) {
						send();
					}
					this.context.flush();
				});
			}
			else if (workload.ratePerSecond() > 0) {
				long period = (long) (1e9 * workload.connections() / workload.ratePerSecond());
				long delay = ThreadLocalRandom.current().nextLong(period);
				this.ticker = channel.eventLoop().scheduleAtFixedRate(this::tick, delay, period, TimeUnit.NANOSECONDS);
			}
		}

		private void tick() {
			if (!this.run.sending || !this.ready) {
				return;
			}
			if (this.tail - this.head >= this.sendTimes.length) {
				this.run.skipped.increment();
				return;
			}
			send();
			this.context.flush();
		}

		void stop() {
			Channel channel = this.channel;
			if (channel != null) {
				channel.eventLoop().execute(this::cancelTicker);
			}
		}

		private void cancelTicker() {
			if (this.ticker != null) {
				this.ticker.cancel(false);
				this.ticker = null;
			}
		}

		void close() {
			Channel channel = this.channel;
			if (channel != null && channel.isActive()) {
				channel.eventLoop().execute(() -> {
					cancelTicker();
					if (this.ready) {
						this.context.writeAndFlush(new CloseWebSocketFrame(1000, "done"));
					}
					else {
						this.context.close();
					}
				});
			}
		}

		private void send() {
			if (this.tail - this.head >= this.sendTimes.length) {
				this.run.skipped.increment();
				return;
			}
			this.sendTimes[(int) (this.tail++ & this.mask)] = System.nanoTime();
			this.run.pending.incrementAndGet();
			ByteBuf payload = this.run.payload.duplicate();
			WebSocketFrame frame = this.run.workload.binary() ? new BinaryWebSocketFrame(payload)
					: new TextWebSocketFrame(payload);
			this.context.write(frame, this.context.voidPromise());
			this.wrote = true;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			try {
				if (!(msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame)) {
					return;
				}
				long now = System.nanoTime();
				int size = ((WebSocketFrame) msg).content().readableBytes();
				if (this.tail == this.head) {
					// An echo nobody waits for (a preamble the target did not drop).
					return;
				}
				long sent = this.sendTimes[(int) (this.head++ & this.mask)];
				this.run.pending.decrementAndGet();
				if (size != this.run.payload.readableBytes()) {
					this.run.errors.increment();
				}
				this.run.latency.recordValue(now - sent);
				this.run.messages.increment();
				this.run.bytes.add(size);
				if (this.run.sending && this.run.workload.closed()) {
					send();
				}
			}
			finally {
				ReferenceCountUtil.release(msg);
			}
		}

		@Override
		public void channelReadComplete(ChannelHandlerContext ctx) {
			if (this.wrote) {
				this.wrote = false;
				ctx.flush();
			}
			ctx.fireChannelReadComplete();
		}

	}

}
