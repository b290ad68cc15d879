package io.linkgate.transport.grpc.internal;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.Limits;
import io.linkgate.api.transport.PendingHandshakes;
import io.linkgate.api.transport.TransportSettings;
import io.linkgate.transport.grpc.proto.GatewayGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both roles share: one gRPC server with an event-loop group of its own (acceptor and
 * connections on the same threads: on a small machine a separate acceptor thread only costs), a
 * direct executor (no handler blocks), a listener per configured port, and the lifecycle.
 *
 * <p>The limits are set deliberately: the largest inbound message is the frame limit (larger is
 * RESOURCE_EXHAUSTED before its body is buffered); a connection must finish its TLS/HTTP/2 handshake
 * and start its first call within the handshake timeout of being accepted ({@link
 * FirstCallDeadline}: a client trickling its preface or headers is cut there), and one remote
 * address may hold at most {@code Limits.pendingHandshakesPerAddress} connections that have not
 * ({@link AcceptGate}); clients may send HTTP/2 keepalive pings as often as the shortest
 * heartbeat; the server pings a connection silent for a default heartbeat's miss window and drops it
 * if the ping goes unanswered; the inbound flow-control window is fixed (no growth beyond what a
 * frame needs); a connection without calls is closed after the uplink idle timeout (uplink) or the
 * handshake timeout (downlink: a downlink connection exists to carry its stream).
 */
abstract class GrpcServerTransport {
  private static final Logger log = LoggerFactory.getLogger(GrpcServerTransport.class);
  static final Set<String> OPTIONS =
      Set.of(
          Options.THREADS,
          Options.EPOLL,
          Options.MAX_IN_FLIGHT,
          Options.MAX_CALLS_PER_CONNECTION,
          Options.MAX_CONNECTION_AGE_MS);

  /** How long an unanswered keepalive ping may take before the connection is dropped. */
  private static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(20);

  /** gRPC's message header: a flag byte and a four-byte length. */
  private static final int MESSAGE_HEADER_BYTES = 5;

  protected final TransportSettings settings;
  private final int threads;
  private final boolean allowEpoll;
  private final int maxCallsPerConnection;
  private final long maxConnectionAgeMs;

  /** Client frames of one downlink waiting on the core before reading pauses. */
  protected final int maxInFlight;

  private final Object lock = new Object();
  private final List<ServerChannel> listeners = new ArrayList<>();

  /**
   * False once {@link #stopAccepting} ran. An HTTP/2 connection carries many calls, so closing the
   * listeners is not enough: on open connections, the calls that stand for a new connection (a
   * downlink call, an uplink's Hello call) are refused too, while open downlinks and the frame calls
   * of open uplinks carry on.
   */
  private volatile boolean accepting = true;
  private EventLoopGroup group;
  private Server server;
  private volatile List<Endpoint> endpoints = List.of();
  private boolean started;
  private CompletableFuture<Void> terminated;

  GrpcServerTransport(TransportSettings settings, int defaultThreads) {
    this.settings = settings;
    Options options = Options.of(settings.options(), OPTIONS, "grpc " + roleName(settings.role()));
    this.threads = options.positiveInt(Options.THREADS, defaultThreads);
    this.allowEpoll = options.bool(Options.EPOLL, true);
    this.maxInFlight = options.positiveInt(Options.MAX_IN_FLIGHT, 256);
    this.maxCallsPerConnection = options.positiveInt(Options.MAX_CALLS_PER_CONNECTION, 1000);
    this.maxConnectionAgeMs = options.positiveLong(Options.MAX_CONNECTION_AGE_MS, Long.MAX_VALUE);
  }

  /** The role's one method, with its handler; {@code group} runs the calls. */
  protected abstract ServerServiceDefinition service(EventLoopGroup group);

  /** How long a connection without calls stays open. */
  protected abstract Duration maxConnectionIdle();

  public String name() {
    return "grpc";
  }

  public void start() throws IOException {
    synchronized (lock) {
      if (started) {
        throw new IllegalStateException("already started");
      }
      started = true;
      GrpcLogs.demoteClientCausedWarnings();
      SslContext tls = settings.tls().isPresent() ? Tls.server(settings.tls().get()) : null;
      EventLoops loops = EventLoops.select(allowEpoll);
      group = loops.newGroup(threads, "linkgate-grpc-" + roleName(settings.role()), false);
      Server built = builder(loops, tls).build();
      try {
        built.start();
      } catch (IOException | RuntimeException e) {
        // gRPC has closed whatever it bound; the threads go too.
        built.shutdownNow();
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        group = null;
        synchronized (listeners) {
          listeners.clear();
        }
        throw new IOException(
            "cannot listen for grpc "
                + roleName(settings.role())
                + " on "
                + settings.host()
                + " ports "
                + settings.ports()
                + ": "
                + rootMessage(e),
            e);
      }
      server = built;
      List<Endpoint> eps = new ArrayList<>();
      for (SocketAddress address : built.getListenSockets()) {
        eps.add(
            Endpoint.newBuilder()
                .setTransport(name())
                .setRole(settings.role())
                .setHost(settings.host())
                .setPort(((InetSocketAddress) address).getPort())
                .setTls(tls != null)
                .build());
      }
      endpoints = List.copyOf(eps);
      log.info(
          "grpc {} listening on {} ports {} ({}, {} threads{})",
          roleName(settings.role()),
          settings.host(),
          eps.stream().map(Endpoint::getPort).toList(),
          loops.isEpoll() ? "epoll" : "nio",
          threads,
          tls != null ? ", TLS" : "");
    }
  }

