package io.linkgate.server.internal.dispatch;

import io.linkgate.api.auth.Authenticator;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.GoAway;
import io.linkgate.api.proto.NodeStatus;
import io.linkgate.api.proto.Role;
import io.linkgate.router.Router;
import io.linkgate.router.store.RouterStore;
import io.linkgate.server.HeartbeatConfig;
import io.linkgate.server.LinkgateConfig;
import io.linkgate.server.internal.HttpListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything about where clients should connect, for one node: its status beat (load level,
 * endpoints, draining, published for every node to read), the dispatch listener when configured,
 * and drains that hint each client towards another node.
 */
public final class Dispatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Dispatch.class);
  /** Hints per GoAway: enough to race and to fall back across transports, small enough to stay one frame. */
  static final int MAX_HINTS = 8;

  private final Router router;
  private final NodeStatusBeat beat;
  private final OutcomeBoard board;
  private final Duration drainWindow;
  private final HttpListener server;

  private Dispatch(Router router, NodeStatusBeat beat, OutcomeBoard board, Duration drainWindow, HttpListener server) {
    this.router = router;
    this.beat = beat;
    this.board = board;
    this.drainWindow = drainWindow;
    this.server = server;
  }

  /** Starts the status beat and, when {@code dispatch.enabled}, the dispatch listener. */
  public static Dispatch start(
      LinkgateConfig config, Router router, RouterStore store, Authenticator authenticator, List<Endpoint> listening)
      throws IOException {
    HeartbeatConfig hb = config.limits().heartbeat();
    NodeStatusBeat beat =
        new NodeStatusBeat(
            config.nodeId(), store.nodes(),
            Advertised.endpoints(config.dispatch().advertise(), listening),
            LoadGauge.ofThisMachine(router::localDownlinkCount, config.dispatch().capacity()),
            (int) hb.min().toMillis(), (int) hb.max().toMillis());
    OutcomeBoard board = new OutcomeBoard(System::currentTimeMillis);
    HttpListener server = null;
    if (config.dispatch().enabled()) {
      String host = config.dispatch().bindHost() != null ? config.dispatch().bindHost() : config.bindHost();
      DispatchHandler handler =
          new DispatchHandler(
              authenticator, beat, board, new ReportLimiter(System::currentTimeMillis), (int) config.dispatch().ttl().toMillis());
      // Clients ask once per list; a kept-alive connection would mostly sit idle.
      server = new HttpListener("linkgate-dispatch", 16, host, config.dispatch().port(), 15_000, handler);
      try {
        server.start();
      } catch (Exception e) {
        server.close();
        throw new IOException("could not start the dispatch listener on port " + config.dispatch().port() + ": " + e.getMessage(), e);
      }
    }
    beat.start();
    // A drain must finish within half the grace (the other half closes the transports).
    Duration window = min(config.dispatch().drainWindow(), config.shutdownGrace().dividedBy(2));
    return new Dispatch(router, beat, board, window, server);
  }

  /** Where the dispatch listener is bound, if it is on. */
  public Optional<InetSocketAddress> address() {
    return server == null ? Optional.empty() : Optional.of(server.address());
  }

  /** The latest load reading (null before the first beat). */
  public LoadGauge.Reading load() {
    return beat.reading();
  }

  /**
   * Marks this node draining (dispatch stops offering it) and sends every downlink a GoAway: with
   * hints towards the other live nodes, ranked for its user, spread over the drain window; or, with
   * no other node to offer, all at once and without hints.
   *
   * @return completes with the number of downlinks sent away
   */
  public CompletionStage<Integer> drain(String reason) {
    int before = router.localDownlinkCount();
    GoAway plain = GoAway.newBuilder().setReason(reason).build();
    List<NodeStatus> nodes;
    try {
      beat.markDraining().toCompletableFuture().get(1, TimeUnit.SECONDS);
      nodes = beat.readNow().toCompletableFuture().get(1, TimeUnit.SECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      log.warn("draining without hints: the node directory could not be read ({})", e.toString());
      nodes = List.of();
    }
    String self = beat.nodeId();
    List<NodeStatus> others = nodes.stream().filter(n -> !n.getNodeId().equals(self) && !n.getDraining()).toList();
    if (others.isEmpty()) {
      router.drain(plain);
      return CompletableFuture.completedFuture(before);
    }
    log.info("draining towards {} other node(s) over {} ms", others.size(), drainWindow.toMillis());
    return router.drain(
        user -> plain.toBuilder()
            .addAllReconnectTo(DispatchRanking.rank(others, board, user, Role.DOWNLINK, self).stream().limit(MAX_HINTS).toList())
            .build(),
        drainWindow);
  }

  /** Stops the listener and the beat, and takes this node out of the directory. */
  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
    beat.close();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
