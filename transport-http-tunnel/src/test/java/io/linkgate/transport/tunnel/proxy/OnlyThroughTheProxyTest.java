package io.linkgate.transport.tunnel.proxy;

import io.linkgate.testing.SquidProxy;
import io.linkgate.testing.DirectAccessBlock;
import io.linkgate.testing.AccessLog;
import static io.linkgate.transport.tunnel.proxy.TunnelGateway.join;
import static io.linkgate.transport.tunnel.proxy.TunnelGateway.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.client.ClientTransport;
import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The locked-down office: this JVM may not open TCP connections to the gateway at all, and its
 * proxy speaks plain HTTP only (no CONNECT). The tunnel must get through anyway.
 */
class OnlyThroughTheProxyTest {
  private static TunnelGateway gateway;
  private static SquidProxy squid;

  @BeforeAll
  static void startGatewayAndSquid() throws IOException {
    gateway = TunnelGateway.start();
    squid = SquidProxy.start(gateway.ports());
  }

  @AfterAll
  static void stopAll() {
    if (squid != null) {
      squid.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void directTcpToTheGatewayIsRefusedWhileTheTunnelThroughTheProxyWorks() throws Exception {
    try (DirectAccessBlock block = DirectAccessBlock.forPorts(squid, gateway.ports());
        ClientTransport direct = gateway.directClient(Map.of());
        ClientTransport proxied = gateway.clientVia(squid.address(), Map.of())) {
      for (int port : gateway.ports()) {
        assertThatThrownBy(() -> {
          try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
          }
        }).as("a direct connection to gateway port %d", port)
            .isInstanceOf(ConnectException.class);
      }
      assertFailsWithIoException(direct.openDownlink(
          gateway.endpoint(Role.DOWNLINK), gateway.hello("hank", "hank-phone"), new Inbox()));
      assertFailsWithIoException(direct.openUplink(
          gateway.endpoint(Role.UPLINK), gateway.hello("ivy", "ivy-phone")));

      Inbox hank = new Inbox();
      ClientDownlink down = join(proxied.openDownlink(
          gateway.endpoint(Role.DOWNLINK), gateway.hello("hank", "hank-phone"), hank));
      ClientUplink up = join(proxied.openUplink(
          gateway.endpoint(Role.UPLINK), gateway.hello("ivy", "ivy-phone")));
      assertThat(join(up.call(send("i-1", "user:hank", "past the firewall"))).hasSendAck())
          .isTrue();
      assertThat(hank.nextPush(5_000).text()).isEqualTo("past the firewall");
      assertThat(gateway.isOnline("hank")).isTrue();
      assertThat(AccessLog.of(squid, e -> e.has("ivy-phone")))
          .as("ivy's uplink POSTs, through squid")
          .hasSizeGreaterThanOrEqualTo(2)
          .allSatisfy(e -> assertThat(e.status()).isEqualTo(200));
      down.close();
    }
  }

  @Test
  void theProxyRefusesToConnectToTheGatewaysPorts() throws Exception {
    for (int port : gateway.ports()) {
      assertThat(rawStatusLine(
          "CONNECT 127.0.0.1:" + port + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n"))
          .as("squid's answer to CONNECT 127.0.0.1:%d", port)
          .contains(" 403 ");
    }
    // A TLS endpoint can only be reached through a CONNECT tunnel, so the client fails there.
    Endpoint tlsUplink = gateway.endpoint(Role.UPLINK).toBuilder().setTls(true).build();
    try (ClientTransport proxied = gateway.clientVia(squid.address(), Map.of())) {
      assertThat(assertFailsWithIoException(
          proxied.openUplink(tlsUplink, gateway.hello("jack", "jack-phone"))))
          .hasMessageContaining("403");
    }
    assertThat(AccessLog.of(squid, e -> e.method().equals("CONNECT")))
        .as("CONNECTs squid saw")
        .hasSizeGreaterThanOrEqualTo(3)
        .allSatisfy(e -> {
          assertThat(e.result()).isEqualTo("TCP_DENIED");
          assertThat(e.status()).isEqualTo(403);
        });
  }

  /** The IOException {@code open} fails with, within 10 s. */
  private static IOException assertFailsWithIoException(CompletionStage<?> open) {
    try {
      open.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(IOException.class);
      return (IOException) e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("no failure within 10 s", e);
    }
    throw new AssertionError("opened, though it should not have");
  }

  private static String rawStatusLine(String request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(squid.address(), 2_000);
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      return new BufferedReader(
          new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }
  }
}
