package io.linkgate.transport.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.FrameReader;
import io.linkgate.api.Frames;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Role;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * With {@code h2c=true} the plain ports also speak HTTP/2 cleartext: the JDK client, asked for
 * HTTP/2 on an http URI, upgrades its first request (h2c upgrade) and stays on HTTP/2.
 */
class H2cTest {
  private final HttpClient http2 =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();

  @Test
  void theDownlinkStreamsAndTheUplinkAnswersOverH2c() throws Exception {
    try (TestNode node = TestNode.builder().option("h2c", "true").start()) {
      String token = "Bearer " + node.token("alice");
      HttpResponse<InputStream> stream =
          http2.send(
              HttpRequest.newBuilder(
                      node.uri(Role.DOWNLINK, "/v1/tunnel/downlink?device_id=alice-phone"))
                  .header("Authorization", token)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(stream.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(stream.statusCode()).isEqualTo(200);
      FrameReader frames = new FrameReader(stream.body(), 65536);
      assertThat(frames.read().getWelcome().getUserId()).isEqualTo("alice");

      // The uplink's first request upgrades its connection; the POSTs after it are HTTP/2.
      http2.send(
          HttpRequest.newBuilder(node.uri(Role.UPLINK, "/v1/tunnel/uplink?device_id=alice-phone"))
              .GET()
              .build(),
          HttpResponse.BodyHandlers.discarding());
      HttpResponse<byte[]> answer =
          http2.send(
              HttpRequest.newBuilder(
                      node.uri(Role.UPLINK, "/v1/tunnel/uplink?device_id=alice-phone"))
                  .header("Authorization", token)
                  .header("Content-Type", "application/x-linkgate-frames")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(TestNode.frames(Frames.ping(9))))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(answer.version()).isEqualTo(HttpClient.Version.HTTP_2);
      List<Frame> pong = FrameCodec.decodeAll(answer.body(), 65536, 10);
      assertThat(pong.get(0).getPong().getNonce()).isEqualTo(9);

      node.push("alice", "over h2");
      Frame push = frames.read();
      while (push.hasPing()) {
        push = frames.read();
      }
      assertThat(push.getPush().getPayload().toStringUtf8()).isEqualTo("over h2");
      stream.body().close();
    }
  }

  @Test
  void withoutTheOptionThePortsStayOnHttp1() throws Exception {
    try (TestNode node = TestNode.start()) {
      HttpResponse<byte[]> r =
          http2.send(
              HttpRequest.newBuilder(node.uri(Role.UPLINK, "/v1/tunnel/uplink?device_id=d"))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(r.statusCode()).isEqualTo(405);
    }
  }
}
