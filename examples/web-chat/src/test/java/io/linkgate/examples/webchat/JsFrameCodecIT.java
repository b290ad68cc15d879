package io.linkgate.examples.webchat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Error;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.GoAway;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Ping;
import io.linkgate.api.proto.Pong;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.PushAck;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Send;
import io.linkgate.api.proto.SendAck;
import io.linkgate.api.proto.Subscribe;
import io.linkgate.api.proto.Unsubscribe;
import io.linkgate.api.proto.Welcome;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * linkgate.js's hand-written protobuf codec, run in Chromium, against the Java protobuf classes and
 * {@link FrameCodec}: bytes either way, unknown fields and kinds, and a stream split anywhere.
 */
class JsFrameCodecIT {
  private static PageServer pages;
  private static Browser browser;

  /** Every kind, with values that need care: multi-byte varints, past 2^53, negative, UTF-8. */
  private static final List<Frame> EVERY_KIND =
      List.of(
          frame()
              .setHello(
                  Hello.newBuilder()
                      .setToken("t.o.k")
                      .setDeviceId("phone")
                      .setRole(Role.DOWNLINK)
                      .setResumeFromSeq(300)
                      .setHeartbeatMs(30_000)
                      .setClientVersion("js/1")
                      .setResumeEpoch("e1"))
              .build(),
          frame()
              .setWelcome(
                  Welcome.newBuilder()
                      .setSessionId("s-1")
                      .setNodeId("n1")
                      .setUserId("bob")
                      .setHeartbeatMs(25_000)
                      .setLastSeq(9_007_199_254_740_993L)
                      .setResumed(true)
                      .setEpoch("ep"))
              .build(),
          frame()
              .setSend(
                  Send.newBuilder()
                      .setClientMsgId("m1")
                      .setTo("user:bob")
                      .setPayload(ByteString.copyFromUtf8("héllo ✓"))
                      .putHeaders("a", "1")
                      .putHeaders("traceparent", "00-x"))
              .build(),
          frame()
              .setSendAck(
                  SendAck.newBuilder()
                      .setClientMsgId("m1")
                      .setMsgId("id-1")
                      .setServerTimeMs(1_796_000_000_123L))
              .build(),
          frame()
              .setPush(
                  Push.newBuilder()
                      .setSeq(128)
                      .setMsgId("id-2")
                      .setFrom("alice")
                      .setTo("room:lobby")
                      .setPayload(ByteString.copyFrom(new byte[] {0, (byte) 0xff, 7}))
                      .setServerTimeMs(-5)
                      .putHeaders("k", "v"))
              .build(),
          frame().setPushAck(PushAck.newBuilder().setUpToSeq(Long.MAX_VALUE)).build(),
          frame().setPing(Ping.newBuilder().setNonce(-1L)).build(), // uint64 max
          frame().setPong(Pong.newBuilder()).build(), // a oneof member with only defaults
          frame()
              .setGoAway(
                  GoAway.newBuilder()
                      .setReason("drain")
                      .addReconnectTo(
                          Endpoint.newBuilder()
                              .setTransport("http-tunnel")
                              .setRole(Role.UPLINK)
                              .setHost("10.0.0.2")
                              .setPort(8081)
                              .setTls(true)
                              .setLoadLevel(2))
                      .addReconnectTo(Endpoint.newBuilder().setHost("h2").setPort(1)))
              .build(),
          frame()
              .setError(
                  Error.newBuilder()
                      .setCode(ErrorCode.SLOW_CONSUMER)
                      .setMessage("slow")
                      .setClientMsgId("m9"))
              .build(),
          frame().setSubscribe(Subscribe.newBuilder().setRoom("lobby")).build(),
          frame().setUnsubscribe(Unsubscribe.newBuilder().setRoom("lobby")).build());

