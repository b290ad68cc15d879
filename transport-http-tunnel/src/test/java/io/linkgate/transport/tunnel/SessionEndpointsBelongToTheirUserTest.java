package io.linkgate.transport.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.PushAck;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Unsubscribe;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A session id is not a capability: another user who learns alice's session id and device id, and
 * presents a valid token of their own, can neither read her polls nor ack, unsubscribe or end her
 * session. Every such request is refused and alice's session carries on untouched.
 */
class SessionEndpointsBelongToTheirUserTest {
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private TestNode node;

  @BeforeEach
  void start() throws Exception {
    node = TestNode.builder().option("poll-hold-ms", "300").start();
  }

  @AfterEach
  void stop() {
    node.close();
  }

  private HttpResponse<byte[]> request(String method, String asUser, String query, byte[] body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(node.uri(Role.DOWNLINK, "/v1/tunnel/downlink?" + query))
            .header("Authorization", "Bearer " + node.token(asUser))
            .header("Content-Type", "application/x-linkgate-frames");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private List<Frame> frames(HttpResponse<byte[]> r) {
    return FrameCodec.decodeAll(r.body(), 65536, 1000);
  }

  @Test
  void anotherUsersRequestsOnAlicesPollSessionAreRefusedAndHerSessionCarriesOn() throws Exception {
    HttpResponse<byte[]> opened = request("GET", "alice", "mode=poll&device_id=alice-phone", null);
    String session = frames(opened).get(0).getWelcome().getSessionId();
    node.push("alice", "for alice only");
    String hers = "device_id=alice-phone&session_id=" + session;

    // Sessions are looked up by user: to mallory, alice's id names no session of hers, so her poll
    // opens a fresh session of her own (as after an expiry) and sees nothing of alice's.
    HttpResponse<byte[]> stolenPoll = request("GET", "mallory", "mode=poll&" + hers + "&resume_from_seq=0", null);
    List<Frame> got = frames(stolenPoll);
    assertThat(got).noneMatch(Frame::hasPush);
    assertThat(got).filteredOn(Frame::hasWelcome).allSatisfy(w -> {
      assertThat(w.getWelcome().getUserId()).isEqualTo("mallory");
      assertThat(w.getWelcome().getSessionId()).isNotEqualTo(session);
    });
    assertThat(new String(stolenPoll.body(), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("for alice only");

    byte[] ack = TestNode.frames(Frame.newBuilder().setPushAck(PushAck.newBuilder().setUpToSeq(99)).build());
    byte[] unsubscribe = TestNode.frames(Frame.newBuilder().setUnsubscribe(Unsubscribe.newBuilder().setRoom("r")).build());
    assertThat(request("POST", "mallory", hers, ack).statusCode()).as("ack").isEqualTo(404);
    assertThat(request("POST", "mallory", hers, unsubscribe).statusCode()).as("unsubscribe").isEqualTo(404);
    assertThat(request("POST", "mallory", hers + "&end=true", new byte[0]).statusCode()).as("end").isEqualTo(404);
    assertThat(request("DELETE", "mallory", hers, null).statusCode()).as("delete").isEqualTo(404);

    HttpResponse<byte[]> next = request("GET", "alice", "mode=poll&" + hers + "&resume_from_seq=0", null);
    assertThat(next.statusCode()).isEqualTo(200);
    assertThat(frames(next)).filteredOn(Frame::hasPush).extracting(f -> f.getPush().getPayload().toStringUtf8())
        .as("still hers, not acked by mallory").containsExactly("for alice only");
  }

  @Test
  void anotherUserCannotEndAlicesStreamedDownlink() throws Exception {
    var stream = http.send(
        HttpRequest.newBuilder(node.uri(Role.DOWNLINK, "/v1/tunnel/downlink?device_id=alice-phone"))
            .header("Authorization", "Bearer " + node.token("alice")).GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    java.io.InputStream in = stream.body();
    Frame welcome = readOne(in);
    String hers = "device_id=alice-phone&session_id=" + welcome.getWelcome().getSessionId();
    assertThat(request("POST", "mallory", hers + "&end=true", new byte[0]).statusCode()).isEqualTo(404);
    node.push("alice", "still streaming");
    Frame next = readOne(in);
    while (!next.hasPush()) {
      next = readOne(in); // a Ping may come first
    }
    assertThat(next.getPush().getPayload().toStringUtf8()).isEqualTo("still streaming");
    // Alice herself can end it: the stream then finishes.
    assertThat(request("POST", "alice", hers + "&end=true", new byte[0]).statusCode()).isBetween(200, 204);
    in.close();
  }

  private static Frame readOne(java.io.InputStream in) throws Exception {
    Frame f = Frame.parseDelimitedFrom(in);
    assertThat(f).as("a frame before the stream ended").isNotNull();
    return f;
  }
}
