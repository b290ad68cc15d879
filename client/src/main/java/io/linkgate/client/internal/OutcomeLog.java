package io.linkgate.client.internal;

import io.linkgate.api.proto.ConnectOutcome;
import io.linkgate.api.proto.ConnectResult;
import io.linkgate.api.proto.Endpoint;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

/**
 * Every connection attempt's outcome, kept until dispatch takes it. Bounded: past {@code capacity}
 * the oldest are dropped, since dispatch ranks by recent experience and a client that cannot reach
 * dispatch must not grow without limit. Thread-safe.
 */
public final class OutcomeLog {
  private final int capacity;
  private final Supplier<String> network;
  private final Deque<ConnectOutcome> pending = new ArrayDeque<>();

  /**
   * @param network the network the client is on now, stamped on each outcome
   */
  public OutcomeLog(int capacity, Supplier<String> network) {
    this.capacity = capacity;
    this.network = network;
  }

  void record(Endpoint endpoint, ConnectResult result, long handshakeRttMs) {
    ConnectOutcome o = ConnectOutcome.newBuilder()
        .setEndpoint(endpoint)
        .setResult(result)
        .setHandshakeRttMs((int) Math.min(Integer.MAX_VALUE, Math.max(0, handshakeRttMs)))
        .setNetwork(network.get())
        .setAtMs(System.currentTimeMillis())
        .build();
    synchronized (this) {
      add(o);
    }
  }

  /** Takes everything pending; give it back with {@link #putBack} if it could not be sent. */
  synchronized List<ConnectOutcome> drain() {
    List<ConnectOutcome> out = new ArrayList<>(pending);
    pending.clear();
    return out;
  }

  /** Returns outcomes that could not be sent, ahead of newer ones, within the bound. */
  synchronized void putBack(List<ConnectOutcome> unsent) {
    List<ConnectOutcome> newer = new ArrayList<>(pending);
    pending.clear();
    unsent.forEach(this::add);
    newer.forEach(this::add);
  }

  synchronized List<ConnectOutcome> snapshot() {
    return List.copyOf(pending);
  }

  private void add(ConnectOutcome o) {
    if (pending.size() == capacity) {
      pending.pollFirst();
    }
    pending.addLast(o);
  }
}
