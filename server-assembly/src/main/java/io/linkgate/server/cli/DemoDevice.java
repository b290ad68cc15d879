package io.linkgate.server.cli;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Push;
import io.linkgate.client.LinkgateClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** One demo user's client, with the pushes it received queued for the narration to check. */
record DemoDevice(String name, LinkgateClient client, BlockingQueue<Push> received) implements AutoCloseable {

  static DemoDevice open(String name, String deviceId, String token, Endpoint down, Endpoint up) {
    // Bounded: the demo sends a handful of messages; a flood would be dropped, not buffered.
    BlockingQueue<Push> received = new ArrayBlockingQueue<>(256);
    LinkgateClient client =
        LinkgateClient.builder()
            .downlinkEndpoints(List.of(down))
            .uplinkEndpoints(List.of(up))
            .token(token)
            .deviceId(deviceId)
            .pushListener(received::offer)
            .build();
    return new DemoDevice(name, client, received);
  }

  /** The first push from {@code from} with {@code text}, skipping others; null after {@code wait}. */
  Push await(String from, String text, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      Push p = left <= 0 ? null : received.poll(left, TimeUnit.NANOSECONDS);
      if (p == null) {
        return null;
      }
      if (p.getFrom().equals(from) && p.getPayload().toString(StandardCharsets.UTF_8).equals(text)) {
        return p;
      }
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
