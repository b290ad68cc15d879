package io.linkgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linkgate.api.proto.ConnectOutcome;
import io.linkgate.api.proto.ConnectResult;
import io.linkgate.api.proto.DispatchReport;
import io.linkgate.api.proto.DispatchResponse;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.client.LinkgateClient;
import io.linkgate.testing.RedisServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /v1/dispatch} and {@code POST /v1/dispatch/report} on two nodes sharing a real redis-server. */
class DispatchTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AutoCloseable> open = new ArrayList<>();
  private RedisServerProcess redis;

  @BeforeEach
  void startRedis() {
    redis = RedisServerProcess.start();
  }

  @AfterEach
  void stopAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    redis.close();
  }

  private LinkgateServer node(String id, int capacity) throws Exception {
    return node(id, DispatchConfig.defaults().enabledOn(0).withCapacity(capacity));
  }

  private LinkgateServer node(String id, DispatchConfig dispatch) throws Exception {
    LinkgateServer n =
        LinkgateServer.start(
            TestNodes.loopback()
                .withNodeId(id)
                .withStore(new StoreConfig("redis", redis.uri(), null, null, null, null))
                .withDispatch(dispatch));
    open.add(n);
    return n;
  }

  private URI url(LinkgateServer node, String path) {
    return URI.create("http://127.0.0.1:" + node.dispatchAddress().orElseThrow().getPort() + path);
  }

  private HttpResponse<byte[]> get(LinkgateServer node, String token, String accept) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(url(node, "/v1/dispatch")).timeout(Duration.ofSeconds(5));
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    if (accept != null) {
      r.header("Accept", accept);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private DispatchResponse dispatch(LinkgateServer node, String user) throws Exception {
    HttpResponse<byte[]> r = get(node, TestNodes.token(user), "application/x-protobuf");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
    return DispatchResponse.parseFrom(r.body());
  }

  private int report(LinkgateServer node, String user, DispatchReport report) throws Exception {
    return http.send(
            HttpRequest.newBuilder(url(node, "/v1/dispatch/report"))
                .header("Authorization", "Bearer " + TestNodes.token(user))
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(report.toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static List<String> nodesOf(List<Endpoint> ranked) {
    return ranked.stream().map(e -> e.getTransport() + ":" + e.getPort()).toList();
  }

  @Test
  void anyNodeListsEveryLiveNodesEndpointsForBothRolesAsJsonOrProtobuf() throws Exception {
    LinkgateServer a = node("node-a", 1000);
    LinkgateServer b = node("node-b", 1000);
    await().atMost(Duration.ofSeconds(5)).until(() -> dispatch(a, "bob").getDownlinkCount() == 2);
    DispatchResponse fromA = dispatch(a, "bob");
    assertThat(fromA.getNodeId()).isEqualTo("node-a");
    assertThat(fromA.getDownlinkList()).extracting(Endpoint::getPort)
        .containsExactlyInAnyOrder(TestNodes.endpoint(a, Role.DOWNLINK).getPort(), TestNodes.endpoint(b, Role.DOWNLINK).getPort());
    assertThat(fromA.getUplinkList()).extracting(Endpoint::getRole).containsOnly(Role.UPLINK).hasSize(2);
    assertThat(fromA.getHeartbeatMinMs()).isEqualTo(5_000);
    assertThat(fromA.getHeartbeatMaxMs()).isEqualTo(300_000);
    assertThat(fromA.getTtlMs()).isEqualTo(300_000);
    await().atMost(Duration.ofSeconds(5)).until(() -> dispatch(b, "bob").getDownlinkCount() == 2);
    // Either node answers from the same directory: the same order, whenever the two answers saw the
    // same load levels (a level may move between two reads on a busy machine).
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      DispatchResponse a1 = dispatch(a, "bob");
      DispatchResponse b1 = dispatch(b, "bob");
      assertThat(b1.getDownlinkList()).containsExactlyInAnyOrderElementsOf(a1.getDownlinkList());
      assertThat(nodesOf(b1.getDownlinkList())).as("the same order from either node").isEqualTo(nodesOf(a1.getDownlinkList()));
    });

    HttpResponse<byte[]> json = get(a, TestNodes.token("bob"), null);
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(json.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode body = new ObjectMapper().readTree(json.body());
    assertThat(body.get("downlink")).hasSize(2);
    assertThat(body.get("downlink").get(0).get("transport").asText()).isEqualTo("tcp");
    assertThat(body.get("downlink").get(0).get("role").asText()).isEqualTo("DOWNLINK");
    assertThat(body.get("ttlMs").asInt()).isEqualTo(300_000);
  }

  @Test
  void withoutAValidTokenDispatchAnswers401AndNothingElse() throws Exception {
    LinkgateServer a = node("node-a", 1000);
    HttpResponse<byte[]> none = get(a, null, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    HttpResponse<byte[]> forged = get(a, TestNodes.token("bob") + "x", null);
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(new String(forged.body())).contains("UNAUTHENTICATED").doesNotContain("downlink");
    HttpResponse<Void> post =
        http.send(HttpRequest.newBuilder(url(a, "/v1/dispatch")).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.discarding());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void aNodeAtItsCapacityIsListedAfterAnIdleOne() throws Exception {
    LinkgateServer a = node("node-a", 2);
    LinkgateServer b = node("node-b", 2);
    List<LinkgateClient> onA = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      LinkgateClient c = TestNodes.client(a, "u" + i, new LinkedBlockingQueue<Push>());
      open.add(c);
      c.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
      onA.add(c);
    }
    int bPort = TestNodes.endpoint(b, Role.DOWNLINK).getPort();
    for (String user : List.of("alice", "bob", "carol", "dave")) {
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        DispatchResponse r = dispatch(a, user);
        assertThat(r.getDownlinkList()).hasSize(2);
        assertThat(r.getDownlink(0).getPort()).as("idle node-b first for " + user).isEqualTo(bPort);
        assertThat(r.getDownlink(1).getLoadLevel()).as("node-a at capacity").isEqualTo(4);
      });
    }
    assertThat(a.loadLevel()).isEqualTo(4);
  }

  @Test
  void anEndpointThatFailsForManyClientsSinksAndReportsFromOneUserAreRateLimited() throws Exception {
    LinkgateServer a = node("node-a", 1000);
    LinkgateServer b = node("node-b", 1000);
    await().atMost(Duration.ofSeconds(5)).until(() -> dispatch(a, "x").getDownlinkCount() == 2);
    // Pick a user whose list starts with node-a's downlink, then have clients report it failing.
    String user = "u0";
    for (int i = 0; dispatch(a, user).getDownlink(0).getPort() != TestNodes.endpoint(a, Role.DOWNLINK).getPort(); i++) {
      user = "u" + i;
    }
    Endpoint failing = dispatch(a, user).getDownlink(0).toBuilder().setLoadLevel(0).build();
    DispatchReport timeouts =
        DispatchReport.newBuilder()
            .addOutcomes(ConnectOutcome.newBuilder().setEndpoint(failing).setResult(ConnectResult.TIMED_OUT).setNetwork("wifi"))
            .build();
    for (int i = 0; i < 4; i++) {
      assertThat(report(b, "reporter-" + i, timeouts)).isEqualTo(204);
    }
    assertThat(dispatch(b, user).getDownlink(0).getPort()).as("sunk on the node that got the reports")
        .isEqualTo(TestNodes.endpoint(b, Role.DOWNLINK).getPort());

    int accepted = 0;
    int limited = 0;
    for (int i = 0; i < 10; i++) {
      int status = report(b, "loud", timeouts);
      accepted += status == 204 ? 1 : 0;
      limited += status == 429 ? 1 : 0;
    }
    assertThat(accepted).isEqualTo(5);
    assertThat(limited).isEqualTo(5);
    HttpResponse<Void> garbage =
        http.send(HttpRequest.newBuilder(url(b, "/v1/dispatch/report"))
                .header("Authorization", "Bearer " + TestNodes.token("garbler"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, (byte) 0xff, 0x0f})).build(),
            HttpResponse.BodyHandlers.discarding());
    assertThat(garbage.statusCode()).isEqualTo(400);
  }

  @Test
  void aDrainedNodeIsNoLongerListedAndItsClientsAreHintedToTheOtherNode() throws Exception {
    LinkgateServer a = node("node-a", 1000);
    LinkgateServer b = node("node-b", 1000);
    await().atMost(Duration.ofSeconds(5)).until(() -> dispatch(b, "bob").getDownlinkCount() == 2);
    LinkedBlockingQueue<Push> pushes = new LinkedBlockingQueue<>();
    // bob's client knows only node-a: the GoAway's hint is its only way to node-b.
    LinkgateClient bob = TestNodes.client(a, "bob", pushes);
    open.add(bob);
    bob.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    a.router().push("bob", io.linkgate.router.Message.of("svc", "", "before".getBytes())).toCompletableFuture().get(5, TimeUnit.SECONDS);

    a.drain();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(b.router().sessionsOf("bob").toCompletableFuture().get()).extracting(s -> s.nodeId()).containsExactly("node-b"));
    await().atMost(Duration.ofSeconds(3)).untilAsserted(() ->
        assertThat(nodesOf(dispatch(b, "bob").getDownlinkList())).containsExactly("tcp:" + TestNodes.endpoint(b, Role.DOWNLINK).getPort()));
    b.router().push("bob", io.linkgate.router.Message.of("svc", "", "after".getBytes())).toCompletableFuture().get(5, TimeUnit.SECONDS);
    List<String> got = new ArrayList<>();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      Push p = pushes.poll();
      if (p != null) {
        got.add(p.getSeq() + ":" + p.getPayload().toStringUtf8());
      }
      return got.size() >= 2;
    });
    Thread.sleep(300);
    pushes.forEach(p -> got.add(p.getSeq() + ":" + p.getPayload().toStringUtf8()));
    assertThat(got).containsExactly("1:before", "2:after");
  }

  @Test
  void aDrainSpreadsItsClientsOverTheWindowToTheOtherNodeWithNoGapAndNoDuplicate() throws Exception {
    LinkgateServer a = node("node-a", DispatchConfig.defaults().enabledOn(0).withDrainWindow(Duration.ofSeconds(2)));
    LinkgateServer b = node("node-b", 1000);
    await().atMost(Duration.ofSeconds(5)).until(() -> dispatch(a, "x").getDownlinkCount() == 2);
    int devices = 12;
    List<java.util.concurrent.CopyOnWriteArrayList<Push>> received = new ArrayList<>();
    for (int i = 0; i < devices; i++) {
      var got = new java.util.concurrent.CopyOnWriteArrayList<Push>();
      received.add(got);
      // Each knows only node-a: the GoAway's hints are its only way to node-b.
      LinkgateClient c = LinkgateClient.builder()
          .downlinkEndpoints(List.of(TestNodes.endpoint(a, Role.DOWNLINK)))
          .uplinkEndpoints(List.of(TestNodes.endpoint(a, Role.UPLINK)))
          .token(TestNodes.token("d" + i)).deviceId("d" + i + "-phone").pushListener(got::add).build();
      open.add(c);
      c.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    // Pushes from node-b to every device the whole time, across the drain.
    java.util.concurrent.atomic.AtomicBoolean pushing = new java.util.concurrent.atomic.AtomicBoolean(true);
    int[] sent = new int[devices];
    Thread pusher = new Thread(() -> {
      while (pushing.get()) {
        for (int i = 0; i < devices; i++) {
          try {
            b.router().push("d" + i, io.linkgate.router.Message.of("svc", "", ("m" + (sent[i] + 1)).getBytes()))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
            sent[i]++;
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    pusher.start();
    Thread.sleep(500);

    long start = System.nanoTime();
    a.drain();
    List<Long> movedAtMs = new ArrayList<>();
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() -> {
      for (int i = movedAtMs.size(); i < devices; i++) {
        long onB = b.router().sessionsOf("d" + i).toCompletableFuture().get().stream()
            .filter(s -> s.nodeId().equals("node-b")).count();
        if (onB == 0) {
          return false;
        }
        movedAtMs.add((System.nanoTime() - start) / 1_000_000);
      }
      return true;
    });
    long allMovedMs = (System.nanoTime() - start) / 1_000_000;
    Thread.sleep(500);
    pushing.set(false);
    pusher.join();
    System.out.printf("drain with hints: %d devices on node-b within %d ms (window 2 s)%n", devices, allMovedMs);
    assertThat(allMovedMs).as("within the window and a reconnect").isLessThan(6_000);
    for (int i = 0; i < devices; i++) {
      int n = sent[i];
      var got = received.get(i);
      await().atMost(Duration.ofSeconds(10)).until(() -> got.size() >= n);
      assertThat(got).extracting(Push::getSeq).as("d" + i + ": every seq once, in order")
          .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, n).boxed().toList());
    }
  }

  @Test
  void anEndpointThatBlackHolesForEveryClientSinksBelowTheWorkingOnesOnTheirReports() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(io.linkgate.testing.PortBlock.usable(), "needs iptables");
    // A short list time-to-live, so the clients ask again (and report) within the test.
    DispatchConfig shortTtl = new DispatchConfig(true, 0, null, Duration.ofSeconds(10), null, null, null);
    LinkgateServer a = node("node-a", shortTtl);
    LinkgateServer b = node("node-b", shortTtl);
    await().atMost(Duration.ofSeconds(5)).until(() -> dispatch(a, "x").getDownlinkCount() == 2);
    int aPort = TestNodes.endpoint(a, Role.DOWNLINK).getPort();
    List<String> users = new ArrayList<>();
    for (int i = 0; users.size() < 4; i++) {
      if (dispatch(a, "r" + i).getDownlink(0).getPort() == aPort) {
        users.add("r" + i);
      }
    }
    open.add(io.linkgate.testing.PortBlock.dropSyns(aPort));
    for (String user : users) {
      LinkgateClient c = LinkgateClient.builder()
          .dispatch(url(a, ""))
          .transportOptions(new io.linkgate.api.client.ClientTransportOptions(
              io.linkgate.api.FrameCodec.DEFAULT_MAX_FRAME_BYTES, Duration.ofSeconds(2), java.util.Optional.empty(), false, java.util.Map.of()))
          .token(TestNodes.token(user)).deviceId(user + "-phone").pushListener(p -> {}).build();
      open.add(c);
      c.connect().toCompletableFuture().get(10, TimeUnit.SECONDS); // raced past the black hole to node-b
    }
    // Each client's attempt at node-a times out after 2 s; its next dispatch call (at 80 % of the
    // 10 s time-to-live) reports it, and the endpoint sinks for everyone.
    long start = System.nanoTime();
    // Sunk by the reports, not by load: node-a's endpoint last while its node is no busier.
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
      for (String user : users) {
        DispatchResponse r = dispatch(a, user);
        if (r.getDownlink(1).getPort() != aPort || r.getDownlink(1).getLoadLevel() > r.getDownlink(0).getLoadLevel()) {
          return false;
        }
      }
      return true;
    });
    System.out.printf("closed loop: black-holed endpoint sank for every client %d ms after they connected%n",
        (System.nanoTime() - start) / 1_000_000);
  }
}
