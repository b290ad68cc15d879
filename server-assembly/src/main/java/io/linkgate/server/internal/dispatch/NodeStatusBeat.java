package io.linkgate.server.internal.dispatch;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.NodeStatus;
import io.linkgate.router.store.NodeDirectory;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once a second: measures this node's load, publishes its status (endpoints, load level, draining)
 * to the shared {@link NodeDirectory}, and reads every node's back. Dispatch answers from that copy,
 * so a dispatch request costs no store round trip, and any node answers for all of them.
 */
public final class NodeStatusBeat implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeStatusBeat.class);
  static final long PERIOD_MS = 1000;

  private final String nodeId;
  private final NodeDirectory directory;
  private final List<Endpoint> endpoints;
  private final LoadGauge gauge;
  private final int heartbeatMinMs;
  private final int heartbeatMaxMs;
  private final ScheduledExecutorService timer;
  private volatile boolean draining;
  private volatile Snapshot snapshot;
  private volatile LoadGauge.Reading reading;
  private long nextDueNanos;

  /** The nodes as last read, and when. */
  record Snapshot(List<NodeStatus> nodes, long readAtMs) {}

  public NodeStatusBeat(
      String nodeId, NodeDirectory directory, List<Endpoint> endpoints, LoadGauge gauge, int heartbeatMinMs, int heartbeatMaxMs) {
    this.nodeId = nodeId;
    this.directory = directory;
    this.endpoints = List.copyOf(endpoints);
    this.gauge = gauge;
    this.heartbeatMinMs = heartbeatMinMs;
    this.heartbeatMaxMs = heartbeatMaxMs;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "linkgate-node-status");
      t.setDaemon(true);
      return t;
    });
  }

  public void start() {
    nextDueNanos = System.nanoTime();
    timer.scheduleAtFixedRate(this::beat, 0, PERIOD_MS, TimeUnit.MILLISECONDS);
  }

  /** From now on this node is listed as draining (dispatch stops offering it); published at once. */
  public CompletionStage<Void> markDraining() {
    draining = true;
    return CompletableFuture.supplyAsync(this::publish, timer).thenCompose(s -> s);
  }

  public boolean draining() {
    return draining;
  }

  /** The nodes as last read, or null when there is no reading younger than a node's staleness bound. */
  Snapshot snapshot() {
    Snapshot s = snapshot;
    return s == null || System.currentTimeMillis() - s.readAtMs() > NodeDirectory.STALE_AFTER_MS ? null : s;
  }

  /** Reads the nodes now (a drain wants the latest word, not a second-old copy). */
  CompletionStage<List<NodeStatus>> readNow() {
    return directory.nodes();
  }

  /** The latest load measurement, null before the first. */
  public LoadGauge.Reading reading() {
    return reading;
  }

  public int heartbeatMinMs() {
    return heartbeatMinMs;
  }

  public int heartbeatMaxMs() {
    return heartbeatMaxMs;
  }

  public String nodeId() {
    return nodeId;
  }

  private void beat() {
    long now = System.nanoTime();
    gauge.observeLag(Math.max(0, TimeUnit.NANOSECONDS.toMillis(now - nextDueNanos)));
    nextDueNanos = now + TimeUnit.MILLISECONDS.toNanos(PERIOD_MS);
    try {
      publish()
          .thenCompose(x -> directory.nodes())
          .whenComplete((nodes, err) -> {
            if (err != null) {
              log.debug("node status beat: {}", err.toString());
            } else {
              snapshot = new Snapshot(List.copyOf(nodes), System.currentTimeMillis());
            }
          });
    } catch (RuntimeException e) {
      log.debug("node status beat failed: {}", e.toString());
    }
  }

  private CompletionStage<Void> publish() {
    LoadGauge.Reading r = gauge.read();
    reading = r;
    NodeStatus status =
        NodeStatus.newBuilder()
            .setNodeId(nodeId)
            .addAllEndpoints(endpoints)
            .setLoadLevel(r.level())
            .setDraining(draining)
            .setUpdatedAtMs(System.currentTimeMillis())
            .setHeartbeatMinMs(heartbeatMinMs)
            .setHeartbeatMaxMs(heartbeatMaxMs)
            .build();
    return directory.publish(status);
  }

  /** Stops the beat and takes this node out of the directory (waiting a second at most). */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      directory.withdraw(nodeId).toCompletableFuture().get(1, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("could not withdraw node {} from the directory: {}", nodeId, e.toString());
    }
  }
}
