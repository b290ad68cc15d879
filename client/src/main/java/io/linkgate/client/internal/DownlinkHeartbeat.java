package io.linkgate.client.internal;

import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The downlink's heartbeat: what to propose in each {@code Hello}, pinging at the interval learned
 * for the current network but never slower than the node granted (the node closes a downlink silent
 * for 2.5 granted intervals), and teaching the learner what each connection survived or died of.
 * Scheduler thread only.
 */
final class DownlinkHeartbeat {
  private static final Logger log = LoggerFactory.getLogger(DownlinkHeartbeat.class);

  private final Heartbeat heartbeat;
  private final HeartbeatLearner learner;
  private final Supplier<String> network;
  private long grantedMs;
  private boolean running;

  DownlinkHeartbeat(Scheduler scheduler, HeartbeatLearner learner, Supplier<String> network) {
    this.heartbeat = new Heartbeat(scheduler);
    this.learner = learner;
    this.network = network;
  }

  /** The interval to propose in the next {@code Hello}. */
  long proposal() {
    return learner.proposal(network.get());
  }

  /** The bounds dispatch says the nodes grant; 0 for an unknown one. */
  void nodeBounds(long minMs, long maxMs) {
    learner.nodeBounds(minMs, maxMs);
  }

  /**
   * Starts for a connection whose {@code Hello} proposed {@code proposedMs}.
   *
   * @param grantedMs what the {@code Welcome} granted, 0 if it said nothing
   * @param ping sends a Ping with the given nonce
   * @param silent called once with a reason when the server has been silent too long
   */
  void start(long proposedMs, long grantedMs, LongConsumer ping, Consumer<String> silent) {
    this.grantedMs = grantedMs > 0 ? grantedMs : proposedMs;
    learner.granted(proposedMs, this.grantedMs);
    running = true;
    heartbeat.start(pingInterval(), new Heartbeat.Listener() {
      @Override
      public void ping(long nonce) {
        ping.accept(nonce);
      }

      @Override
      public void idleSurvived(long intervalMs) {
        if (learner.survived(network.get(), intervalMs)) {
          log.debug("heartbeat on {}: {} ms survived idle, trying {} ms",
              network.get(), intervalMs, pingInterval());
          heartbeat.interval(pingInterval());
        }
      }

      @Override
      public void silent(long silentMs) {
        died("no frame from the server for " + silentMs + " ms");
        silent.accept("no frame from the server for " + silentMs + " ms (heartbeat "
            + heartbeat.intervalMs() + " ms)");
      }
    });
  }

  /** Any frame from the server. */
  void touch() {
    heartbeat.touch();
  }

  /**
   * The connection broke without a word from the server (a reset, an end of stream). Right after
   * an idle ping that is how some middleboxes end a flow they forgot; otherwise it says nothing
   * about the interval.
   */
  void lostAbruptly() {
    if (running && heartbeat.awaitingAnswer()) {
      died("connection lost right after a ping");
    }
  }

  void stop() {
    running = false;
    heartbeat.stop();
  }

  /** The interval pinged at while connected; otherwise the one the next connection starts at. */
  long intervalMs() {
    return running ? heartbeat.intervalMs() : learner.interval(network.get());
  }

  private void died(String why) {
    long at = heartbeat.intervalMs();
    learner.died(network.get(), at);
    log.debug("heartbeat on {}: {} at {} ms; next connection pings at {} ms",
        network.get(), why, at, learner.interval(network.get()));
  }

  private long pingInterval() {
    return Math.min(learner.interval(network.get()), grantedMs);
  }
}
