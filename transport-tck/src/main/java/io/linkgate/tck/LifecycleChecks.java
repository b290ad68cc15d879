package io.linkgate.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.client.ClientTransport;
import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.GoAway;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.Transport;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Start, endpoints, drain, stop accepting, shutdown, and the uplink's idle close. */
final class LifecycleChecks {
  private final Fixture fx;

  LifecycleChecks(Fixture fx) {
    this.fx = fx;
  }

  void endpointsNameTheBoundPorts() {
    for (Role role : new Role[] {Role.DOWNLINK, Role.UPLINK}) {
      Transport t =
          role == Role.DOWNLINK ? fx.node().downlinkTransport() : fx.node().uplinkTransport();
      assertThat(t.name()).as("%s transport name", role).isEqualTo(fx.transportName());
      assertThat(t.endpoints()).as("%s endpoints", role).isNotEmpty();
      for (Endpoint e : t.endpoints()) {
        assertThat(e.getTransport()).as("Endpoint.transport").isEqualTo(fx.transportName());
        assertThat(e.getRole()).as("Endpoint.role").isEqualTo(role);
        assertThat(e.getHost()).as("Endpoint.host").isEqualTo(TckNode.HOST);
        assertThat(e.getPort()).as("Endpoint.port: port 0 becomes the bound port").isPositive();
        assertThat(e.getTls()).as("Endpoint.tls").isFalse();
      }
    }
    assertThat(fx.node().endpoint(Role.DOWNLINK).getPort())
        .as("each role listens on its own port")
        .isNotEqualTo(fx.node().endpoint(Role.UPLINK).getPort());
  }

  /** Two ports per role: both listed, distinct, and both serving. */
  void everyConfiguredPortServes() throws IOException {
    TckNode node = fx.startNode(fx.baseConfig().withNodeId("tck-ports").withPortsPerRole(2));
    String alice = fx.user("alice");
    for (Role role : new Role[] {Role.DOWNLINK, Role.UPLINK}) {
      assertThat(node.endpoints(role))
          .as("%s endpoints of a node configured with two ports", role)
          .hasSize(2)
          .extracting(Endpoint::getPort)
          .doesNotHaveDuplicates();
    }
    for (Endpoint down : node.endpoints(Role.DOWNLINK)) {
      String bob = fx.user("bob");
      TestDownlink dl = fx.downlink(fx.client(), down, fx.downlinkHello(bob, "bob-phone", 0, 0));
      for (Endpoint upEndpoint : node.endpoints(Role.UPLINK)) {
        ClientUplink up =
            fx.uplink(fx.client(), upEndpoint, fx.hello(alice, "alice-phone", Role.UPLINK));
        String text = "via " + down.getPort() + " and " + upEndpoint.getPort();
        fx.send(up, Wire.send(text, "user:" + bob, text));
        assertThat(Wire.text(dl.nextPush())).isEqualTo(text);
      }
    }
  }

  void drainSendsGoAwayThenCloses() throws IOException {
    TckNode node = fx.startNode(fx.baseConfig().withNodeId("tck-drain"));
    String bob = fx.user("bob");
    TestDownlink dl =
        fx.downlink(
            fx.client(), node.endpoint(Role.DOWNLINK), fx.downlinkHello(bob, "bob-phone", 0, 0));
    node.router().drain(GoAway.newBuilder().setReason("tck drain").build());
    Frame f = dl.nextNonPush();
    assertThat(f.hasGoAway()).as("frame on drain: %s", Wire.describe(f)).isTrue();
    assertThat(f.getGoAway().getReason()).isEqualTo("tck drain");
    dl.awaitClosed();
  }

