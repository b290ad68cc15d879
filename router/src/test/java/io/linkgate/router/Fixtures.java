package io.linkgate.router;

import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Send;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.DownlinkSession;
import io.linkgate.api.transport.UplinkSession;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Tokens, Hellos and connections for router tests. */
final class Fixtures {
  static final byte[] SECRET = "router-tests-secret-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8);
  static final ConnectionInfo DOWN = new ConnectionInfo("test", Role.DOWNLINK, "127.0.0.1:1", false, 30_000);
  static final ConnectionInfo UP = new ConnectionInfo("test", Role.UPLINK, "127.0.0.1:2", false, 0);

  private Fixtures() {}

  static Router.Builder router() {
    return Router.builder().nodeId("n1").authenticator(new Hs256Authenticator(SECRET));
  }

  static String token(String user) {
    return Hs256Authenticator.mint(SECRET, user, Duration.ofMinutes(5));
  }

  static Hello downHello(String user, String device, long resumeFrom) {
    return Hello.newBuilder()
        .setToken(token(user))
        .setDeviceId(device)
        .setRole(Role.DOWNLINK)
        .setResumeFromSeq(resumeFrom)
        .build();
  }

  static Hello upHello(String user, String device) {
    return Hello.newBuilder().setToken(token(user)).setDeviceId(device).setRole(Role.UPLINK).build();
  }

  /** Opens a downlink and waits for the handshake. */
  static DownlinkSession connect(Router router, String user, String device, long resumeFrom, RecordingChannel ch) {
    return join(router.openDownlink(downHello(user, device, resumeFrom), DOWN, ch));
  }

  static UplinkSession uplink(Router router, String user, String device) {
    return join(router.openUplink(upHello(user, device), UP));
  }

  static Frame send(String clientMsgId, String to, String text) {
    return Frame.newBuilder()
        .setSend(
            Send.newBuilder()
                .setClientMsgId(clientMsgId)
                .setTo(to)
                .setPayload(ByteString.copyFromUtf8(text)))
        .build();
  }

  static Message text(String text) {
    return Message.of("system", "", text.getBytes(StandardCharsets.UTF_8));
  }

  static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("stage did not complete normally", e);
    }
  }

  /** The exception a stage failed with, unwrapped. */
  static Throwable failure(java.util.concurrent.CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("stage completed normally");
  }
}
