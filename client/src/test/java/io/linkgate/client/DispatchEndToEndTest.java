package io.linkgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ConnectOutcome;
import io.linkgate.api.proto.ConnectResult;
import io.linkgate.api.proto.DispatchResponse;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Role;
import io.linkgate.client.fake.DispatchServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A client that asks a real dispatch where to connect, and real nodes behind it. */
class DispatchEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Backoff FAST = new Backoff(
      Duration.ofMillis(20), Duration.ofMillis(200), 2.0, 0.5, Duration.ofSeconds(30));

  private final Closer closer = new Closer();
  private final Recorder recorder = new Recorder();
  private final String token = Node.token("alice");

  @AfterEach
  void tearDown() throws Exception {
    closer.closeAll();
  }

  private LinkgateClient.Builder client(URI dispatch) {
    return recorder.listening(LinkgateClient.builder().dispatch(dispatch))
        .token(token)
        .deviceId("alice-phone")
        .backoff(FAST);
  }

  private static Endpoint refusing() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return Endpoints.of("tcp", Role.DOWNLINK, "127.0.0.1", s.getLocalPort());
    }
  }

  @Test
  void theClientConnectsAndSendsWhereDispatchRanksFirst() throws Exception {
    Node configured = closer.keep(Node.start());
    Node best = closer.keep(Node.start());
    Node second = closer.keep(Node.start());
    DispatchServer dispatch = closer.keep(DispatchServer.start());
    dispatch.response = DispatchResponse.newBuilder()
        .addDownlink(best.downlinkEndpoint().toBuilder().setLoadLevel(0))
        .addDownlink(second.downlinkEndpoint().toBuilder().setLoadLevel(2))
        .addUplink(best.uplinkEndpoint())
        .setTtlMs(60_000)
        .build();

    LinkgateClient client = closer.connected(client(dispatch.url())
        .downlinkEndpoints(List.of(configured.downlinkEndpoint()))); // only a fallback
    client.send("user:alice", "hi".getBytes(StandardCharsets.UTF_8))
        .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(recorder.first(ConnectionState.CONNECTED).endpoint())
        .contains(best.downlinkEndpoint());
    await().atMost(WAIT).until(() -> !recorder.pushes.isEmpty()); // its own copy, via best
    assertThat(dispatch.dispatches.get(0).authorization()).isEqualTo("Bearer " + token);
  }

  @Test
  void withDispatchDownTheConfiguredEndpointsAreUsed() throws Exception {
    Node configured = closer.keep(Node.start());
    URI dead;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      dead = URI.create("http://127.0.0.1:" + s.getLocalPort());
    }

    closer.connected(client(dead).downlinkEndpoints(List.of(configured.downlinkEndpoint())));

    assertThat(recorder.first(ConnectionState.CONNECTED).endpoint())
        .contains(configured.downlinkEndpoint());
  }

  @Test
  void howEachAttemptWentIsReportedOnTheNextDispatchCall() throws Exception {
    Node node = closer.keep(Node.start());
    Endpoint refused = refusing();
    DispatchServer dispatch = closer.keep(DispatchServer.start());
    dispatch.response = DispatchResponse.newBuilder()
        .addDownlink(refused)
        .addDownlink(node.downlinkEndpoint())
        .setTtlMs(600) // the refresh at 80% is the next call
        .build();

    closer.connected(client(dispatch.url()).network("wifi"));

    await().atMost(WAIT).until(() -> !dispatch.reports.isEmpty());
    DispatchServer.Request report = dispatch.reports.get(0);
    assertThat(report.authorization()).isEqualTo("Bearer " + token);
    List<ConnectOutcome> outcomes = report.report().getOutcomesList();
    assertThat(outcomes).anySatisfy(o -> {
      assertThat(o.getEndpoint()).isEqualTo(node.downlinkEndpoint());
      assertThat(o.getResult()).isEqualTo(ConnectResult.WON);
      assertThat(o.getNetwork()).isEqualTo("wifi");
      assertThat(o.getAtMs()).isPositive();
    });
    assertThat(outcomes).anySatisfy(o -> {
      assertThat(o.getEndpoint()).isEqualTo(refused);
      assertThat(o.getResult()).isEqualTo(ConnectResult.FAILED);
    });
  }

  @Test
  void theHeartbeatBoundsDispatchGivesBoundTheAdaptiveHeartbeat() throws Exception {
    Node node = closer.keep(Node.start()); // grants 5 s to 300 s
    DispatchServer dispatch = closer.keep(DispatchServer.start());
    dispatch.response = DispatchResponse.newBuilder()
        .addDownlink(node.downlinkEndpoint())
        .setHeartbeatMinMs(5_000)
        .setHeartbeatMaxMs(8_000)
        .setTtlMs(60_000)
        .build();

    closer.connected(client(dispatch.url())
        .heartbeat(Duration.ofSeconds(30))
        .adaptiveHeartbeat(Duration.ofSeconds(1), Duration.ofSeconds(60)));

    assertThat(recorder.first(ConnectionState.CONNECTED).heartbeat())
        .isEqualTo(Duration.ofSeconds(8));
  }

  @Test
  void a401FromDispatchStopsTheClientLikeARefusedHandshake() throws Exception {
    Node node = closer.keep(Node.start());
    DispatchServer dispatch = closer.keep(DispatchServer.start());
    dispatch.dispatchStatus = 401;
    LinkgateClient client =
        closer.keep(client(dispatch.url()).downlinkEndpoints(List.of(node.downlinkEndpoint())).build());

    assertThatThrownBy(() -> client.connect().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(GatewayException.class,
            g -> assertThat(g.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    assertThat(client.state()).isEqualTo(ConnectionState.STOPPED);
  }
}
