package io.linkgate.server;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.SendAck;
import io.linkgate.client.Backoff;
import io.linkgate.client.ConnectionState;
import io.linkgate.client.LinkgateClient;
import io.linkgate.client.PushListener;
import io.linkgate.api.proto.Welcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One user's device in a cluster test: a real client with its endpoint preferences, what its app
 * received, and which of its sends were acknowledged (and to whom) or failed.
 */
final class ClusterDevice implements AutoCloseable {
  final String user;
  final LinkgateClient client;
  final List<Push> received = new CopyOnWriteArrayList<>();
  /** msg id of each acknowledged send, to the user it was sent to. */
  final Map<String, String> acked = new ConcurrentHashMap<>();
  final AtomicInteger failedSends = new AtomicInteger();
  /** The epochs of the Welcomes that told this device to resync (resumed = false). */
  final List<String> resyncEpochs = new CopyOnWriteArrayList<>();
  /** Why each failed send failed, and how long it took to fail. */
  final List<String> failures = new CopyOnWriteArrayList<>();
  final java.util.concurrent.atomic.AtomicLong slowestFailureMs = new java.util.concurrent.atomic.AtomicLong();
  volatile String firstEpoch;
  private final AtomicInteger sent = new AtomicInteger();
  /** Sends not answered yet (retries included). */
  final AtomicInteger inFlight = new AtomicInteger();

  ClusterDevice(String user, List<Endpoint> downlinks, List<Endpoint> uplinks) {
    this(user, downlinks, uplinks, 5);
  }

  /** @param sendAttempts 1 makes every send's first answer final (no retry hides a failure) */
  ClusterDevice(String user, List<Endpoint> downlinks, List<Endpoint> uplinks, int sendAttempts) {
    this.user = user;
    this.client =
        LinkgateClient.builder()
            .downlinkEndpoints(downlinks)
            .uplinkEndpoints(uplinks)
            .token(TestNodes.token(user))
            .deviceId(user + "-phone")
            .backoff(new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2), 2.0, 0.5, Duration.ofSeconds(30)))
            .sendRetries(sendAttempts, Duration.ofSeconds(8))
            .pushListener(
                new PushListener() {
                  @Override
                  public void onPush(Push push) {
                    received.add(push);
                  }

                  @Override
                  public void onResyncRequired(Welcome welcome) {
                    // A new seq space: what came before says nothing about it.
                    resyncEpochs.add(welcome.getEpoch());
                    received.clear();
                  }
                })
            .build();
  }

  void connect() throws Exception {
    firstEpoch = client.connect().toCompletableFuture().get(20, TimeUnit.SECONDS).getEpoch();
  }

  boolean connected() {
    return client.state() == ConnectionState.CONNECTED;
  }

  /** Sends one message to {@code to}; records the outcome when it comes. */
  void sendTo(String to) {
    byte[] body = (user + "#" + sent.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
    long start = System.nanoTime();
    inFlight.incrementAndGet();
    client
        .send("user:" + to, body)
        .whenComplete(
            (SendAck ack, Throwable err) -> {
              if (err != null) {
                failedSends.incrementAndGet();
                failures.add(String.valueOf(err.getCause() != null ? err.getCause() : err));
                slowestFailureMs.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
              } else {
                acked.put(ack.getMsgId(), to);
              }
              inFlight.decrementAndGet(); // last: a test waiting for 0 sees the outcome recorded
            });
  }

  List<Long> seqs() {
    List<Long> out = new ArrayList<>();
    for (Push p : received) {
      out.add(p.getSeq());
    }
    return out;
  }

  long count(String msgId) {
    return received.stream().filter(p -> p.getMsgId().equals(msgId)).count();
  }

  @Override
  public void close() {
    client.close();
  }
}
