package io.linkgate.transport.tcp.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Native epoll where it loads, NIO elsewhere: the group and the channel classes that go with it.
 */
final class EventLoops {
  private final boolean epoll;

  private EventLoops(boolean epoll) {
    this.epoll = epoll;
  }

  /** Epoll if {@code allowNative} and the native library loads here, else NIO. */
  static EventLoops select(boolean allowNative) {
    return new EventLoops(allowNative && epollAvailable());
  }

  static boolean epollAvailable() {
    try {
      return Epoll.isAvailable();
    } catch (Throwable t) { // a missing or broken native library is a reason for NIO, not a failure
      return false;
    }
  }

  boolean isEpoll() {
    return epoll;
  }

  EventLoopGroup newGroup(int threads, String name, boolean daemon) {
    return new MultiThreadIoEventLoopGroup(
        threads,
        new DefaultThreadFactory(name, daemon),
        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  Class<? extends ServerChannel> serverChannel() {
    return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  Class<? extends SocketChannel> socketChannel() {
    return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
  }
}
