package io.linkgate.transport.tcp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.TransportSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServerLifecycleTest {
  private final TestCore core = new TestCore();
  private TcpServerTransport server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static TransportSettings settings(Role role, List<Integer> ports) {
    return new TransportSettings(
        "test-node", role, "127.0.0.1", ports, Optional.empty(), Servers.limits(), Servers.OPTIONS);
  }

  @Test
  void listensOnEveryConfiguredPortAndReportsThem() throws Exception {
    server =
        Servers.started(new TcpDownlinkTransport(settings(Role.DOWNLINK, List.of(0, 0)), core));
    List<Endpoint> endpoints = server.endpoints();
    assertThat(endpoints).hasSize(2);
    assertThat(endpoints)
        .allSatisfy(
            e -> {
              assertThat(e.getTransport()).isEqualTo("tcp");
              assertThat(e.getRole()).isEqualTo(Role.DOWNLINK);
              assertThat(e.getHost()).isEqualTo("127.0.0.1");
              assertThat(e.getTls()).isFalse();
              assertThat(e.getPort()).isPositive();
            });
    assertThat(endpoints.get(0).getPort()).isNotEqualTo(endpoints.get(1).getPort());
    for (Endpoint e : endpoints) {
      try (RawClient client = RawClient.connect(e.getPort())) {
        client.send(RawClient.helloFrame(Role.DOWNLINK, 0));
        assertThat(client.read().hasWelcome()).isTrue();
      }
    }
  }

  @Test
  void aPortInUseFailsTheStartAndReleasesThePortsAlreadyBound() throws Exception {
    int free;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      free = probe.getLocalPort();
    }
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      TcpUplinkTransport t =
          new TcpUplinkTransport(settings(Role.UPLINK, List.of(free, taken.getLocalPort())), core);
      assertThatThrownBy(t::start)
          .isInstanceOf(IOException.class)
          .hasMessageContaining(":" + taken.getLocalPort());
      t.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    // The first port was bound, then released: it can be bound again.
    await()
        .untilAsserted(
            () -> {
              try (ServerSocket again =
                  new ServerSocket(free, 1, InetAddress.getLoopbackAddress())) {
                assertThat(again.getLocalPort()).isEqualTo(free);
              }
            });
  }

  @Test
  void stopAcceptingRefusesNewConnectionsAndKeepsOpenOnes() throws Exception {
    server = Servers.started(new TcpDownlinkTransport(settings(Role.DOWNLINK, List.of(0)), core));
    int port = Servers.port(server);
    try (RawClient client = RawClient.connect(port)) {
      client.send(RawClient.helloFrame(Role.DOWNLINK, 0));
      client.read();
      server.stopAccepting();
      server.stopAccepting();
      assertThatThrownBy(() -> RawClient.connect(port)).isInstanceOf(IOException.class);
      client.send(io.linkgate.api.Frames.ping(5));
      assertThat(client.read().getPong().getNonce()).isEqualTo(5);
    }
  }

  @Test
  void startsOnceAndShutsDownIdempotently() throws Exception {
    server = Servers.started(new TcpUplinkTransport(settings(Role.UPLINK, List.of(0)), core));
    assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
    server.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    server.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void shutdownBeforeStartCompletesAtOnce() throws Exception {
    TcpDownlinkTransport t = new TcpDownlinkTransport(settings(Role.DOWNLINK, List.of(0)), core);
    assertThat(t.shutdown().toCompletableFuture().isDone()).isTrue();
    assertThat(t.endpoints()).isEmpty();
  }

  @Test
  void settingsForTheOtherRoleAreRefused() {
    assertThatThrownBy(() -> new TcpDownlinkTransport(settings(Role.UPLINK, List.of(0)), core))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TcpUplinkTransport(settings(Role.DOWNLINK, List.of(0)), core))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void badOptionValuesAreRefusedWithTheirName() {
    TransportSettings bad =
        settings(Role.DOWNLINK, List.of(0)).withOptions(Map.of("threads", "many"));
    assertThatThrownBy(() -> new TcpDownlinkTransport(bad, core))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("threads")
        .hasMessageContaining("many");
  }

  @Test
  void nioServesWhenEpollIsTurnedOff() throws Exception {
    TransportSettings nio =
        settings(Role.DOWNLINK, List.of(0)).withOptions(Map.of("threads", "1", "epoll", "false"));
    server = Servers.started(new TcpDownlinkTransport(nio, core));
    try (RawClient client = RawClient.connect(Servers.port(server))) {
      client.send(RawClient.helloFrame(Role.DOWNLINK, 0));
      assertThat(client.read().hasWelcome()).isTrue();
    }
  }
}
