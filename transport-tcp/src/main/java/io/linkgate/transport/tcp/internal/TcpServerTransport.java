package io.linkgate.transport.tcp.internal;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.PendingHandshakes;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TransportEvents;
import io.linkgate.api.transport.TransportSettings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
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
 * What both roles share: an event-loop group of its own, a listener per configured port, the
 * connection pipeline up to the role's handler, and the lifecycle.
 *
 * <p>Pipeline: flush consolidation first where the role writes while reading (flushes within one
 * read loop become one), TLS if configured, the frame decoder (length checked before any body is
 * buffered), then the role's handler, which runs the handshake deadline and the session. Until the
 * session opens, a {@link HandshakeSlot} at the front counts the connection among its address's
 * pending handshakes; past {@code Limits.pendingHandshakesPerAddress} a new connection is closed as
 * it is accepted.
 */
abstract class TcpServerTransport {
  private static final Logger log = LoggerFactory.getLogger(TcpServerTransport.class);
  static final Set<String> OPTIONS =
      Set.of(Options.THREADS, Options.EPOLL, Options.MAX_IN_FLIGHT, Options.CLOSE_GRACE_MS);

  protected final TransportSettings settings;
  protected final TransportEvents events;
  private final int threads;
  private final boolean allowEpoll;
  protected final long closeGraceMillis;

  /** Client frames a connection may have waiting on the core before reading pauses. */
  protected final int maxInFlight;

  private final PendingHandshakes pendingHandshakes;

  private final Object lock = new Object();
  private EventLoopGroup group;
  private ChannelGroup connections;
  private List<Channel> listeners = List.of();
  private volatile List<Endpoint> endpoints = List.of();
  private boolean started;
  private CompletableFuture<Void> terminated;

  TcpServerTransport(TransportSettings settings, SessionHandler core, int defaultThreads) {
    this.settings = settings;
    this.events = core.events(name());
    Options options = Options.of(settings.options(), OPTIONS, "tcp " + roleName(settings.role()));
    this.threads = options.positiveInt(Options.THREADS, defaultThreads);
    this.allowEpoll = options.bool(Options.EPOLL, true);
    this.closeGraceMillis = options.positiveInt(Options.CLOSE_GRACE_MS, 2_000);
    this.maxInFlight = options.positiveInt(Options.MAX_IN_FLIGHT, 256);
    this.pendingHandshakes =
        new PendingHandshakes(
            settings.limits().pendingHandshakesPerAddress(), "tcp " + roleName(settings.role()));
  }

  /** The role's handler for a new connection. */
  protected abstract ChannelHandler newConnectionHandler();

  /**
   * Whether the role writes from inside its read loop, so that flushes there are worth merging
   * into one; true by default. A role whose writes all run as event-loop tasks gains nothing from
   * it and saves the handler on every connection.
   */
  protected boolean flushesWhileReading() {
    return true;
  }

  /** Role-specific options of accepted connections; none by default. */
  protected void configureChildren(ServerBootstrap bootstrap) {}

  public String name() {
    return "tcp";
  }

  public void start() throws IOException {
    synchronized (lock) {
      if (started) {
        throw new IllegalStateException("already started");
      }
      started = true;
      SslContext tls = settings.tls().isPresent() ? Tls.server(settings.tls().get()) : null;
      EventLoops loops = EventLoops.select(allowEpoll);
      group = loops.newGroup(threads, "linkgate-tcp-" + roleName(settings.role()), false);
      connections = new DefaultChannelGroup(group.next());
      ServerBootstrap bootstrap =
          new ServerBootstrap()
              .group(group)
              .channel(loops.serverChannel())
              .option(ChannelOption.SO_BACKLOG, 4096)
              .option(ChannelOption.SO_REUSEADDR, true)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(new Initializer(tls));
      configureChildren(bootstrap);
      List<Channel> bound = new ArrayList<>();
      for (int port : settings.ports()) {
        ChannelFuture f = bootstrap.bind(settings.host(), port).awaitUninterruptibly();
        if (!f.isSuccess()) {
          for (Channel ch : bound) {
            ch.close().awaitUninterruptibly();
          }
          group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
          group = null; // nothing left to shut down
          connections = null;
          throw new IOException(
              "cannot listen for "
                  + roleName(settings.role())
                  + " on "
                  + settings.host()
                  + ":"
                  + port
                  + ": "
                  + f.cause().getMessage(),
              f.cause());
        }
        bound.add(f.channel());
      }
      listeners = bound;
      List<Endpoint> eps = new ArrayList<>();
      for (Channel ch : bound) {
        eps.add(
            Endpoint.newBuilder()
                .setTransport(name())
                .setRole(settings.role())
                .setHost(settings.host())
                .setPort(((InetSocketAddress) ch.localAddress()).getPort())
                .setTls(tls != null)
                .build());
      }
      endpoints = List.copyOf(eps);
      log.info(
          "tcp {} listening on {} ports {} ({}, {} threads{})",
          roleName(settings.role()),
          settings.host(),
          eps.stream().map(Endpoint::getPort).toList(),
          loops.isEpoll() ? "epoll" : "nio",
          threads,
          tls != null ? ", TLS" : "");
    }
  }

  public List<Endpoint> endpoints() {
    return endpoints;
  }

  public void stopAccepting() {
    List<Channel> toClose;
    synchronized (lock) {
      toClose = listeners;
      listeners = List.of();
    }
    for (Channel ch : toClose) {
      ch.close().awaitUninterruptibly();
    }
  }

  public CompletionStage<Void> shutdown() {
    synchronized (lock) {
      if (terminated != null) {
        return terminated;
      }
      terminated = new CompletableFuture<>();
      if (group == null) {
        terminated.complete(null);
        return terminated;
      }
    }
    stopAccepting();
    CompletableFuture<Void> done = terminated;
    // Closing the connections first lets every session see onClosed before the threads go.
    connections
        .close()
        .addListener(
            f ->
                group
                    .shutdownGracefully(0, 5, TimeUnit.SECONDS)
                    .addListener(t -> done.complete(null)));
    return done;
  }

  /** Open connections (none before start): iterating is safe while they come and go. */
  protected final Iterable<Channel> connections() {
    synchronized (lock) {
      return connections == null ? List.of() : connections;
    }
  }

  /** Open connections, for tests. */
  int connectionCount() {
    synchronized (lock) {
      return connections == null ? 0 : connections.size();
    }
  }

  private static String roleName(Role role) {
    return role.name().toLowerCase(Locale.ROOT);
  }

  private final class Initializer extends ChannelInitializer<Channel> {
    private final SslContext tls;

    Initializer(SslContext tls) {
      this.tls = tls;
    }

    @Override
    protected void initChannel(Channel ch) {
      PendingHandshakes.Slot slot = pendingHandshakes.tryAcquire(ch.remoteAddress());
      if (slot == null) {
        ch.close(); // its address holds the most connections still in their handshake
        return;
      }
      ChannelPipeline p = ch.pipeline();
      if (settings.limits().pendingHandshakesPerAddress() > 0) {
        p.addLast(HandshakeSlot.NAME, new HandshakeSlot(slot));
      }
      if (flushesWhileReading()) {
        p.addLast(new FlushConsolidationHandler());
      }
      if (tls != null) {
        p.addLast(tls.newHandler(ch.alloc()));
      }
      p.addLast(new FrameDecoder(settings.limits().maxFrameBytes()));
      p.addLast(newConnectionHandler());
      connections.add(ch);
    }
  }
}
