package io.linkgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.client.LinkgateClient;
import io.linkgate.router.DeviceSession;
import io.linkgate.router.Message;
import io.linkgate.testing.DirectAccessBlock;
import io.linkgate.testing.PortBlock;
import io.linkgate.testing.SquidProxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connecting through hostile networks made real on loopback: ports whose SYNs are dropped or reset
 * (iptables), an HTTP-only squid that denies CONNECT, a dispatch listener that is gone. Each test
 * measures time to first message (connect start to the first push received, the push waiting in
 * the inbox) and asserts it against a generous bound; the figures are printed.
 */
class HostileNetworkTest {
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  static void needsIptables() {
    assumeTrue(PortBlock.usable(), "iptables is not usable here (needs root and the iptables package)");
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  /** A node with every transport on both roles, and two TCP downlink ports. */
  private LinkgateServer node() throws Exception {
    return keep(
        LinkgateServer.start(
            LinkgateConfig.parse(
                """
                node-id: hostile
                bind-host: 127.0.0.1
                shutdown-grace: 2s
                ops: {enabled: false}
                auth: {secret: %s}
                transports:
                  downlink: [{transport: tcp, ports: [0, 0]}, {transport: grpc, ports: [0]}, {transport: http-tunnel, ports: [0]}]
                  uplink: [{transport: tcp, ports: [0]}, {transport: grpc, ports: [0]}, {transport: http-tunnel, ports: [0]}]
                """
                    .formatted(TestNodes.SECRET))));
  }

  private static List<Endpoint> endpoints(LinkgateServer node, Role role, String transport) {
    return node.endpoints().stream().filter(e -> e.getRole() == role && e.getTransport().equals(transport)).toList();
  }

  private static int port(LinkgateServer node, Role role, String transport) {
    return endpoints(node, role, transport).get(0).getPort();
  }

  private static ClientTransportOptions connectTimeout(Duration timeout, SquidProxy proxy) {
    return new ClientTransportOptions(
        FrameCodec.DEFAULT_MAX_FRAME_BYTES, timeout, Optional.ofNullable(proxy).map(SquidProxy::address), false, Map.of());
  }

  private static void pushText(LinkgateServer node, String user, String text) throws Exception {
    node.router().push(user, Message.of("svc", "", text.getBytes(StandardCharsets.UTF_8))).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /** Connects and waits for the first push; returns milliseconds from connect start. */
  private static long timeToFirstMessage(LinkgateClient client, List<Push> pushes, Duration bound) throws Exception {
    long start = System.nanoTime();
    client.connect().toCompletableFuture().get(bound.toMillis(), TimeUnit.MILLISECONDS);
    await().atMost(bound).pollInterval(Duration.ofMillis(5)).until(() -> !pushes.isEmpty());
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static List<String> texts(List<Push> pushes) {
    return pushes.stream().map(p -> p.getSeq() + ":" + p.getPayload().toStringUtf8()).toList();
  }

  @Test
  void aBlackHoledFirstEndpointCostsTheStaggerNotTheConnectTimeout() throws Exception {
    LinkgateServer node = node();
    List<Endpoint> tcpDown = endpoints(node, Role.DOWNLINK, "tcp");
    keep(PortBlock.dropSyns(tcpDown.get(0).getPort()));
    pushText(node, "ann", "waiting for ann");
    List<Push> pushes = new CopyOnWriteArrayList<>();
    LinkgateClient ann = keep(LinkgateClient.builder()
        .downlinkEndpoints(tcpDown)
        .uplinkEndpoints(endpoints(node, Role.UPLINK, "tcp"))
        .transportOptions(connectTimeout(Duration.ofSeconds(10), null))
        .token(TestNodes.token("ann")).deviceId("ann-phone").pushListener(pushes::add).build());
    long ms = timeToFirstMessage(ann, pushes, Duration.ofSeconds(10));
    System.out.printf("hostile: first endpoint SYN-dropped, time to first message %d ms (connect timeout 10 s)%n", ms);
    assertThat(ms).as("250 ms stagger + RTT + margin, far below the 10 s connect timeout").isLessThan(2_000);
    assertThat(texts(pushes)).containsExactly("1:waiting for ann");
  }

  @Test
  void withTcpAndGrpcBlockedAndOnlyASquidToTheTunnelTheClientConnectsOverTheTunnelAndLosesNothing() throws Exception {
    LinkgateServer node = node();
    int tunnelDown = port(node, Role.DOWNLINK, "http-tunnel");
    int tunnelUp = port(node, Role.UPLINK, "http-tunnel");
    SquidProxy squid = keep(SquidProxy.start(tunnelDown, tunnelUp));
    keep(DirectAccessBlock.forPorts(squid, tunnelDown, tunnelUp)); // the tunnel only through squid
    for (Endpoint e : node.endpoints()) {
      if (!e.getTransport().equals("http-tunnel")) {
        // Downlinks black-holed, uplinks reset: both kinds of carrier blocking at once.
        keep(e.getRole() == Role.DOWNLINK ? PortBlock.dropSyns(e.getPort()) : PortBlock.reset(e.getPort()));
      }
    }
    for (int i = 1; i <= 3; i++) {
      pushText(node, "ben", "before " + i);
    }
    List<Push> pushes = new CopyOnWriteArrayList<>();
    LinkgateClient ben = keep(LinkgateClient.builder()
        .downlinkEndpoints(node.endpoints().stream().filter(e -> e.getRole() == Role.DOWNLINK).toList())
        .uplinkEndpoints(node.endpoints().stream().filter(e -> e.getRole() == Role.UPLINK).toList())
        .transportOptions(connectTimeout(Duration.ofSeconds(5), squid))
        .token(TestNodes.token("ben")).deviceId("ben-laptop").pushListener(pushes::add).build());
    long ms = timeToFirstMessage(ben, pushes, Duration.ofSeconds(15));
    System.out.printf("hostile: tcp and grpc blocked, tunnel via squid only, time to first message %d ms%n", ms);
    assertThat(ms).isLessThan(15_000);
    assertThat(node.router().sessionsOf("ben").toCompletableFuture().get()).extracting(DeviceSession::transport)
        .containsExactly("http-tunnel");

    ben.send("user:ben", "through the proxy".getBytes(StandardCharsets.UTF_8)).toCompletableFuture().get(15, TimeUnit.SECONDS);
    pushText(node, "ben", "after");
    await().atMost(Duration.ofSeconds(10)).until(() -> pushes.size() >= 5);
    Thread.sleep(200);
    assertThat(texts(pushes)).containsExactly("1:before 1", "2:before 2", "3:before 3", "4:through the proxy", "5:after");
    assertThat(squid.accessLog()).contains("ben-laptop").doesNotContain("CONNECT");
  }

  @Test
  void withDispatchResetTheClientStartsFromItsBootstrapList() throws Exception {
    LinkgateServer node =
        keep(LinkgateServer.start(TestNodes.loopback().withDispatch(DispatchConfig.defaults().enabledOn(0))));
    int dispatchPort = node.dispatchAddress().orElseThrow().getPort();
    keep(PortBlock.reset(dispatchPort));
    pushText(node, "cy", "hello cy");
    List<Push> pushes = new CopyOnWriteArrayList<>();
    LinkgateClient cy = keep(LinkgateClient.builder()
        .dispatch(URI.create("http://127.0.0.1:" + dispatchPort))
        .downlinkEndpoints(List.of(TestNodes.endpoint(node, Role.DOWNLINK)))
        .uplinkEndpoints(List.of(TestNodes.endpoint(node, Role.UPLINK)))
        .token(TestNodes.token("cy")).deviceId("cy-phone").pushListener(pushes::add).build());
    long ms = timeToFirstMessage(cy, pushes, Duration.ofSeconds(10));
    System.out.printf("hostile: dispatch reset, bootstrap list used, time to first message %d ms%n", ms);
    assertThat(ms).as("a reset fails at once: no dispatch timeout waited out").isLessThan(2_000);
  }
}
