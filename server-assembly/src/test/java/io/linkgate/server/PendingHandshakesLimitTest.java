package io.linkgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import io.linkgate.client.ConnectionState;
import io.linkgate.client.LinkgateClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code limits.pending-handshakes-per-address} on every transport, with real sockets: silent
 * connections from one address are held up to the bound and the next is closed as it is accepted;
 * connections past their handshake do not count, and a closed one frees its place.
 */
class PendingHandshakesLimitTest {
  private static final int MAX = 4;

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "http-tunnel", "grpc"})
  void silentConnectionsPastTheBoundAreClosedAndHandshakesDoneDoNotCount(String transport)
      throws Exception {
    LinkgateConfig config =
        TestNodes.loopback(transport)
            .withLimits(
                // A handshake timeout no step of the test comes near: only the bound closes.
                new LimitsConfig(null, null, Duration.ofSeconds(60), null, null)
                    .withPendingHandshakesPerAddress(MAX));
    try (LinkgateServer node = LinkgateServer.start(config)) {
      Endpoint downlink = TestNodes.endpoint(node, Role.DOWNLINK);
      List<LinkgateClient> clients = new ArrayList<>();
      List<Socket> silent = new ArrayList<>();
      try {
        for (int i = 0; i < MAX - 1; i++) {
          LinkgateClient c = TestNodes.client(node, "user" + i, new LinkedBlockingQueue<>());
          clients.add(c);
          c.connect().toCompletableFuture().get(15, TimeUnit.SECONDS);
        }
        for (int i = 0; i < MAX; i++) {
          Socket s = connect(downlink);
          silent.add(s);
          assertThat(isHeld(s))
              .as("silent connection %d of %d, beside %d that completed their handshake", i + 1, MAX, MAX - 1)
              .isTrue();
        }
        try (Socket over = connect(downlink)) {
          assertThat(isClosedByServer(over)).as("connection %d, over the bound", MAX + 1).isTrue();
        }

        for (Socket s : silent) {
          s.close();
        }
        silent.clear();
        // Closed connections give their places back, once the server has seen the close.
        await()
            .atMost(Duration.ofSeconds(15))
            .until(
                () -> {
                  Socket s = connect(downlink);
                  if (isHeld(s)) {
                    silent.add(s);
                    return true;
                  }
                  s.close();
                  return false;
                });
        for (int i = 1; i < MAX; i++) {
          Socket s = connect(downlink);
          silent.add(s);
          assertThat(isHeld(s)).as("a freed place, %d of %d", i + 1, MAX).isTrue();
        }
        for (LinkgateClient c : clients) {
          assertThat(c.state()).as("clients past the handshake are left alone").isEqualTo(ConnectionState.CONNECTED);
        }
      } finally {
        for (Socket s : silent) {
          s.close();
        }
        for (LinkgateClient c : clients) {
          c.close();
        }
      }
    }
  }

  private static Socket connect(Endpoint e) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(e.getHost(), e.getPort()), 5_000);
    return s;
  }

  /**
   * The server keeps the connection: nothing arrives within a second, or the server speaks first
   * (gRPC's SETTINGS) without closing.
   */
  private static boolean isHeld(Socket s) throws IOException {
    s.setSoTimeout(1_000);
    try {
      return s.getInputStream().read() >= 0;
    } catch (SocketTimeoutException e) {
      return true;
    } catch (SocketException e) {
      return false; // reset
    }
  }

  /** The server closes the connection without a word, within the test's patience. */
  private static boolean isClosedByServer(Socket s) throws IOException {
    s.setSoTimeout(10_000);
    InputStream in = s.getInputStream();
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset
    }
  }
}
