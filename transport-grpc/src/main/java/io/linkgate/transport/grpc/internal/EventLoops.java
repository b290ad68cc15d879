package io.linkgate.transport.grpc.internal;

import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.SocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.netty.shaded.io.netty.util.concurrent.EventExecutor;
import java.util.function.Supplier;

/**
 * gRPC's shaded Netty, native epoll where it loads and NIO elsewhere: the event-loop group and the
 * channel classes that go with it.
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

  private static boolean epollAvailable() {
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

  Supplier<ServerChannel> serverChannels() {
    return epoll ? EpollServerSocketChannel::new : NioServerSocketChannel::new;
  }

  Class<? extends SocketChannel> socketChannel() {
    return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /**
   * The loop of {@code group} running the calling thread, or the group's next loop when called from
   * elsewhere. gRPC runs a call's callbacks (with a direct executor) on its connection's loop, so a
   * call that keeps its state on this loop needs neither locks nor thread hops.
   */
  static EventExecutor current(EventLoopGroup group) {
    for (EventExecutor loop : group) {
      if (loop.inEventLoop()) {
        return loop;
      }
    }
    return group.next();
  }
}
