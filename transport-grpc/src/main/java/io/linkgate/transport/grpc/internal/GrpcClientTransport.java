package io.linkgate.transport.grpc.internal;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.util.concurrent.EventExecutor;
import io.linkgate.api.GatewayException;
import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.client.ClientTransport;
import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Error;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.transport.grpc.proto.GatewayGrpc;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The client side of the gRPC transport: one {@link ManagedChannel} per endpoint, shared by the
 * calls to it, on one event-loop group ({@code threads} option, default 1) made on first use and
 * owned until {@link #close()}.
 *
 * <p>A downlink is one {@code Downlink} call: its first message is the {@code Hello}, the first
 * answer the {@code Welcome}. An uplink is opened with a unary {@code Uplink} call carrying the
 * {@code Hello} and no {@code authorization} metadata, answered with the uplink's {@code Welcome};
 * every frame then goes in a unary call of its own, with {@code authorization: Bearer <token>} and
 * {@code x-linkgate-device-id} from that {@code Hello}.
 */
public final class GrpcClientTransport implements ClientTransport {
  private static final Set<String> OPTIONS =
      Set.of(Options.THREADS, Options.EPOLL, Options.TRUST_CERTIFICATES);

  private final ClientTransportOptions options;
  private final Options grpcOptions;
  private final Object lock = new Object();
  private final Map<String, ClientChannel> channels = new HashMap<>();
  private final Set<GrpcClientDownlink> downlinks = ConcurrentHashMap.newKeySet();
  private EventLoops loops;
  private EventLoopGroup group;
  private SslContext tls;
  private boolean closed;

  public GrpcClientTransport(ClientTransportOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    this.grpcOptions = Options.of(options.options(), OPTIONS, "grpc client");
  }

  @Override
  public String name() {
    return "grpc";
  }

  @Override
  public CompletionStage<ClientDownlink> openDownlink(
      Endpoint endpoint, Hello hello, ClientDownlink.Listener listener) {
    Objects.requireNonNull(listener, "listener");
    Hello downlinkHello = withRole(hello, Role.DOWNLINK);
    ClientChannel channel;
    EventExecutor timers;
    try {
      synchronized (lock) {
        channel = channelFor(endpoint);
        timers = group.next();
      }
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    ClientCall<Frame, Frame> call =
        channel.channel().newCall(GatewayGrpc.getDownlinkMethod(), CallOptions.DEFAULT);
    GrpcClientDownlink downlink =
        new GrpcClientDownlink(
            call, endpoint, listener, timeoutMillis(), timers, downlinks::remove);
    downlinks.add(downlink);
    downlink.start(downlinkHello);
    return downlink.opened();
  }

  @Override
  public CompletionStage<ClientUplink> openUplink(Endpoint endpoint, Hello hello) {
    Hello uplinkHello = withRole(hello, Role.UPLINK);
    ClientChannel channel;
    try {
      synchronized (lock) {
        channel = channelFor(endpoint);
      }
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    long generation = channel.generation();
    CompletableFuture<ClientUplink> opened = new CompletableFuture<>();
    ClientCall<Frame, Frame> call =
        channel
            .channel()
            .newCall(
                GatewayGrpc.getUplinkMethod(),
                CallOptions.DEFAULT.withDeadlineAfter(timeoutMillis(), TimeUnit.MILLISECONDS));
    UnaryCalls.call(
        call,
        new Metadata(), // no authorization: this call carries the Hello and opens the uplink
        Frame.newBuilder().setHello(uplinkHello).build(),
        (answer, status, trailers) -> {
          if (answer != null && answer.hasWelcome()) {
            opened.complete(
                new GrpcClientUplink(channel, generation, answer.getWelcome(), uplinkHello));
          } else if (answer != null && answer.hasError()) {
            Error e = answer.getError();
            opened.completeExceptionally(new GatewayException(e.getCode(), e.getMessage()));
          } else if (answer != null) {
            opened.completeExceptionally(
                new IOException("expected Welcome, the server sent " + answer.getKindCase()));
          } else {
            opened.completeExceptionally(openFailure(status, trailers, endpoint));
          }
        });
    return opened;
  }

  /**
   * Why an open failed: the server's refusal as a {@link GatewayException}, or an {@link
   * IOException} for anything on the way (no connection, our own deadline).
   */
  static Throwable openFailure(Status status, Metadata trailers, Endpoint endpoint) {
    Error refusal = GrpcErrors.trailerError(trailers);
    if (refusal != null) {
      return new GatewayException(refusal.getCode(), refusal.getMessage());
    }
    String where = endpoint.getHost() + ":" + endpoint.getPort();
    if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
      return new SocketTimeoutException("no Welcome from " + where + " in time");
    }
    return new IOException(
        "cannot open a grpc connection to " + where + ": " + describe(status),
        status.asException());
  }

  static String describe(Status status) {
    String description = status.getDescription();
    return status.getCode() + (description != null ? " " + description : "");
  }

  @Override
  public void close() {
    EventLoopGroup toStop;
    List<ClientChannel> toClose;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      toStop = group;
      toClose = new ArrayList<>(channels.values());
      channels.clear();
    }
    for (GrpcClientDownlink d : List.copyOf(downlinks)) {
      d.close(); // closed by us: listeners see no cause
    }
    for (ClientChannel c : toClose) {
      c.channel().shutdownNow();
    }
    if (toStop == null) {
      return;
    }
    boolean onOwnThread = false;
    for (EventExecutor loop : toStop) {
      onOwnThread |= loop.inEventLoop();
    }
    if (!onOwnThread) { // waiting on our own thread would never end
      for (ClientChannel c : toClose) {
        try {
          c.channel().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    var terminated = toStop.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    if (!onOwnThread) {
      terminated.awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  /** Under the lock. */
  private ClientChannel channelFor(Endpoint endpoint) throws IOException {
    if (closed) {
      throw new IOException("client transport is closed");
    }
    String key = endpoint.getHost() + ":" + endpoint.getPort() + (endpoint.getTls() ? ":tls" : "");
    ClientChannel existing = channels.get(key);
    if (existing != null) {
      return existing;
    }
    if (group == null) {
      loops = EventLoops.select(grpcOptions.bool(Options.EPOLL, true));
      group =
          loops.newGroup(grpcOptions.positiveInt(Options.THREADS, 1), "linkgate-grpc-client", true);
    }
    NettyChannelBuilder b =
        NettyChannelBuilder.forAddress(endpoint.getHost(), endpoint.getPort())
            .eventLoopGroup(group)
            .channelType(loops.socketChannel())
            .directExecutor()
            .maxInboundMessageSize(options.maxFrameBytes())
            .withOption(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, timeoutMillis()))
            .proxyDetector(target -> null) // plain gRPC goes direct; an HTTP proxy is not used
            .userAgent("linkgate");
    if (endpoint.getTls()) {
      b.sslContext(tlsContext());
    } else {
      b.usePlaintext();
    }
    ClientChannel channel = new ClientChannel(b.build());
    channels.put(key, channel);
    return channel;
  }

  private SslContext tlsContext() throws IOException {
    if (tls == null) {
      tls =
          Tls.client(
              options.trustAllCertificates(), grpcOptions.path(Options.TRUST_CERTIFICATES));
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
