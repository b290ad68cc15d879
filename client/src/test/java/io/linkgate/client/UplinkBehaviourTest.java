package io.linkgate.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.Frames;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.SendAck;
import io.linkgate.client.fake.FakeServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The uplink's rules, against a scripted server. */
class UplinkBehaviourTest {
  private static final Backoff FAST = new Backoff(
      Duration.ofMillis(10), Duration.ofMillis(50), 2.0, 0.5, Duration.ofSeconds(30));

  private final FakeServer server = FakeServer.start();
  private final List<LinkgateClient> clients = new ArrayList<>();

  @AfterEach
  void tearDown() {
    clients.forEach(LinkgateClient::close);
    server.close();
  }

  private LinkgateClient.Builder builder() {
    return LinkgateClient.builder()
        .uplinkEndpoints(List.of(server.endpoint(Role.UPLINK)))
        .token("t")
        .deviceId("d1")
        .backoff(FAST);
  }

  private LinkgateClient client(LinkgateClient.Builder b) {
    LinkgateClient c = b.build();
    clients.add(c);
    return c;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static GatewayException failureOf(CompletionStage<SendAck> stage) {
    var f = stage.toCompletableFuture();
    assertThat(f).failsWithin(Duration.ofSeconds(10));
    try {
      f.get();
      throw new AssertionError("not failed");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(GatewayException.class);
      return (GatewayException) e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void sendsArePipelinedOnOneLazilyOpenedUplink() throws Exception {
    LinkgateClient client = client(builder());
    assertThat(server.uplinks).isEmpty();

    List<CompletableFuture<SendAck>> acks = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      acks.add(client.send("user:bob", bytes("m" + i), Map.of("k", "v")).toCompletableFuture());
    }
    for (CompletableFuture<SendAck> a : acks) {
      assertThat(a).succeedsWithin(Duration.ofSeconds(10));
    }
    FakeServer.Uplink up = server.nextUplink();
    assertThat(up.fromClient).hasSize(20);
    assertThat(up.fromClient).extracting(f -> f.getSend().getHeadersMap()).allMatch(h -> h.equals(Map.of("k", "v")));
    assertThat(server.uplinks).isEmpty();
    assertThat(server.hellos).singleElement().satisfies(h -> assertThat(h.getRole()).isEqualTo(Role.UPLINK));
  }

  @Test
  void sendsLostWithTheConnectionAreResentWithTheSameClientMsgId() throws Exception {
    AtomicInteger connections = new AtomicInteger();
    server.uplinkHandler = (up, f) -> connections.get() == 0
        ? new CompletableFuture<>() // the first connection never answers
        : CompletableFuture.completedFuture(FakeServer.ack(f));
    LinkgateClient client = client(builder());

    var a = client.send("user:bob", bytes("a")).toCompletableFuture();
    var b = client.send("user:bob", bytes("b")).toCompletableFuture();
    FakeServer.Uplink first = server.nextUplink();
    Frame sentA = first.fromClient.poll(10, java.util.concurrent.TimeUnit.SECONDS);
    Frame sentB = first.fromClient.poll(10, java.util.concurrent.TimeUnit.SECONDS);
    connections.incrementAndGet();
    first.drop();

    FakeServer.Uplink second = server.nextUplink();
    assertThat(a).succeedsWithin(Duration.ofSeconds(10));
    assertThat(b).succeedsWithin(Duration.ofSeconds(10));
    assertThat(second.fromClient).extracting(f -> f.getSend().getClientMsgId())
        .containsExactly(sentA.getSend().getClientMsgId(), sentB.getSend().getClientMsgId());
    assertThat(a.get().getClientMsgId()).isEqualTo(sentA.getSend().getClientMsgId());
  }

  @Test
  void unavailableAndRateLimitedAreRetriedOtherErrorsFailTheSend() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    server.uplinkHandler = (up, f) -> {
      String body = f.getSend().getPayload().toStringUtf8();
      if (body.equals("forbidden")) {
        return CompletableFuture.completedFuture(
            Frames.error(ErrorCode.FORBIDDEN, "not in this room", f.getSend().getClientMsgId()));
      }
      return CompletableFuture.completedFuture(calls.incrementAndGet() <= 2
          ? Frames.error(ErrorCode.RATE_LIMITED, "slow down", f.getSend().getClientMsgId())
          : FakeServer.ack(f));
    };
    LinkgateClient client = client(builder());

    assertThat(client.send("user:bob", bytes("ok")).toCompletableFuture())
        .succeedsWithin(Duration.ofSeconds(10));
    assertThat(calls.get()).isEqualTo(3);
    GatewayException e = failureOf(client.send("room:r", bytes("forbidden")));
    assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(e.getMessage()).isEqualTo("not in this room");
  }

  @Test
  void retriesAreBoundedInAttempts() throws Exception {
    server.uplinkHandler = (up, f) -> CompletableFuture.completedFuture(
        Frames.error(ErrorCode.UNAVAILABLE, "draining", f.getSend().getClientMsgId()));
    LinkgateClient client = client(builder().sendRetries(3, Duration.ofSeconds(30)));

    GatewayException e = failureOf(client.send("user:bob", bytes("x")));
    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(e.getMessage()).contains("3 attempts");
    assertThat(server.nextUplink().fromClient).hasSize(3);
  }

  @Test
  void tooManySendsWaitingFailAtOnceWithAClearError() throws Exception {
    server.uplinkHandler = (up, f) -> new CompletableFuture<>();
    LinkgateClient client = client(builder().maxPendingSends(3));
    for (int i = 0; i < 3; i++) {
      client.send("user:bob", bytes("x"));
    }
    GatewayException e = failureOf(client.send("user:bob", bytes("one too many")));
    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(e.getMessage()).contains("limit 3");
  }

  @Test
  void anOversizedMessageFailsWithoutBeingSent() {
    LinkgateClient client = client(builder());
    GatewayException e = failureOf(client.send("user:bob", new byte[70_000]));
    assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
    assertThat(server.hellos).isEmpty();
  }

  @Test
  void anIdleUplinkIsClosedByTheClientAndReopenedOnTheNextSend() throws Exception {
    LinkgateClient client = client(builder().uplinkIdleTimeout(Duration.ofMillis(50)));
    assertThat(client.send("user:bob", bytes("1")).toCompletableFuture()).succeedsWithin(Duration.ofSeconds(10));
    FakeServer.Uplink first = server.nextUplink();
    assertThat(first.closedByClient).succeedsWithin(Duration.ofSeconds(10));

    assertThat(client.send("user:bob", bytes("2")).toCompletableFuture()).succeedsWithin(Duration.ofSeconds(10));
    assertThat(server.nextUplink().fromClient).hasSize(1);
  }

  @Test
  void aRefusedTokenFailsTheSendsWithoutRetrying() {
    server.welcomer = hello -> new GatewayException(ErrorCode.UNAUTHENTICATED, "expired");
    LinkgateClient client = client(builder());
    GatewayException e = failureOf(client.send("user:bob", bytes("x")));
    assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
    assertThat(server.hellos).hasSize(1);
  }

  @Test
  void closingFailsUnansweredSends() {
    server.uplinkHandler = (up, f) -> new CompletableFuture<>();
    LinkgateClient client = client(builder());
    var pending = client.send("user:bob", bytes("x"));
    client.close();
    assertThat(failureOf(pending).getMessage()).contains("closed");
    assertThat(failureOf(client.send("user:bob", bytes("y"))).code()).isEqualTo(ErrorCode.UNAVAILABLE);
  }
}
