package io.linkgate.example.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.Frames;
import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.client.ClientTransport;
import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Role;
import io.linkgate.server.LinkgateServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The client side beyond what the kit asks, against a node whose handshake timeout (which also
 * times the HTTP request before the upgrade) is short: connections live past both timeouts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebSocketClientTest {
  /** Short, so that a timer left running from the connect would show within the test. */
  private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(1_000);

  private LinkgateServer node;
  private ClientTransport client;

  @BeforeAll
  void start() throws Exception {
    node = TestNode.start("limits: {handshake-timeout: 1s}\n");
    ClientTransportOptions d = ClientTransportOptions.defaults();
    // A cold JVM pays for loading JWT, protobuf and Jetty classes in its first handshake, which on
    // a loaded machine may take longer than the short timeout under test: pay it here.
    try (ClientTransport warmUp = new WebSocketClientTransportProvider().create(d)) {
      warmUp
          .openUplink(
              endpoint(Role.UPLINK),
              TestNode.hello(TestNode.token("warm-up"), "warm-up", Role.UPLINK).getHello())
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS)
          .close();
    }
    client =
        new WebSocketClientTransportProvider()
            .create(
                new ClientTransportOptions(
                    d.maxFrameBytes(), CONNECT_TIMEOUT, Optional.empty(), false, Map.of()));
  }

  @AfterAll
  void stop() {
    if (client != null) {
      client.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void connectionsOutliveTheConnectAndHandshakeTimeouts() throws Exception {
    BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    ClientDownlink down =
        client
            .openDownlink(
                endpoint(Role.DOWNLINK),
                TestNode.hello(TestNode.token("fay"), "fay-phone", Role.DOWNLINK).getHello(),
                listener(frames))
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
    ClientUplink up =
        client
            .openUplink(
                endpoint(Role.UPLINK),
                TestNode.hello(TestNode.token("fay"), "fay-phone", Role.UPLINK).getHello())
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);

    Thread.sleep(3 * CONNECT_TIMEOUT.toMillis());

    down.send(Frames.ping(7));
    assertThat(frames.poll(5, TimeUnit.SECONDS).getPong().getNonce()).isEqualTo(7);
    Frame pong = up.call(Frames.ping(8)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(pong.getPong().getNonce()).isEqualTo(8);
    assertThat(down.isOpen()).isTrue();
    assertThat(up.isOpen()).isTrue();
  }

  @Test
  void aPortWithNothingListeningFailsTheOpenWithAnIoException() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Endpoint nowhere = endpoint(Role.UPLINK).toBuilder().setPort(closedPort).build();
    ExecutionException failure =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class,
            () ->
                client
                    .openUplink(
                        nowhere, TestNode.hello(TestNode.token("fay"), "fay-cli", Role.UPLINK).getHello())
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS));
    assertThat(failure.getCause()).isInstanceOf(IOException.class);
  }

  private Endpoint endpoint(Role role) {
    return TestNode.endpoint(node, "websocket", role);
  }

  private static ClientDownlink.Listener listener(BlockingQueue<Frame> frames) {
    return new ClientDownlink.Listener() {
      @Override
      public void onFrame(Frame frame) {
        frames.add(frame);
      }

      @Override
      public void onClosed(Throwable cause) {}
    };
  }
}
