package io.linkgate.transport.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.linkgate.api.FrameReader;
import io.linkgate.api.Frames;
import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.client.ClientTransport;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.DownlinkChannel;
import io.linkgate.api.transport.DownlinkSession;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.router.Message;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The streamed downlink over time: its maximum age, its pings, stalls and dead peers. */
class StreamingTest {
  private static ClientDownlink open(
      ClientTransport client, TestNode node, Hello hello, Recorder r) {
    return open(client, node.endpoint(Role.DOWNLINK), hello, r);
  }

  private static ClientDownlink open(
      ClientTransport client, Endpoint endpoint, Hello hello, Recorder r) {
    return TestNode.join(client.openDownlink(endpoint, hello, r));
  }

  @Test
  void aStreamEndsCleanlyAtItsMaxAgeAndTheClientResumesWithNothingLost() throws Exception {
    try (TestNode node = TestNode.builder().option("max-age-ms", "700").start();
        ClientTransport client = node.client(Map.of("mode", "stream"))) {
      Recorder first = new Recorder();
      open(client, node, node.hello("alice", "alice-phone"), first);
      node.push("alice", "one");
      node.push("alice", "two");
      assertThat(first.nextPush().getSeq()).isEqualTo(1);
      long delivered = first.nextPush().getSeq();

      Throwable cause = first.awaitClosed();
      assertThat(cause).as("the client is told the stream ended").isInstanceOf(IOException.class);
      node.push("alice", "while away");

      Recorder second = new Recorder();
      ClientDownlink resumed =
          open(client, node, node.hello("alice", "alice-phone", delivered, 0), second);
      assertThat(resumed.welcome().getResumed()).isTrue();
      node.push("alice", "live");
      assertThat(List.of(second.nextPush(), second.nextPush()))
          .extracting(Push::getSeq)
          .containsExactly(3L, 4L);
    }
  }

