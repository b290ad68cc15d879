package io.linkgate.bench.connect;

import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.client.LinkgateClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One device's time to first message: a fresh {@link LinkgateClient} is built (not timed), then
 * timed from {@code connect()} to its {@code Welcome} and to the first push it receives; the push
 * is requested from the node as soon as the {@code Welcome} is in. The client is closed after.
 */
final class FirstMessage {
  /** What one device saw; times in nanoseconds from {@code connect()}, -1 when it never came. */
  record Result(long welcomeNanos, long firstPushNanos, String failure) {
    boolean ok() {
      return failure == null;
    }
  }

  private FirstMessage() {}

  static CompletableFuture<Result> measure(
      List<Endpoint> endpoints, ConnectMode mode, String user, String token, AdminPush admin,
      Executor closer, Duration limit) {
    CompletableFuture<Result> result = new CompletableFuture<>();
    long[] welcomeAt = {-1};
    long[] start = new long[1];
    LinkgateClient.Builder b =
        LinkgateClient.builder()
            .downlinkEndpoints(endpoints)
            .token(token)
            .deviceId(user + "-phone")
            .transportOptions(options(mode.connectTimeout()))
            .pushListener(push -> result.complete(new Result(welcomeAt[0], System.nanoTime() - start[0], null)));
    if (mode.racing()) {
      b.racing(mode.stagger(), mode.maxInFlight());
    } else {
      b.racing(false);
    }
    LinkgateClient client = b.build();
    start[0] = System.nanoTime();
    client.connect().whenComplete((welcome, error) -> {
      if (error != null) {
        result.complete(new Result(-1, -1, "connect: " + error));
        return;
      }
      welcomeAt[0] = System.nanoTime() - start[0]; // callback thread: before any push is delivered
      admin.push(user).whenComplete((status, e) -> {
        if (e != null || status != 200) {
          result.complete(new Result(welcomeAt[0], -1, "admin push: " + (e != null ? e : "HTTP " + status)));
        }
      });
    });
    CompletableFuture<Result> bounded =
        result.completeOnTimeout(new Result(welcomeAt[0], -1, "no first message within " + limit), limit.toMillis(), TimeUnit.MILLISECONDS);
    // Closing waits for the client's event loop to stop: never on the client's own threads.
    return bounded.whenCompleteAsync((r, e) -> client.close(), closer);
  }

  private static ClientTransportOptions options(Duration connectTimeout) {
    ClientTransportOptions d = ClientTransportOptions.defaults();
    return new ClientTransportOptions(d.maxFrameBytes(), connectTimeout, Optional.empty(), false, Map.of());
  }
}
