package io.linkgate.transport.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.Frames;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Send;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every refusal is an HTTP status with exactly one Error frame as its body and the code in {@code
 * X-Linkgate-Error}; nothing a bad client does is logged above DEBUG.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpStatusesTest {
  private static final String FRAMES = "application/x-linkgate-frames";

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private ErrorLogGuard log;
  private TestNode node;

  @BeforeAll
  void start() throws Exception {
    log = new ErrorLogGuard();
    node =
        TestNode.builder()
            .option("max-request-bytes", "1024")
            .option("max-frames-per-request", "4")
            .start();
  }

  @AfterAll
  void stop() {
    node.close();
    log.detach();
    assertThat(log.errors()).as("ERROR events").isEmpty();
    assertThat(log.warnings()).as("WARN events: bad clients are not the node's problem").isEmpty();
  }

  private HttpRequest.Builder request(Role role, String pathAndQuery) {
    return HttpRequest.newBuilder(node.uri(role, pathAndQuery));
  }

  private HttpResponse<byte[]> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The response is {@code status} with exactly one Error of {@code code}. */
  private static Frame assertRefused(HttpResponse<byte[]> response, int status, ErrorCode code) {
    assertThat(response.statusCode()).as("status").isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(FRAMES);
    assertThat(response.headers().firstValue("X-Linkgate-Error")).hasValue(code.name());
    List<Frame> body = FrameCodec.decodeAll(response.body(), 65536, 10);
    assertThat(body).as("body: exactly one Error frame").hasSize(1);
    assertThat(body.get(0).getError().getCode()).isEqualTo(code);
    assertThat(body.get(0).getError().getMessage())
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    return body.get(0);
  }

  private String uplink(String device) {
    return "/v1/tunnel/uplink?device_id=" + device;
  }

  private HttpRequest.Builder post(String user, String device, byte[] body) {
    return request(Role.UPLINK, uplink(device))
        .header("Authorization", "Bearer " + node.token(user))
        .header("Content-Type", FRAMES)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  @Test
  void wrongMethodIs405WithAllow() throws Exception {
    HttpResponse<byte[]> put =
        send(request(Role.UPLINK, uplink("d")).PUT(HttpRequest.BodyPublishers.noBody()).build());
    assertRefused(put, 405, ErrorCode.INVALID_ARGUMENT);
    assertThat(put.headers().firstValue("Allow")).hasValue("POST, OPTIONS");

    HttpResponse<byte[]> get = send(request(Role.UPLINK, uplink("d")).GET().build());
    assertRefused(get, 405, ErrorCode.INVALID_ARGUMENT);

    HttpResponse<byte[]> down =
        send(
            request(Role.DOWNLINK, "/v1/tunnel/downlink?device_id=d")
                .PUT(HttpRequest.BodyPublishers.noBody())
                .build());
    assertRefused(down, 405, ErrorCode.INVALID_ARGUMENT);
    assertThat(down.headers().firstValue("Allow")).hasValue("GET, POST, DELETE, OPTIONS");
  }

  @Test
  void missingOrBadTokenIs401WithWwwAuthenticate() throws Exception {
    HttpResponse<byte[]> missing =
        send(
            request(Role.UPLINK, uplink("d"))
                .header("Content-Type", FRAMES)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertRefused(missing, 401, ErrorCode.UNAUTHENTICATED);
    assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");

    HttpResponse<byte[]> bad =
        send(
            request(Role.DOWNLINK, "/v1/tunnel/downlink?device_id=d")
                .header("Authorization", "Bearer not-a-token")
                .GET()
                .build());
    assertRefused(bad, 401, ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void wrongContentTypeIs415() throws Exception {
    HttpResponse<byte[]> r =
        send(
            request(Role.UPLINK, uplink("d"))
                .header("Authorization", "Bearer " + node.token("alice"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build());
    assertRefused(r, 415, ErrorCode.INVALID_ARGUMENT);
  }

  @Test
  void bodyOverTheRequestLimitIs413BeforeAnythingIsProcessed() throws Exception {
    byte[] big = new byte[2000]; // the node allows 1024
    assertRefused(send(post("alice", "d", big).build()), 413, ErrorCode.FRAME_TOO_LARGE);

    // Without a Content-Length the limit holds as the body streams in.
    try (Socket s = new Socket("127.0.0.1", node.port(Role.UPLINK))) {
      s.setSoTimeout(5000);
      var out = s.getOutputStream();
      out.write(
          HttpWire.head(
              "POST",
              uplink("d"),
              Map.of(
                  "Authorization",
                  "Bearer " + node.token("alice"),
                  "Content-Type",
                  FRAMES,
                  "Transfer-Encoding",
                  "chunked")));
      out.write("800\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.write(new byte[0x800]);
      out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = new BufferedInputStream(s.getInputStream());
      HttpWire.Head head = HttpWire.readHead(in);
      assertThat(head.status()).isEqualTo(413);
      assertThat(head.header("X-Linkgate-Error")).isEqualTo("FRAME_TOO_LARGE");
    }
  }

  @Test
  void aSenderThatReadsOnlyAfterSendingAllOfAnOversizedBodyStillGetsThe413() throws Exception {
    // As the JDK's client does: the whole body goes out before the answer is read. A server that
    // closed right after its 413 would cut the upload off, and the 413 with it.
    try (Socket s = new Socket("127.0.0.1", node.port(Role.UPLINK))) {
      s.setSoTimeout(5000);
      var out = s.getOutputStream();
      byte[] piece = new byte[25_000];
      out.write(
          HttpWire.head(
              "POST",
              uplink("d"),
              Map.of(
                  "Authorization",
                  "Bearer " + node.token("alice"),
                  "Content-Type",
                  FRAMES,
                  "Content-Length",
                  Integer.toString(8 * piece.length))));
      for (int i = 0; i < 8; i++) {
        out.write(piece);
        out.flush();
        Thread.sleep(50); // the sender's pace: the server's answer is out before the body is
      }
      InputStream in = new BufferedInputStream(s.getInputStream());
      HttpWire.Head head = HttpWire.readHead(in);
      assertThat(head.status()).isEqualTo(413);
      assertThat(head.header("X-Linkgate-Error")).isEqualTo("FRAME_TOO_LARGE");
    }
  }

  @Test
  void moreFramesThanAllowedIs413AndNoneIsProcessed() throws Exception {
    String bob = "bob-frames";
    Recorder bobs = new Recorder();
    try (var client = node.client(Map.of())) {
      client
          .openDownlink(node.endpoint(Role.DOWNLINK), node.hello(bob, "bob-phone"), bobs)
          .toCompletableFuture()
          .get();
      Frame[] five = new Frame[5];
      for (int i = 0; i < 5; i++) {
        five[i] = send("too-many-" + i, "user:" + bob);
      }
      assertRefused(
          send(post("alice", "d", TestNode.frames(five)).build()), 413, ErrorCode.INVALID_ARGUMENT);

      HttpResponse<byte[]> ok =
          send(post("alice", "d", TestNode.frames(send("marker", "user:" + bob))).build());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(bobs.nextPush().getPayload().toStringUtf8())
          .as("the first push bob gets: none of the refused request's sends went through")
          .isEqualTo("marker");
    }
  }

  @Test
  void badQueryParameterIs400() throws Exception {
    String token = "Bearer " + node.token("alice");
    for (String query :
        List.of(
            "/v1/tunnel/downlink",
            "/v1/tunnel/downlink?device_id=d&resume_from_seq=abc",
            "/v1/tunnel/downlink?device_id=d&heartbeat_ms=-5",
            "/v1/tunnel/downlink?device_id=d&mode=websocket")) {
      HttpResponse<byte[]> r =
          send(request(Role.DOWNLINK, query).header("Authorization", token).GET().build());
      assertRefused(r, 400, ErrorCode.INVALID_ARGUMENT);
    }
  }

  @Test
  void anUplinkQueryIsDecodedWhetherPlainOrEscapedAndAMalformedOneIs400() throws Exception {
    byte[] ping = TestNode.frames(Frames.ping(3));
    for (String query :
        List.of("device_id=d-1", "mode=&device_id=d-1&x", "device_id=%64-1", "device%5Fid=d+1")) {
      HttpResponse<byte[]> r =
          send(post("alice", "unused", ping).uri(node.uri(Role.UPLINK, "/v1/tunnel/uplink?" + query)).build());
      assertThat(r.statusCode()).as(query).isEqualTo(200);
      assertThat(FrameCodec.decodeAll(r.body(), 65536, 10).get(0).getPong().getNonce()).isEqualTo(3);
    }
    for (String query : List.of("device_id", "device_id=&mode=stream", "x=d-1")) {
      HttpResponse<byte[]> r =
          send(post("alice", "unused", ping).uri(node.uri(Role.UPLINK, "/v1/tunnel/uplink?" + query)).build());
      assertRefused(r, 400, ErrorCode.INVALID_ARGUMENT);
    }
    // Not a URI java.net.URI accepts, so written by hand.
    try (Socket s = new Socket("127.0.0.1", node.port(Role.UPLINK))) {
      s.setSoTimeout(5000);
      HttpWire.request(
          s.getOutputStream(),
          "POST",
          "/v1/tunnel/uplink?device_id=%zz",
          Map.of("Authorization", "Bearer " + node.token("alice"), "Content-Type", FRAMES),
          ping);
      assertThat(HttpWire.readHead(new BufferedInputStream(s.getInputStream())).status())
          .isEqualTo(400);
    }
  }

  @Test
  void aResumeFromSeqPastLongMaxValueIs400() throws Exception {
    String token = "Bearer " + node.token("alice");
    String poll = "/v1/tunnel/downlink?device_id=alice-tablet&mode=poll&hold_ms=100";
    HttpResponse<byte[]> opened =
        send(request(Role.DOWNLINK, poll).header("Authorization", token).GET().build());
    assertThat(opened.statusCode()).isEqualTo(200);
    String session =
        FrameCodec.decodeAll(opened.body(), 65536, 10).get(0).getWelcome().getSessionId();
    // A uint64 on TCP, but past any seq a device can hold: the router would take such a value,
    // read as a negative long, for "everything delivered".
    for (String seq : List.of("9223372036854775808", "18446744073709551615")) {
      for (String query :
          List.of(
              poll + "&resume_from_seq=" + seq,
              poll + "&session_id=" + session + "&resume_from_seq=" + seq)) {
        HttpResponse<byte[]> r =
            send(request(Role.DOWNLINK, query).header("Authorization", token).GET().build());
        assertThat(assertRefused(r, 400, ErrorCode.INVALID_ARGUMENT).getError().getMessage())
            .contains("resume_from_seq");
      }
    }
    HttpResponse<byte[]> largest =
        send(
            request(
                    Role.DOWNLINK,
                    poll + "&session_id=" + session + "&resume_from_seq=" + Long.MAX_VALUE)
                .header("Authorization", token)
                .GET()
                .build());
    assertThat(largest.statusCode()).as("Long.MAX_VALUE itself is a seq").isEqualTo(200);
  }

  @Test
  void unknownPathAndTheOtherRolesPathAre404() throws Exception {
    assertRefused(
        send(request(Role.UPLINK, "/nothing/here").GET().build()), 404, ErrorCode.INVALID_ARGUMENT);
    assertRefused(
        send(request(Role.UPLINK, "/v1/tunnel/downlink?device_id=d").GET().build()),
        404,
        ErrorCode.INVALID_ARGUMENT);
    assertRefused(
        send(post("alice", "d", new byte[0]).uri(node.uri(Role.DOWNLINK, uplink("d"))).build()),
        404,
        ErrorCode.INVALID_ARGUMENT);
  }

  @Test
  void framesForAnUnknownDownlinkSessionAre404() throws Exception {
    HttpResponse<byte[]> r =
        send(
            request(Role.DOWNLINK, "/v1/tunnel/downlink?device_id=d&session_id=nope")
                .header("Authorization", "Bearer " + node.token("alice"))
                .header("Content-Type", FRAMES)
                .POST(HttpRequest.BodyPublishers.ofByteArray(TestNode.frames(Frames.ping(1))))
                .build());
    assertRefused(r, 404, ErrorCode.INVALID_ARGUMENT);
  }

  @Test
  void aBadFrameIsAnsweredInItsPlaceAfterTheGoodOnesAndEndsTheConnection() throws Exception {
    byte[] good = TestNode.frames(Frames.ping(7));
    byte[] garbage = {0x03, 0x0A, 0x7F, 0x00};
    byte[] body = new byte[good.length + garbage.length];
    System.arraycopy(good, 0, body, 0, good.length);
    System.arraycopy(garbage, 0, body, good.length, garbage.length);
    try (Socket s = new Socket("127.0.0.1", node.port(Role.UPLINK))) {
      s.setSoTimeout(5000);
      HttpWire.request(
          s.getOutputStream(),
          "POST",
          uplink("d"),
          Map.of("Authorization", "Bearer " + node.token("alice"), "Content-Type", FRAMES),
          body);
      InputStream in = new BufferedInputStream(s.getInputStream());
      HttpWire.Head head = HttpWire.readHead(in);
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("Connection")).isEqualTo("close");
      List<Frame> answers = FrameCodec.decodeAll(HttpWire.readBody(in, head), 65536, 10);
      assertThat(answers).hasSize(2);
      assertThat(answers.get(0).getPong().getNonce()).isEqualTo(7);
      assertThat(answers.get(1).getError().getCode()).isEqualTo(ErrorCode.BAD_FRAME);
      assertThat(in.read()).as("the connection ends after the response").isEqualTo(-1);
    }
  }

  @Test
  void theEmptyPostIsTheHandshakeAnsweredWithWelcome() throws Exception {
    HttpResponse<byte[]> r = send(post("alice", "alice-phone", new byte[0]).build());
    assertThat(r.statusCode()).isEqualTo(200);
    List<Frame> body = FrameCodec.decodeAll(r.body(), 65536, 10);
    assertThat(body).hasSize(1);
    assertThat(body.get(0).getWelcome().getUserId()).isEqualTo("alice");
  }

  private static Frame send(String id, String to) {
    return Frame.newBuilder()
        .setSend(
            Send.newBuilder().setClientMsgId(id).setTo(to).setPayload(ByteString.copyFromUtf8(id)))
        .build();
  }
}
