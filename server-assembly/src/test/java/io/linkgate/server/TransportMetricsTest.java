package io.linkgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.client.LinkgateClient;
import io.linkgate.router.Message;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The transports' metrics of a real node, as a scraper reads them from {@code /metrics}: push
 * latency per transport, slow consumers, heartbeat timeouts, transport errors and queued bytes.
 */
class TransportMetricsTest {
  private static final List<String> TRANSPORTS = List.of("tcp", "http-tunnel", "grpc");
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final HttpClient http = HttpClient.newHttpClient();

  private static LinkgateServer start() throws Exception {
    return LinkgateServer.start(
        LinkgateConfig.parse(
            """
            node-id: metrics-node
            bind-host: 127.0.0.1
            shutdown-grace: 2s
            ops: {port: 0}
            auth:
              secret: %s
            limits:
              heartbeat: {min: 100ms, miss-factor: 1}
            transports:
              downlink:
                - {transport: tcp, ports: [0]}
                - {transport: http-tunnel, ports: [0]}
                - {transport: grpc, ports: [0]}
              uplink:
                - {transport: tcp, ports: [0]}
            """
                .formatted(TestNodes.SECRET)));
  }

  private String metrics(LinkgateServer node) throws Exception {
    InetSocketAddress a = node.opsAddress().orElseThrow();
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** The value of the sample {@code series} (name and labels as Prometheus prints them), or 0. */
  private double value(LinkgateServer node, String series) throws Exception {
    Matcher m =
        Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE)
            .matcher(metrics(node));
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static Endpoint endpoint(LinkgateServer node, String transport, Role role) {
    return node.endpoints().stream()
        .filter(e -> e.getRole() == role && e.getTransport().equals(transport))
        .findFirst()
        .orElseThrow();
  }

  private static Socket rawDownlink(LinkgateServer node, String user, int heartbeatMs)
      throws Exception {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096); // before connecting: a small window, so a non-reader backs up
    s.connect(new InetSocketAddress("127.0.0.1", endpoint(node, "tcp", Role.DOWNLINK).getPort()));
    Hello hello =
        Hello.newBuilder()
            .setToken(TestNodes.token(user))
            .setDeviceId(user + "-raw")
            .setRole(Role.DOWNLINK)
            .setHeartbeatMs(heartbeatMs)
            .build();
    write(s, FrameCodec.encode(Frame.newBuilder().setHello(hello).build()));
    return s;
  }

  private static void write(Socket s, byte[] bytes) throws Exception {
    OutputStream out = s.getOutputStream();
    out.write(bytes);
    out.flush();
  }

  @Test
  void pushLatencyCountsEveryPushWrittenByItsTransportAndTheQueueGaugeReturnsToZero()
      throws Exception {
    try (LinkgateServer node = start()) {
      for (String transport : TRANSPORTS) {
        String user = "u-" + transport;
        BlockingQueue<Push> pushes = new LinkedBlockingQueue<>();
        try (LinkgateClient device =
            LinkgateClient.builder()
                .downlinkEndpoints(List.of(endpoint(node, transport, Role.DOWNLINK)))
                .uplinkEndpoints(List.of(endpoint(node, "tcp", Role.UPLINK)))
                .token(TestNodes.token(user))
                .deviceId(user + "-device")
                .pushListener(pushes::offer)
                .build()) {
          device.connect().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
          for (int i = 0; i < 3; i++) {
            node.router()
                .push(user, Message.of("ops", "", ("m" + i).getBytes(StandardCharsets.UTF_8)))
                .toCompletableFuture()
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
          }
          for (int i = 0; i < 3; i++) {
            assertThat(pushes.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isNotNull();
          }
          String count = "linkgate_push_latency_seconds_count{transport=\"" + transport + "\"}";
          await().atMost(WAIT).until(() -> value(node, count) == 3);
        }
      }
      for (String transport : TRANSPORTS) {
        String queued = "linkgate_outbound_queue_bytes{transport=\"" + transport + "\"}";
        await().atMost(WAIT).until(() -> metrics(node).contains(queued + " 0.0"));
      }
      assertThat(value(node, "linkgate_inbox_users")).isEqualTo(TRANSPORTS.size());
      String all = metrics(node);
      assertThat(all)
          .contains("linkgate_push_latency_seconds_bucket{transport=\"grpc\",le=")
          .doesNotContain("u-tcp")
          .doesNotContain("u-grpc");
    }
  }

  @Test
  void slowConsumersHeartbeatTimeoutsAndBadFramesMoveTheirCounters() throws Exception {
    try (LinkgateServer node = start()) {
      // A client that stops pinging (it never pinged) after a 100 ms heartbeat.
      try (Socket silent = rawDownlink(node, "silent", 100)) {
        await()
            .atMost(WAIT)
            .until(() -> value(node, "linkgate_heartbeat_timeouts_total{transport=\"tcp\"}") == 1);
      }

      // Garbage, and a frame announced over the limit.
      try (Socket garbage = new Socket("127.0.0.1", endpoint(node, "tcp", Role.DOWNLINK).getPort());
          Socket oversized =
              new Socket("127.0.0.1", endpoint(node, "tcp", Role.DOWNLINK).getPort())) {
        write(garbage, new byte[] {4, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        write(oversized, new byte[] {(byte) 0x81, (byte) 0x80, 0x08}); // 131,073 bytes announced
        await()
            .atMost(WAIT)
            .until(
                () ->
                    value(node, "linkgate_transport_errors_total{kind=\"bad_frame\",transport=\"tcp\"}") == 1
                        && value(node, "linkgate_transport_errors_total{kind=\"frame_too_large\",transport=\"tcp\"}") == 1);
      }

      // A client that never reads: pushes back up until the outbound bound closes it.
      try (Socket reader = rawDownlink(node, "slow", 60_000)) {
        await().atMost(WAIT).until(() -> node.router().isOnline("slow").toCompletableFuture().get());
        byte[] payload = new byte[32 * 1024];
        for (int i = 0;
            i < 1_000 && value(node, "linkgate_slow_consumers_closed_total{transport=\"tcp\"}") == 0;
            i++) {
          for (int j = 0; j < 20; j++) {
            node.router().push("slow", Message.of("ops", "", payload));
          }
          Thread.sleep(20);
        }
        assertThat(value(node, "linkgate_slow_consumers_closed_total{transport=\"tcp\"}"))
            .isEqualTo(1);
        await()
            .atMost(WAIT)
            .until(() -> metrics(node).contains("linkgate_outbound_queue_bytes{transport=\"tcp\"} 0.0"));
      }
      assertThat(metrics(node)).doesNotContain("slow-raw").doesNotContain("silent-raw");
    }
  }
}
