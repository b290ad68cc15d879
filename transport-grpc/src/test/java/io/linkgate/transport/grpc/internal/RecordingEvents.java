package io.linkgate.transport.grpc.internal;

import io.linkgate.api.transport.TransportError;
import io.linkgate.api.transport.TransportEvents;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/** Writes down what the transport reports, in order; pushes as "push" with a sane latency. */
final class RecordingEvents implements TransportEvents {
  final List<String> seen = new CopyOnWriteArrayList<>();
  volatile LongSupplier queuedBytes;

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

  long count(String event) {
    return seen.stream().filter(event::equals).count();
  }
}
