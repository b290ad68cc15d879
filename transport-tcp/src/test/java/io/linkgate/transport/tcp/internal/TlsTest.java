package io.linkgate.transport.tcp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Send;
import io.linkgate.api.transport.TlsSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTest {
  @TempDir static Path dir;
  static Path certificate;
  static Path key;

  private final TestCore core = new TestCore();
  private TcpServerTransport server;
  private TcpClientTransport client;

  @BeforeAll
  static void selfSignedCertificate() {
    TlsSettings tls = TestCertificates.write(dir);
    certificate = tls.certificateChain();
    key = tls.privateKey();
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private TcpClientTransport client(boolean trustAll, Map<String, String> options) {
    client =
        new TcpClientTransport(
            new ClientTransportOptions(
                64 * 1024, Duration.ofSeconds(5), Optional.empty(), trustAll, options));
    return client;
  }

  private Endpoint tlsServer(Role role) throws IOException {
    var settings =
        Servers.settings(role, Servers.limits()).withTls(new TlsSettings(certificate, key));
    server =
        Servers.started(
            role == Role.DOWNLINK
                ? new TcpDownlinkTransport(settings, core)
                : new TcpUplinkTransport(settings, core));
    Endpoint endpoint = server.endpoints().get(0);
    assertThat(endpoint.getTls()).isTrue();
    return endpoint;
  }

  private static Hello hello() {
    return Hello.newBuilder().setToken("good").setDeviceId("d").build();
  }

  @Test
  void downlinkOverTlsCarriesPushes() throws Exception {
    Endpoint endpoint = tlsServer(Role.DOWNLINK);
    ClientTransportTest.Recorder recorder = new ClientTransportTest.Recorder();
    ClientDownlink downlink =
        client(true, Map.of())
            .openDownlink(endpoint, hello(), recorder)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(downlink.welcome().getUserId()).isEqualTo("alice");
    assertThat(core.infos.poll().tls()).isTrue();
    core.downlinks
        .get(0)
        .send(EncodedFrame.of(Frame.newBuilder().setPush(Push.newBuilder().setSeq(1)).build()));
    assertThat(recorder.frames.poll(5, TimeUnit.SECONDS).getPush().getSeq()).isEqualTo(1);
  }

  @Test
  void uplinkOverTlsVerifiesTheServerAgainstTrustedCertificates() throws Exception {
    Endpoint endpoint = tlsServer(Role.UPLINK);
    ClientUplink uplink =
        client(false, Map.of("trustCertificates", certificate.toString()))
            .openUplink(endpoint, hello())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    Frame ack =
        uplink
            .call(
                Frame.newBuilder()
                    .setSend(Send.newBuilder().setClientMsgId("t1").setTo("user:bob"))
                    .build())
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
    assertThat(ack.getSendAck().getClientMsgId()).isEqualTo("t1");
  }

  @Test
  void untrustedServerCertificateFailsTheOpenWithAnIoException() throws Exception {
    Endpoint endpoint = tlsServer(Role.UPLINK);
    assertThatThrownBy(
            () ->
                client(false, Map.of())
                    .openUplink(endpoint, hello())
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void plainTextClientOnATlsPortIsClosed() throws Exception {
    Endpoint endpoint = tlsServer(Role.DOWNLINK);
    try (RawClient raw = RawClient.connect(endpoint.getPort())) {
      raw.send(RawClient.helloFrame(Role.DOWNLINK, 0));
      assertThat(raw.readByte()).isIn(-1, 21); // end of stream, or a TLS alert record first
    }
  }

  @Test
  void missingCertificateFailsTheStartNamingTheFile() {
    var settings =
        Servers.settings(Role.DOWNLINK, Servers.limits())
            .withTls(new TlsSettings(dir.resolve("nope.pem"), key));
    TcpDownlinkTransport t = new TcpDownlinkTransport(settings, core);
    assertThatThrownBy(t::start).isInstanceOf(IOException.class).hasMessageContaining("nope.pem");
  }
}