  @BeforeAll
  static void start() throws Exception {
    pages =
        new PageServer(
                "127.0.0.1",
                List.of(0),
                () -> new PageServer.NodeAddress(1, 1),
                new DevTokens("codec-test-secret-of-at-least-32-bytes"))
            .start();
    browser = Browser.open().get("http://127.0.0.1:" + pages.port(0) + "/");
  }

  @AfterAll
  static void stop() throws Exception {
    browser.close();
    pages.close();
  }

  private static Frame.Builder frame() {
    return Frame.newBuilder();
  }

  /**
   * Runs {@code body} with {@code codec} (the module) and {@code input} bound; returns its value.
   */
  private static Object js(String body, Object input) {
    return browser.asyncScript(
        """
        const done = arguments[arguments.length - 1], input = arguments[0];
        const b64 = bytes => btoa(String.fromCharCode(...bytes));
        const unb64 = s => Uint8Array.from(atob(s), c => c.charCodeAt(0));
        import('/linkgate.js')
          .then(codec => { %s })
          .catch(e => done('JS error: ' + e.stack));
        """
            .formatted(body),
        input);
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  @Test
  void framesTheJavaCodecEncodedDecodeInJsAndEncodeBackToTheSameBytes() {
    byte[] java = FrameCodec.encodeAll(EVERY_KIND);
    Object back = js("done(b64(codec.encodeFrames(codec.decodeFrames(unb64(input)))))", b64(java));
    assertThat(back).isEqualTo(b64(java));
  }

  @Test
  void jsDecodesEachFieldToWhatJavaPutThere() {
    Object seen =
        js(
            """
            const [hello, welcome, send, ack, push, pushAck, ping, pong, goAway, error] =
                codec.decodeFrames(unb64(input));
            done([
              hello.hello.role,
              welcome.welcome.lastSeq.toString(), typeof welcome.welcome.lastSeq,
              new TextDecoder().decode(send.send.payload), send.send.headers.traceparent,
              ack.sendAck.serverTimeMs,
              push.push.serverTimeMs, Array.from(push.push.payload).join(','),
              pushAck.pushAck.upToSeq.toString(),
              ping.ping.nonce.toString(),
              codec.frameKind(pong), pong.pong.nonce,
              goAway.goAway.reconnectTo[0].tls, goAway.goAway.reconnectTo[1].port,
              error.error.code,
            ].join('|'));
            """,
            b64(FrameCodec.encodeAll(EVERY_KIND)));
    assertThat(seen)
        .isEqualTo(
            String.join(
                "|",
                "DOWNLINK",
                "9007199254740993",
                "bigint",
                "héllo ✓",
                "00-x",
                "1796000000123",
                "-5",
                "0,255,7",
                "9223372036854775807",
                "18446744073709551615",
                "pong",
                "0",
                "true",
                "1",
                "SLOW_CONSUMER"));
  }

  @Test
  void framesJsEncodedParseInJavaAsTheFramesMeant() {
    Object encoded =
        js(
            """
            done(b64(codec.encodeFrames([
              {hello: {token: 't.o.k', deviceId: 'phone', role: 'DOWNLINK', resumeFromSeq: 300,
                       heartbeatMs: 30000, clientVersion: 'js/1', resumeEpoch: 'e1'}},
              {welcome: {sessionId: 's-1', nodeId: 'n1', userId: 'bob', heartbeatMs: 25000,
                         lastSeq: 9007199254740993n, resumed: true, epoch: 'ep'}},
              {send: {clientMsgId: 'm1', to: 'user:bob', payload: 'héllo ✓',
                      headers: {a: '1', traceparent: '00-x'}}},
              {sendAck: {clientMsgId: 'm1', msgId: 'id-1', serverTimeMs: 1796000000123}},
              {push: {seq: 128, msgId: 'id-2', from: 'alice', to: 'room:lobby',
                      payload: new Uint8Array([0, 255, 7]), serverTimeMs: -5, headers: {k: 'v'}}},
              {pushAck: {upToSeq: 9223372036854775807n}},
              {ping: {nonce: 18446744073709551615n}},
              {pong: {}},
              {goAway: {reason: 'drain', reconnectTo: [
                {transport: 'http-tunnel', role: 'UPLINK', host: '10.0.0.2', port: 8081, tls: true,
                 loadLevel: 2},
                {host: 'h2', port: 1}]}},
              {error: {code: 'SLOW_CONSUMER', message: 'slow', clientMsgId: 'm9'}},
              {subscribe: {room: 'lobby'}},
              {unsubscribe: {room: 'lobby'}},
            ])));
            """,
            null);
    byte[] bytes = Base64.getDecoder().decode((String) encoded);
    assertThat(FrameCodec.decodeAll(bytes, FrameCodec.DEFAULT_MAX_FRAME_BYTES, 64))
        .containsExactlyElementsOf(EVERY_KIND);
    // Not only equal as messages: the same bytes Java writes (field order, defaults left out).
    assertThat(bytes).isEqualTo(FrameCodec.encodeAll(EVERY_KIND));
  }

  @Test
  void unknownFieldsAndUnknownFrameKindsAreIgnored() {
    UnknownFieldSet extra =
        UnknownFieldSet.newBuilder()
            .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(300).build())
            .addField(
                100,
                UnknownFieldSet.Field.newBuilder()
                    .addLengthDelimited(ByteString.copyFromUtf8("future"))
                    .build())
            .addField(101, UnknownFieldSet.Field.newBuilder().addFixed32(7).build())
            .addField(102, UnknownFieldSet.Field.newBuilder().addFixed64(8).build())
            .build();
    Push push =
        Push.newBuilder()
            .setSeq(5)
            .setMsgId("id-5")
            .setFrom("alice")
            .setTo("user:bob")
            .setPayload(ByteString.copyFromUtf8("hi"))
            .build();
    Frame newerPush =
        Frame.newBuilder()
            .setPush(push.toBuilder().setUnknownFields(extra))
            .setUnknownFields(extra)
            .build();
    Frame newerKind =
        Frame.newBuilder()
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(
                        42,
                        UnknownFieldSet.Field.newBuilder()
                            .addLengthDelimited(ByteString.copyFromUtf8("??"))
                            .build())
                    .build())
            .build();
    Object seen =
        js(
            """
            const [push, newer] = codec.decodeFrames(unb64(input));
            done([codec.frameKind(push), codec.frameKind(newer) ?? 'unknown',
                  b64(codec.encodeFrame(push))]);
            """,
            b64(FrameCodec.encodeAll(List.of(newerPush, newerKind))));
    assertThat(seen)
        .asList()
        .containsExactly(
            "push", "unknown", b64(Frame.newBuilder().setPush(push).build().toByteArray()));
  }

  @Test
  void aStreamCutIntoChunksAnywhereGivesTheSameFrames() {
    byte[] stream = FrameCodec.encodeAll(EVERY_KIND);
    Object back =
        js(
            """
            const bytes = unb64(input), out = [];
            for (const size of [1, 2, 3, 7, 64]) {
              const reader = new codec.FrameReader(), frames = [];
              for (let i = 0; i < bytes.length; i += size) {
                frames.push(...reader.push(bytes.subarray(i, i + size)));
              }
              out.push(b64(codec.encodeFrames(frames)) + (reader.partial ? ' (partial)' : ''));
            }
            done(out);
            """,
            b64(stream));
    assertThat(back).asList().containsOnly(b64(stream));
  }

  @Test
  void aLengthOverTheLimitIsRefusedBeforeItsBodyArrives() {
    Object seen =
        js(
            """
            try {
              new codec.FrameReader(1024).push(Uint8Array.of(0x81, 0x08));
              done('accepted');
            } catch (e) {
              done(e.code);
            }
            """,
            null);
    assertThat(seen).isEqualTo("FRAME_TOO_LARGE"); // 0x81 0x08 is 1025: two bytes were enough
  }
}
