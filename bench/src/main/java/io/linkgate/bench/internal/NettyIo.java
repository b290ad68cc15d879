package io.linkgate.bench.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
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

/** Native epoll where it loads, NIO elsewhere; the same choice for the baseline and the client. */
public final class NettyIo {
  private NettyIo() {}

  public static boolean epoll() {
    return Epoll.isAvailable();
  }

  public static String name() {
    return epoll() ? "epoll" : "nio";
  }

  public static EventLoopGroup group(int threads, String name) {
    IoHandlerFactory io = epoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), io);
  }

  public static Class<? extends ServerChannel> serverChannel() {
    return epoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  public static Class<? extends SocketChannel> channel() {
    return epoll() ? EpollSocketChannel.class : NioSocketChannel.class;
  }
}
