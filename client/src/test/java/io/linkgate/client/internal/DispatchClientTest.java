package io.linkgate.client.internal;

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
import io.linkgate.client.Endpoints;
import io.linkgate.client.fake.DispatchServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dispatch client against a real HTTP dispatch on loopback. */
class DispatchClientTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Endpoint A = Endpoints.of("tcp", Role.DOWNLINK, "10.0.0.1", 7100);
  private static final Endpoint B = Endpoints.of("tcp", Role.DOWNLINK, "10.0.0.2", 7100);
  private static final Endpoint UP = Endpoints.of("tcp", Role.UPLINK, "10.0.0.2", 7200);

  private final Scheduler scheduler = new Scheduler("dispatch-test");
  private final OutcomeLog outcomes = new OutcomeLog(64, () -> "wifi");
  private final DispatchServer server = start();
  private DispatchClient client;

  private static DispatchServer start() {
    try {
      return DispatchServer.start();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
    server.close();
    scheduler.shutdownNow();
  }

  private DispatchClient client(URI... urls) {
    client = new DispatchClient(List.of(urls), Duration.ofSeconds(3), Set.of("tcp"),
        Optional.empty(), new TokenSource(() -> "tok", false), scheduler, outcomes, "dispatch-http");
    return client;
  }

  private static EndpointSource.Lists get(EndpointSource source) throws Exception {
    return source.current("tok").toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static DispatchResponse ranked(int ttlMs, Endpoint... downlinks) {
    return DispatchResponse.newBuilder()
        .addAllDownlink(List.of(downlinks))
        .addUplink(UP)
        .setTtlMs(ttlMs)
        .setNodeId("n1")
        .build();
  }

  private static URI deadUrl() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + s.getLocalPort());
    }
  }

  @Test
  void theRankedListsAreAskedForWithTheTokenAndKeptInOrder() throws Exception {
    server.response = ranked(60_000, B.toBuilder().setLoadLevel(1).build(), A)
        .toBuilder()
        .addDownlink(Endpoints.of("carrier-pigeon", Role.DOWNLINK, "10.0.0.3", 1))
        .build();

    EndpointSource.Lists lists = get(client(server.url()));

    assertThat(lists.downlinks()).containsExactly(B, A); // unknown transport left out, load cleared
    assertThat(lists.uplinks()).containsExactly(UP);
    DispatchServer.Request asked = server.dispatches.get(0);
    assertThat(asked.authorization()).isEqualTo("Bearer tok");
    assertThat(asked.accept()).isEqualTo("application/x-protobuf");
  }

  @Test
  void aFreshListComesFromTheCacheAndAStaleOneStandsInWhileDispatchIsDown() throws Exception {
    server.response = ranked(800, A, B);
    DispatchClient c = client(server.url());
    get(c);
    assertThat(get(c).downlinks()).containsExactly(A, B);
    assertThat(server.dispatches).hasSize(1); // fresh: not asked again

    server.close();
    Thread.sleep(1_000); // past the TTL

    assertThat(get(c).downlinks()).containsExactly(A, B);
  }

  @Test
  void withNoAnswerAndNoCacheTheListsAreEmptySoTheConfiguredEndpointsAreUsed() throws Exception {
    assertThat(get(client(deadUrl()))).isEqualTo(EndpointSource.Lists.EMPTY);
  }

  @Test
  void theUrlsAreTriedInTurn() throws Exception {
    server.response = ranked(60_000, A);
    assertThat(get(client(deadUrl(), server.url())).downlinks()).containsExactly(A);
  }

  @Test
  void a401IsARefusedToken() {
    server.dispatchStatus = 401;
    assertThatThrownBy(() -> get(client(server.url())))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(GatewayException.class,
            g -> assertThat(g.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
  }

  @Test
  void theListIsRefreshedInTheBackgroundBeforeItsTtlRunsOut() throws Exception {
    server.response = ranked(500, A);
    get(client(server.url()));

    // 80% of 500 ms: a few refreshes in 3 s, with nobody asking.
    await().atMost(WAIT).until(() -> server.dispatches.size() >= 4);
  }

  @Test
  void pendingOutcomesAreReportedAfterTheNextAnswer() throws Exception {
    server.response = ranked(60_000, A);
    outcomes.record(A, ConnectResult.WON, 12);
    outcomes.record(B, ConnectResult.TIMED_OUT, 15_000);

    get(client(server.url()));

    await().atMost(WAIT).until(() -> server.reports.size() == 1);
    DispatchServer.Request report = server.reports.get(0);
    assertThat(report.authorization()).isEqualTo("Bearer tok");
    assertThat(report.contentType()).isEqualTo("application/x-protobuf");
    List<ConnectOutcome> sent = report.report().getOutcomesList();
    assertThat(sent).extracting(ConnectOutcome::getEndpoint).containsExactly(A, B);
    assertThat(sent).extracting(ConnectOutcome::getResult)
        .containsExactly(ConnectResult.WON, ConnectResult.TIMED_OUT);
    assertThat(sent).extracting(ConnectOutcome::getHandshakeRttMs).containsExactly(12, 15_000);
    assertThat(sent).allSatisfy(o -> assertThat(o.getNetwork()).isEqualTo("wifi"));
    assertThat(outcomes.snapshot()).isEmpty();
  }

  @Test
  void a429DropsTheReportedOutcomesAndAFailureKeepsThemForNextTime() throws Exception {
    server.response = ranked(300, A);
    server.reportStatus = 429;
    outcomes.record(A, ConnectResult.WON, 1);
    get(client(server.url()));
    await().atMost(WAIT).until(() -> server.reports.size() == 1);
    await().atMost(WAIT).until(() -> outcomes.snapshot().isEmpty());

    server.reportStatus = 500;
    outcomes.record(B, ConnectResult.FAILED, 2);
    await().atMost(WAIT).until(() -> server.reports.size() >= 2); // the next refresh reports it
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(outcomes.snapshot()).extracting(ConnectOutcome::getEndpoint).containsExactly(B));
  }

  @Test
  void theOutcomeLogKeepsOnlyTheNewest() {
    OutcomeLog log = new OutcomeLog(2, () -> "cell");
    log.record(A, ConnectResult.FAILED, 1);
    log.record(B, ConnectResult.FAILED, 2);
    log.record(UP, ConnectResult.WON, 3);

    assertThat(log.snapshot()).extracting(ConnectOutcome::getEndpoint).containsExactly(B, UP);
    log.putBack(log.drain());
    assertThat(log.snapshot()).hasSize(2);
  }
}
