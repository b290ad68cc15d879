package io.linkgate.tck;

import io.linkgate.api.transport.TransportError;
import io.linkgate.api.transport.TransportEvents;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * For a transport's own tests: writes down, in order, what the transport reports through {@link
 * TransportEvents} ({@code "push"}, {@code "slow consumer"}, {@code "heartbeat timeout"}, {@code
 * "error BAD_FRAME"}, ...). A push whose latency is negative or over a minute is written with its
 * latency, so a test expecting plain {@code "push"} catches a wrong clock. Hand it to the transport
 * from the test's {@link io.linkgate.api.transport.SessionHandler#events(String)}.
 */
public final class RecordingTransportEvents implements TransportEvents {
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private volatile LongSupplier queuedBytes = () -> 0;

  /** What was reported so far, in order; a live view. */
  public List<String> seen() {
    return seen;
  }

  /** How many times {@code event} was reported. */
  public long count(String event) {
    return seen.stream().filter(event::equals).count();
  }

  /** The bytes queued now, as the transport's {@link #outboundQueue} supplier tells (0 before). */
  public long queuedBytes() {
    return queuedBytes.getAsLong();
  }

  @Override
  public void pushWritten(long latencyNanos) {
    seen.add(latencyNanos >= 0 && latencyNanos < 60_000_000_000L ? "push" : "push " + latencyNanos);
  }

  @Override
  public void slowConsumerClosed() {
    seen.add("slow consumer");
  }

  @Override
  public void heartbeatTimeout() {
    seen.add("heartbeat timeout");
  }

  @Override
  public void error(TransportError kind) {
    seen.add("error " + kind);
  }

  @Override
  public void outboundQueue(LongSupplier bytes) {
    queuedBytes = bytes;
  }
}