  void stopAcceptingRefusesNewConnectionsAndKeepsOpenOnes() throws IOException {
    TckNode node = fx.startNode(fx.baseConfig().withNodeId("tck-stop"));
    String alice = fx.user("alice");
    String bob = fx.user("bob");
    TestDownlink bobDown =
        fx.downlink(
            fx.client(), node.endpoint(Role.DOWNLINK), fx.downlinkHello(bob, "bob-phone", 0, 0));
    ClientUplink aliceUp =
        fx.uplink(
            fx.client(), node.endpoint(Role.UPLINK), fx.hello(alice, "alice-phone", Role.UPLINK));
    node.downlinkTransport().stopAccepting();
    node.uplinkTransport().stopAccepting();

    // A fresh client, so no pooled connection can stand in for a new one.
    ClientTransportOptions o = fx.clientOptions();
    ClientTransport fresh =
        fx.newClient(
            new ClientTransportOptions(
                o.maxFrameBytes(),
                Duration.ofSeconds(2),
                o.proxy(),
                o.trustAllCertificates(),
                o.options()));
    fx.failureOf(
        fresh.openDownlink(
            node.endpoint(Role.DOWNLINK),
            fx.downlinkHello(alice, "alice-phone", 0, 0),
            new TestDownlink("refused", fx.timeout())),
        "opening a downlink after stopAccepting");
    fx.failureOf(
        fresh.openUplink(node.endpoint(Role.UPLINK), fx.hello(bob, "bob-phone", Role.UPLINK)),
        "opening an uplink after stopAccepting");

    fx.send(aliceUp, Wire.send("s-1", "user:" + bob, "still here"));
    assertThat(Wire.text(bobDown.nextPush())).isEqualTo("still here");
  }

  void shutdownClosesOpenConnections() throws IOException {
    TckNode node = fx.startNode(fx.baseConfig().withNodeId("tck-shutdown"));
    String bob = fx.user("bob");
    TestDownlink bobDown =
        fx.downlink(
            fx.client(), node.endpoint(Role.DOWNLINK), fx.downlinkHello(bob, "bob-phone", 0, 0));
    ClientUplink bobUp =
        fx.uplink(fx.client(), node.endpoint(Role.UPLINK), fx.hello(bob, "bob-phone", Role.UPLINK));
    fx.join(node.downlinkTransport().shutdown(), "downlink shutdown");
    fx.join(node.uplinkTransport().shutdown(), "uplink shutdown");
    bobDown.awaitClosed();
    fx.await().alias("the uplink sees the close").until(() -> !bobUp.isOpen());
  }

  /**
   * With a short idle timeout, an uplink that keeps sending outlives it, and one that falls silent
   * is closed.
   */
  void idleUplinkIsClosedAndBusyOneIsNot() throws IOException {
    Duration idle = Duration.ofMillis(300);
    TckNode node =
        fx.startNode(
            fx.baseConfig()
                .withNodeId("tck-idle")
                .withLimits(NodeConfig.withUplinkIdleTimeout(fx.baseConfig().limits(), idle)));
    String alice = fx.user("alice");

    ClientUplink busy =
        fx.uplink(
            fx.client(), node.endpoint(Role.UPLINK), fx.hello(alice, "alice-phone", Role.UPLINK));
    int calls = (int) (3 * idle.toMillis() / (idle.toMillis() / 3));
    AtomicLong nonce = new AtomicLong();
    ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    try {
      // Paces the pings the way a client with something to say would.
      CompletableFuture<Void> done = new CompletableFuture<>();
      pacer.scheduleAtFixedRate(
          () -> {
            long n = nonce.incrementAndGet();
            if (n > calls) {
              done.complete(null);
              return;
            }
            busy.call(Wire.ping(n))
                .whenComplete(
                    (answer, error) -> {
                      if (error != null) {
                        done.completeExceptionally(error);
                      }
                    });
          },
          0,
          idle.toMillis() / 3,
          TimeUnit.MILLISECONDS);
      fx.join(done, "an uplink busy for three idle timeouts");
    } finally {
      pacer.shutdownNow();
    }
    assertThat(busy.isOpen()).as("an uplink in use is not idle").isTrue();

    RawConnection raw = fx.raw(node, Role.UPLINK);
    fx.rawHandshake(raw, fx.hello(alice, "alice-tablet", Role.UPLINK));
    Frame f = fx.receive(raw, "an idle uplink");
    if (f != null) {
      // The close may be explained with an Error; nothing else makes sense here.
      assertThat(f.hasError()).as("frame on an idle uplink: %s", Wire.describe(f)).isTrue();
      fx.expectClosed(raw, "an idle uplink after " + Wire.describe(f));
    }
  }
}