  private NettyServerBuilder builder(EventLoops loops, SslContext tls) {
    Limits limits = settings.limits();
    List<Integer> ports = settings.ports();
    NettyServerBuilder b =
        NettyServerBuilder.forAddress(new InetSocketAddress(settings.host(), ports.get(0)));
    for (int port : ports.subList(1, ports.size())) {
      b.addListenAddress(new InetSocketAddress(settings.host(), port));
    }
    var newListener = loops.serverChannels();
    AcceptGate gate =
        new AcceptGate(
            new PendingHandshakes(
                limits.pendingHandshakesPerAddress(), "grpc " + roleName(settings.role())),
            limits.handshakeTimeout().toMillis());
    b.channelFactory(
            () -> {
              // Kept so that stopAccepting can close the listeners alone: Server.shutdown would
              // also send GOAWAY to every open connection.
              ServerChannel ch = newListener.get();
              ch.pipeline().addLast(gate); // ahead of the acceptor the bootstrap adds on register
              synchronized (listeners) {
                listeners.add(ch);
              }
              return ch;
            })
        .bossEventLoopGroup(group)
        .workerEventLoopGroup(group)
        .directExecutor()
        .addTransportFilter(CallFacts.DESCRIBE)
        .addService(service(group))
        .maxInboundMessageSize(limits.maxFrameBytes())
        .flowControlWindow(Math.max(64 * 1024, limits.maxFrameBytes() + MESSAGE_HEADER_BYTES))
        .maxConcurrentCallsPerConnection(maxCallsPerConnection)
        .handshakeTimeout(limits.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .permitKeepAliveTime(limits.minHeartbeatMs(), TimeUnit.MILLISECONDS)
        .keepAliveTime(
            limits.heartbeatTimeout(limits.defaultHeartbeatMs()).toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveTimeout(KEEPALIVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .maxConnectionIdle(maxConnectionIdle().toMillis(), TimeUnit.MILLISECONDS);
    if (maxConnectionAgeMs != Long.MAX_VALUE) {
      b.maxConnectionAge(maxConnectionAgeMs, TimeUnit.MILLISECONDS);
    }
    if (tls != null) {
      b.sslContext(tls);
    }
    return b;
  }

  public List<Endpoint> endpoints() {
    return endpoints;
  }

  /**
   * Closes the listening sockets and refuses new downlinks and uplink opens on open connections;
   * open downlinks and open uplinks carry on.
   */
  public void stopAccepting() {
    accepting = false;
    List<ServerChannel> toClose;
    synchronized (listeners) {
      toClose = List.copyOf(listeners);
      listeners.clear();
    }
    for (ServerChannel ch : toClose) {
      ch.close().awaitUninterruptibly();
    }
  }

  /**
   * Closes every connection at once (their calls end UNAVAILABLE; a graceful drain is the core's
   * GoAway, sent before this), then releases the threads.
   */
  public CompletionStage<Void> shutdown() {
    Server toStop;
    EventLoopGroup toRelease;
    synchronized (lock) {
      if (terminated != null) {
        return terminated;
      }
      terminated = new CompletableFuture<>();
      toStop = server;
      toRelease = group;
      if (toStop == null) {
        terminated.complete(null);
        return terminated;
      }
    }
    stopAccepting();
    toStop.shutdownNow();
    CompletableFuture<Void> done = terminated;
    // gRPC reports termination only to a waiting thread; this one waits, bounded, then lets go.
    Thread waiter =
        new Thread(
            () -> {
              try {
                if (!toStop.awaitTermination(10, TimeUnit.SECONDS)) {
                  log.warn("grpc {} server did not terminate in 10 s", roleName(settings.role()));
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              toRelease
                  .shutdownGracefully(0, 2, TimeUnit.SECONDS)
                  .addListener(f -> done.complete(null));
            },
            "linkgate-grpc-" + roleName(settings.role()) + "-shutdown");
    waiter.setDaemon(true);
    waiter.start();
    return done;
  }

  /** Whether new downlinks and uplink opens are taken. */
  protected final boolean isAccepting() {
    return accepting;
  }

  /** The refusal of a new downlink or uplink open once the node stopped accepting. */
  static GatewayException notAccepting(Role role) {
    return new GatewayException(
        ErrorCode.UNAVAILABLE,
        "this node takes no new " + roleName(role) + "s; connect to another one");
  }

  static String roleName(Role role) {
    return role.name().toLowerCase(Locale.ROOT);
  }

  static ServerServiceDefinition.Builder serviceBuilder() {
    return ServerServiceDefinition.builder(GatewayGrpc.SERVICE_NAME);
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    return c.getMessage() != null ? c.getMessage() : c.toString();
  }
}
