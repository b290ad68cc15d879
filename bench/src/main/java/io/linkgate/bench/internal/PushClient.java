package io.linkgate.bench.internal;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/** The downlinks of a load client, as the push scenarios see them, whatever the transport. */
public interface PushClient {
  /** Pushes received so far. */
  long received();

  /** Bytes of those pushes as they came on the wire (frame bodies, plus prefixes where framed). */
  long receivedBytes();

  /**
   * Socket reads that delivered at least one push, or -1 where the client cannot tell (gRPC):
   * pushes per read shows how the server batched its writes.
   */
  default long reads() {
    return -1;
  }

  /** When the latest push arrived (nanoTime). */
  long lastReceiveNanos();

  /** The latency histogram (nanoseconds) since the last call. */
  Histogram takeLatency();

  /**
   * Waits until {@code target} pushes have arrived in all.
   *
   * @throws TimeoutException with the counts, if they do not arrive in time or downlinks dropped
   */
  void awaitReceived(long target, Duration timeout) throws TimeoutException;
}
