package io.linkgate.transport.tcp.internal;

import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.client.ClientTransport;
import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The client side of the TCP transport. Owns one event-loop group (created on first use, {@code
 * threads} option, default 1) until {@link #close()}.
 */
public final class TcpClientTransport implements ClientTransport {
  private static final Set<String> OPTIONS =
      Set.of(Options.THREADS, Options.EPOLL, Options.TRUST_CERTIFICATES);

  private final ClientTransportOptions options;
  private final Options tcpOptions;
  private final Object lock = new Object();
  private EventLoops loops;
  private EventLoopGroup group;
  private ChannelGroup connections;
  private SslContext tls;
  private boolean closed;

  public TcpClientTransport(ClientTransportOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    this.tcpOptions = Options.of(options.options(), OPTIONS, "tcp client");
  }

  @Override
  public String name() {
    return "tcp";
  }

  @Override
  public CompletionStage<ClientDownlink> openDownlink(
      Endpoint endpoint, Hello hello, ClientDownlink.Listener listener) {
    Objects.requireNonNull(listener, "listener");
    ClientDownlinkConnection connection =
        new ClientDownlinkConnection(withRole(hello, Role.DOWNLINK), timeoutMillis(), listener);
    return connect(endpoint, connection);
  }

  @Override
  public CompletionStage<ClientUplink> openUplink(Endpoint endpoint, Hello hello) {
    ClientUplinkConnection connection =
        new ClientUplinkConnection(withRole(hello, Role.UPLINK), timeoutMillis());
    return connect(endpoint, connection);
  }

  private <T> CompletionStage<T> connect(Endpoint endpoint, ClientConnection<T> connection) {
    Bootstrap bootstrap;
    SslContext sslContext;
    try {
      synchronized (lock) {
        if (closed) {
          return CompletableFuture.failedFuture(new IOException("client transport is closed"));
        }
        startIfNeeded();
        sslContext = endpoint.getTls() ? tlsContext() : null;
        bootstrap =
            new Bootstrap()
                .group(group)
                .channel(loops.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(
                    ChannelOption.CONNECT_TIMEOUT_MILLIS,
                    (int) Math.min(Integer.MAX_VALUE, timeoutMillis()));
      }
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    int maxFrameBytes = options.maxFrameBytes();
    bootstrap.handler(
        new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (sslContext != null) {
              ch.pipeline()
                  .addLast(
                      sslContext.newHandler(ch.alloc(), endpoint.getHost(), endpoint.getPort()));
            }
            ch.pipeline().addLast(new FrameDecoder(maxFrameBytes), connection);
          }
        });
    ChannelFuture f = bootstrap.connect(endpoint.getHost(), endpoint.getPort());
    connections.add(f.channel());
    f.addListener(
        done -> {
          if (!done.isSuccess()) {
            connection.connectFailed(done.cause());
          }
        });
    return connection.opened();
  }

  @Override
  public void close() {
    EventLoopGroup toStop;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      toStop = group;
    }
    if (toStop == null) {
      return;
    }
    for (Channel ch : connections) {
      ClientConnection<?> connection = ch.pipeline().get(ClientConnection.class);
      if (connection != null) {
        connection.close(); // closed by us: listeners see no cause
      } else {
        ch.close();
      }
    }
    var terminated = toStop.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    boolean onOwnThread = false;
    for (EventExecutor loop : toStop) {
      onOwnThread |= loop.inEventLoop();
    }
    if (!onOwnThread) { // waiting on our own thread would never end
      terminated.awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  private void startIfNeeded() {
    if (group == null) {
      loops = EventLoops.select(tcpOptions.bool(Options.EPOLL, true));
      group =
          loops.newGroup(tcpOptions.positiveInt(Options.THREADS, 1), "linkgate-tcp-client", true);
      connections = new DefaultChannelGroup(group.next());
    }
  }

  private SslContext tlsContext() throws IOException {
    if (tls == null) {
      tls = Tls.client(options.trustAllCertificates(), tcpOptions.path(Options.TRUST_CERTIFICATES));
    }
    return tls;
  }

  private long timeoutMillis() {
    return Math.max(1, options.connectTimeout().toMillis());
  }

  private static Hello withRole(Hello hello, Role role) {
    Objects.requireNonNull(hello, "hello");
    return hello.getRole() == role ? hello : hello.toBuilder().setRole(role).build();
  }
}
