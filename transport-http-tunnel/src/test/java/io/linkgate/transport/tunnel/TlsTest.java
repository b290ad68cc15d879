package io.linkgate.transport.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.client.ClientTransport;
import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Send;
import io.linkgate.api.transport.TlsSettings;
import io.linkgate.transport.tunnel.internal.PemFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS from the PEM files in the settings, as TCP reads them; the client trusts a PEM file. */
class TlsTest {
  @TempDir static Path dir;
  private static TlsSettings tls;

  @BeforeAll
  static void makeCertificate() throws Exception {
    tls = TestCertificates.write(dir);
  }

  private static ClientTransport client(Map<String, String> options, boolean trustAll) {
    return new HttpTunnelClientTransportProvider()
        .create(
            new ClientTransportOptions(
                65536, Duration.ofSeconds(5), Optional.empty(), trustAll, options));
  }

  @Test
  void bothRolesServeOverTlsToAClientTrustingTheCertificate() throws Exception {
    try (TestNode node = TestNode.builder().tls(tls).start();
        ClientTransport client =
            client(Map.of("trust-certificates", tls.certificateChain().toString()), false)) {
      assertThat(node.endpoint(Role.DOWNLINK).getTls()).isTrue();
      assertThat(node.endpoint(Role.UPLINK).getTls()).isTrue();
      Recorder bobs = new Recorder();
      ClientDownlink down =
          TestNode.join(
              client.openDownlink(node.endpoint(Role.DOWNLINK), node.hello("bob", "b"), bobs));
      assertThat(down.welcome().getUserId()).isEqualTo("bob");
      ClientUplink up =
          TestNode.join(client.openUplink(node.endpoint(Role.UPLINK), node.hello("alice", "a")));
      Frame send =
          Frame.newBuilder()
              .setSend(
                  Send.newBuilder()
                      .setClientMsgId("tls-1")
                      .setTo("user:bob")
                      .setPayload(ByteString.copyFromUtf8("secret")))
              .build();
      assertThat(TestNode.join(up.call(send)).hasSendAck()).isTrue();
      assertThat(bobs.nextPush().getPayload().toStringUtf8()).isEqualTo("secret");
    }
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateCannotOpen() throws Exception {
    try (TestNode node = TestNode.builder().tls(tls).start();
        ClientTransport client = client(Map.of(), false)) {
      assertThat(
              client
                  .openUplink(node.endpoint(Role.UPLINK), node.hello("alice", "a"))
                  .toCompletableFuture())
          .failsWithin(Duration.ofSeconds(5));
    }
  }

  @Test
  void trustAllCertificatesAcceptsTheSelfSignedOne() throws Exception {
    try (TestNode node = TestNode.builder().tls(tls).start();
        ClientTransport client = client(Map.of(), true)) {
      ClientUplink up =
          TestNode.join(client.openUplink(node.endpoint(Role.UPLINK), node.hello("alice", "a")));
      assertThat(up.welcome().getUserId()).isEqualTo("alice");
    }
  }

  @Test
  void plainHttpToATlsPortIsNotServed() throws Exception {
    try (TestNode node = TestNode.builder().tls(tls).start()) {
      String plain = "http://127.0.0.1:" + node.port(Role.UPLINK) + "/v1/tunnel/uplink?device_id=d";
      assertThat(
              HttpClient.newHttpClient()
                  .sendAsync(
                      HttpRequest.newBuilder(URI.create(plain)).GET().build(),
                      HttpResponse.BodyHandlers.discarding()))
          .failsWithin(Duration.ofSeconds(5));
    }
  }

  /**
   * A connection's idle timeout is the handshake timeout until its first request, then the
   * connector's: a held poll, which has no I/O, outlives the handshake timeout over TLS too.
   */
  @Test
  void aHeldPollOutlivesTheHandshakeTimeoutOverTls() throws Exception {
    try (TestNode node = TestNode.builder().tls(tls).option("poll-hold-ms", "3000").start()) {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(PemFiles.trustStore(tls.certificateChain()));
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, trust.getTrustManagers(), null);
      HttpClient http =
          HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ssl).build();
      String auth = "Bearer " + node.token("gina");
      HttpResponse<byte[]> first =
          http.send(
              HttpRequest.newBuilder(
                      node.uri(Role.DOWNLINK, "/v1/tunnel/downlink?device_id=g&mode=poll"))
                  .header("Authorization", auth)
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      String session =
          FrameCodec.decodeAll(first.body(), 65536, 10).get(0).getWelcome().getSessionId();
      long start = System.nanoTime();
      HttpResponse<byte[]> held =
          http.send(
              HttpRequest.newBuilder(
                      node.uri(
                          Role.DOWNLINK,
                          "/v1/tunnel/downlink?device_id=g&mode=poll&session_id=" + session))
                  .header("Authorization", auth)
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      long heldMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(held.statusCode()).isEqualTo(200);
      assertThat(held.body()).isEmpty();
      assertThat(heldMs)
          .as("held the full 3 s, past the 2 s handshake timeout")
          .isGreaterThanOrEqualTo(3_000);
    }
  }
}
