package io.linkgate.bench.slowloris;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Push;
import io.linkgate.client.LinkgateClient;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The normal client: the SDK with a TCP downlink and a TCP uplink, sending to its own user at a
 * fixed rate and timing each message from when it was due to be sent to when its push arrived
 * (open loop: a send held up shows as latency, no coordinated omission). Each message carries its
 * due time and the phase it was sent in, so a phase's histogram holds exactly its messages.
 */
final class PacedClient implements AutoCloseable {
  private static final int MAX_PHASES = 64;

  private final LinkgateClient client;
  private final String user;
  private final ScheduledExecutorService pacer =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "paced-sends");
        t.setDaemon(true);
        return t;
      });
  private final Histogram[] pushLatency = new Histogram[MAX_PHASES];
  private final Histogram[] ackLatency = new Histogram[MAX_PHASES];
  private final AtomicLong[] sent = new AtomicLong[MAX_PHASES];
  private final AtomicLong[] failed = new AtomicLong[MAX_PHASES];
  private volatile int phase;

  PacedClient(Endpoint downlink, Endpoint uplink, String user, String token) {
    for (int i = 0; i < MAX_PHASES; i++) {
      pushLatency[i] = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
      ackLatency[i] = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
      sent[i] = new AtomicLong();
      failed[i] = new AtomicLong();
    }
    this.user = user;
    this.client =
        LinkgateClient.builder()
            .downlinkEndpoints(List.of(downlink))
            .uplinkEndpoints(List.of(uplink))
            .token(token)
            .deviceId(user + "-phone")
            .pushListener(this::received)
            .build();
  }

  void connect() throws Exception {
    client.connect().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** Starts sending {@code perSecond} messages a second, from now until {@link #close()}. */
  void start(int perSecond) {
    long periodNanos = 1_000_000_000L / perSecond;
    long start = System.nanoTime();
    AtomicLong tick = new AtomicLong();
    pacer.scheduleAtFixedRate(
        () -> {
          long dueNanos = start + tick.getAndIncrement() * periodNanos;
          int p = phase;
          ByteBuffer payload = ByteBuffer.allocate(12).putLong(dueNanos).putInt(p);
          sent[p].incrementAndGet();
          client.send("user:" + user, payload.array())
              .whenComplete(
                  (ack, error) -> {
                    if (error != null) {
                      failed[p].incrementAndGet();
                    } else {
                      record(ackLatency[p], dueNanos);
                    }
                  });
        },
        0,
        periodNanos,
        TimeUnit.NANOSECONDS);
  }

  /** Messages sent from now on count in phase {@code p}. */
  void phase(int p) {
    phase = p;
  }

  Histogram pushLatency(int p) {
    return pushLatency[p];
  }

  Histogram ackLatency(int p) {
    return ackLatency[p];
  }

  long sent(int p) {
    return sent[p].get();
  }

  long failed(int p) {
    return failed[p].get();
  }

  private void received(Push push) {
    ByteBuffer payload = push.getPayload().asReadOnlyByteBuffer();
    if (payload.remaining() >= 12) {
      long dueNanos = payload.getLong();
      record(pushLatency[payload.getInt()], dueNanos);
    }
  }

  private static void record(Histogram h, long dueNanos) {
    h.recordValue(Math.max(0, (System.nanoTime() - dueNanos) / 1_000));
  }

  @Override
  public void close() {
    pacer.shutdownNow();
    client.close();
  }
}
