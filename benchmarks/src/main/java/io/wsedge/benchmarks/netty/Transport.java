package io.wsedge.benchmarks.netty;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The Netty transport of the load client and the echo upstream: epoll where the native library loads (as the
 * edge's Reactor Netty and nginx use), NIO elsewhere.
 */
public final class Transport {

	private static final boolean EPOLL = Epoll.isAvailable();

	private Transport() {
	}

	/**
	 * An event loop group of the chosen transport.
	 * @param threads the number of event loops
	 * @return the group
	 */
	public static EventLoopGroup group(int threads) {
		IoHandlerFactory factory = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
		return new MultiThreadIoEventLoopGroup(threads, factory);
	}

	public static Class<? extends Channel> channel() {
		return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
	}

	public static Class<? extends ServerChannel> serverChannel() {
		return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
	}

	public static String name() {
		return EPOLL ? "epoll" : "nio";
	}

}