  @Test
  void theMaxAgeEndIsAGoAwayAndTheTerminalChunkNotACut() throws Exception {
    try (TestNode node = TestNode.builder().option("max-age-ms", "300").start();
        Socket s = new Socket("127.0.0.1", node.port(Role.DOWNLINK))) {
      s.setSoTimeout(5_000);
      HttpWire.request(
          s.getOutputStream(),
          "GET",
          "/v1/tunnel/downlink?device_id=d",
          Map.of("Authorization", "Bearer " + node.token("bob")),
          null);
      InputStream in = new BufferedInputStream(s.getInputStream());
      HttpWire.Head head = HttpWire.readHead(in);
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.chunked()).isTrue();
      assertThat(head.header("Cache-Control")).contains("no-store");
      assertThat(head.header("X-Accel-Buffering")).isEqualTo("no");
      FrameReader frames = new FrameReader(HttpWire.body(in, head), 65536);
      assertThat(frames.read().hasWelcome()).isTrue();
      Frame goAway = frames.read();
      assertThat(goAway.hasGoAway()).as("a planned end is announced: %s", goAway).isTrue();
      assertThat(goAway.getGoAway().getReason()).contains("max age");
      Frame end = frames.read(); // the ChunkedBody throws on a cut; null means the terminal chunk
      assertThat(end).as("nothing after the GoAway but the end").isNull();
    }
  }

  @Test
  void aQuietStreamGetsPingsAtTheHeartbeatInterval() throws Exception {
    try (TestNode node = TestNode.start();
        Socket s = new Socket("127.0.0.1", node.port(Role.DOWNLINK))) {
      s.setSoTimeout(5_000);
      HttpWire.request(
          s.getOutputStream(),
          "GET",
          "/v1/tunnel/downlink?device_id=d&heartbeat_ms=300",
          Map.of("Authorization", "Bearer " + node.token("carol")),
          null);
      InputStream in = new BufferedInputStream(s.getInputStream());
      FrameReader frames = new FrameReader(HttpWire.body(in, HttpWire.readHead(in)), 65536);
      assertThat(frames.read().getWelcome().getHeartbeatMs()).isEqualTo(300);
      long start = System.nanoTime();
      Frame ping = frames.read();
      long gapMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(ping.hasPing()).as("what a quiet stream gets: %s", ping).isTrue();
      // About one heartbeat after the Welcome, and far from the 10 s default heartbeat.
      assertThat(gapMs).as("after the Welcome").isBetween(150L, 5_000L);
    }
  }

  @Test
  void theClientGivesUpOnAStreamThatBringsNothingForTheStallWindow() throws Exception {
    // The server pings every 10 s (the default heartbeat); the client allows 400 ms of silence.
    try (TestNode node = TestNode.start();
        ClientTransport client = node.client(Map.of("mode", "stream", "stall-ms", "400"))) {
      Recorder r = new Recorder();
      long start = System.nanoTime();
      open(client, node, node.hello("dave", "dave-phone"), r);
      Throwable cause = r.awaitClosed();
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(cause).isInstanceOf(IOException.class).hasMessageContaining("nothing for 400 ms");
      assertThat(elapsedMs).isBetween(400L, 4_000L);
    }
  }

  @Test
  void aClientThatStopsReadingIsCutAfterTheMissWindow() throws Exception {
    try (TestNode node = TestNode.start();
        Socket s = new Socket()) {
      s.setReceiveBufferSize(4 * 1024);
      s.connect(new InetSocketAddress("127.0.0.1", node.port(Role.DOWNLINK)));
      HttpWire.request(
          s.getOutputStream(),
          "GET",
          "/v1/tunnel/downlink?device_id=erin-phone&heartbeat_ms=200",
          Map.of("Authorization", "Bearer " + node.token("erin")),
          null);
      await().atMost(Duration.ofSeconds(5)).until(() -> node.isOnline("erin"));
      // Enough to fill the socket buffers and the queue; nothing is read from here on.
      byte[] payload = new byte[8 * 1024];
      List<CompletionStage<Push>> pushes = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        pushes.add(
            node.router()
                .push(
                    "erin",
                    new Message("test", "user:erin", ByteString.copyFrom(payload), Map.of())));
      }
      pushes.forEach(TestNode::join);
      long start = System.nanoTime();
      await().atMost(Duration.ofSeconds(5)).until(() -> !node.isOnline("erin"));
      assertThat((System.nanoTime() - start) / 1_000_000)
          .as("gone within a few miss windows (500 ms), not at the 60 s idle timeout")
          .isLessThan(4_000);
    }
  }

  @Test
  void deleteEndsTheDownlinkSession() throws Exception {
    try (TestNode node = TestNode.start();
        ClientTransport client = node.client(Map.of("mode", "stream"))) {
      Recorder r = new Recorder();
      ClientDownlink d = open(client, node, node.hello("frank", "frank-phone"), r);
      assertThat(node.isOnline("frank")).isTrue();
      d.close();
      assertThat(r.awaitClosed()).as("closed by this side: no cause").isNull();
      await().atMost(Duration.ofSeconds(5)).until(() -> !node.isOnline("frank"));
    }
  }

  /**
   * The core writes the Welcome while it opens the session, before the transport has registered
   * it: a client that sent its first frame the moment the Welcome arrived got 404 for the session
   * and never its answer. Here the open completes 300 ms after the Welcome was written.
   */
  @Test
  void aFrameSentTheMomentTheWelcomeArrivesFindsItsSession() throws Exception {
    try (TestNode node = TestNode.builder().core(StreamingTest::slowToFinishOpening).start();
        ClientTransport client = node.client(Map.of("mode", "stream"))) {
      Recorder r = new Recorder();
      ClientDownlink d = open(client, node, node.hello("gina", "gina-phone"), r);
      d.send(Frames.ping(77));
      Frame answer = r.next();
      assertThat(answer.hasPong()).as("answered: %s", answer).isTrue();
      assertThat(answer.getPong().getNonce()).isEqualTo(77);
      assertThat(d.isOpen()).isTrue();
    }
  }

  private static SessionHandler slowToFinishOpening(SessionHandler router) {
    return new ForwardingSessionHandler(router) {
      @Override
      public CompletionStage<DownlinkSession> openDownlink(
          Hello hello, ConnectionInfo info, DownlinkChannel channel) {
        Executor later = CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS);
        return core.openDownlink(hello, info, channel)
            .thenApplyAsync(session -> session, later);
      }
    };
  }

  /**
   * Behind a balancer that does not keep a stream's requests on its node, the stream's Ping reaches
   * another node, which knows no such session (404): the downlink ends with that cause, so that
   * its client reconnects, rather than stay open without its acks and pings.
   */
  @Test
  void aStreamWhoseSessionRequestsReachANodeThatDoesNotKnowItEnds() throws Exception {
    try (TestNode a = TestNode.start();
        TestNode b = TestNode.builder().secretOf(a).start();
        CuttingProxy balancer = new CuttingProxy(a.port(Role.DOWNLINK));
        ClientTransport client = a.client(Map.of("mode", "stream"))) {
      Endpoint viaBalancer =
          a.endpoint(Role.DOWNLINK).toBuilder().setPort(balancer.port()).build();
      Recorder r = new Recorder();
      ClientDownlink d = open(client, viaBalancer, a.hello("ivy", "ivy-phone"), r);
      balancer.routeNewConnectionsTo(b.port(Role.DOWNLINK));

      d.send(Frames.ping(5));

      // An I/O failure rather than the node's refusal: reconnecting is the answer to it.
      assertThat(r.awaitClosed())
          .isInstanceOf(IOException.class)
          .hasMessageContaining("no open downlink session");
      assertThat(d.isOpen()).isFalse();
    }
  }
}
