package io.linkgate.client.internal;

import io.linkgate.api.proto.Endpoint;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Where the endpoint lists for the next connection come from: dispatch, or nowhere. */
public interface EndpointSource extends AutoCloseable {
  /**
   * The lists to connect with now. Empty lists mean "use the configured endpoints". Fails only
   * with a refusal of the token, which the caller treats like a refused handshake.
   */
  CompletionStage<Lists> current(String token);

  @Override
  void close();

  /** No dispatch: the configured endpoints, always. */
  static EndpointSource none() {
    return new EndpointSource() {
      @Override
      public CompletionStage<Lists> current(String token) {
        return CompletableFuture.completedFuture(Lists.EMPTY);
      }

      @Override
      public void close() {}
    };
  }

  /**
   * Ranked endpoints per role, best first, and the heartbeat bounds the nodes grant (0 when
   * unknown).
   */
  record Lists(
      List<Endpoint> downlinks, List<Endpoint> uplinks, long heartbeatMinMs, long heartbeatMaxMs) {
    static final Lists EMPTY = new Lists(List.of(), List.of(), 0, 0);

    public Lists {
      downlinks = List.copyOf(downlinks);
      uplinks = List.copyOf(uplinks);
    }
  }
}
