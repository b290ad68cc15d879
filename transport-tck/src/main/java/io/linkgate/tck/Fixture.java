package io.linkgate.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.linkgate.api.GatewayException;
import io.linkgate.api.client.ClientTransport;
import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.client.ClientTransportProvider;
import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.SendAck;
import io.linkgate.api.proto.Welcome;
import io.linkgate.api.transport.Limits;
import io.linkgate.api.transport.TransportProvider;
import io.linkgate.router.Hs256Authenticator;
import io.linkgate.router.Message;
import io.linkgate.router.Router;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * What every check works with: the shared node, the transport's client, tokens, unique names, and
 * the connections a test opened (closed after it). Tests run one at a time on it.
 */
final class Fixture implements AutoCloseable {
  private final TransportProvider serverProvider;
  private final ClientTransportProvider clientProvider;
  private final ClientTransportOptions clientOptions;
  private final RawAccess rawAccess;
  private final NodeConfig baseConfig;
  private final Duration timeout;
  private final byte[] secret = new byte[32];
  private final AtomicInteger ids = new AtomicInteger();
  private final Deque<AutoCloseable> testResources = new ArrayDeque<>();
  private final NodeStores stores;
  /** Where devices hold their downlinks. */
  private TckNode node;
  /** Where uplinks connect and the kit pushes from: {@link #node} itself, or a second node of a cluster. */
  private TckNode peer;
  private ClientTransport client;

  Fixture(
      TransportProvider serverProvider,
      ClientTransportProvider clientProvider,
      ClientTransportOptions clientOptions,
      RawAccess rawAccess,
      NodeConfig baseConfig,
      Duration timeout,
      NodeStores stores) {
    this.stores = stores;
    this.serverProvider = serverProvider;
    this.clientProvider = clientProvider;
    this.clientOptions = clientOptions;
    this.rawAccess = rawAccess;
    this.baseConfig = baseConfig;
    this.timeout = timeout;
    new SecureRandom().nextBytes(secret);
  }

  void start() throws IOException {
    assertThat(serverProvider.isAvailable())
        .as("server provider %s is available", serverProvider.name())
        .isTrue();
    assertThat(clientProvider.isAvailable())
        .as("client provider %s is available", clientProvider.name())
        .isTrue();
    assertThat(clientProvider.name())
        .as("client and server providers name the same transport")
        .isEqualTo(serverProvider.name());
    node = TckNode.start(serverProvider, baseConfig, secret, stores);
    peer = stores == null ? node : TckNode.start(serverProvider, baseConfig.withNodeId(baseConfig.nodeId() + "-peer"), secret, stores);
    client = clientProvider.create(clientOptions);
    warmUp();
  }

  /**
   * A cold JVM loads the JWT, protobuf and transport classes during its first handshakes, which on
   * a loaded machine can outlast the tight handshake timeout; pay for that once, before any test.
   */
  private void warmUp() {
    String user = "warm-up";
    new Hs256Authenticator(secret).verify(token(user));
    AssertionError last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        downlink(user, "warm-up").close();
        uplink(user, "warm-up").close();
        return;
      } catch (AssertionError e) {
        last = e;
      } finally {
        afterEach();
      }
    }
    throw new AssertionError(
        "the transport could not complete a handshake in three attempts", last);
  }

  // ---- the node, extra nodes, the client ----

  TckNode node() {
    return node;
  }

  /** The router holding the devices' downlinks. */
  Router router() {
    return node.router();
  }

  /** The node uplinks connect to: the downlinks' node, or in a cluster the other one. */
  TckNode uplinkNode() {
    return peer;
  }

  /** The router the kit pushes from: in a cluster, not the one holding the downlinks. */
  Router senderRouter() {
    return peer.router();
  }

  Limits limits() {
    return node.limits();
  }

  NodeConfig baseConfig() {
    return baseConfig;
  }

  Duration timeout() {
    return timeout;
  }

  String transportName() {
    return serverProvider.name();
  }

  /** Starts another node, stopped after the current test. */
  TckNode startNode(NodeConfig config) throws IOException {
    TckNode extra = TckNode.start(serverProvider, config, secret, stores);
    testResources.push(extra);
    return extra;
  }

  /** Another instance of the transport's client, closed after the current test. */
  ClientTransport newClient(ClientTransportOptions options) {
    ClientTransport c = clientProvider.create(options);
    testResources.push(c);
    return c;
  }

  ClientTransportOptions clientOptions() {
    return clientOptions;
  }

  // ---- names and tokens ----

  /** A user id no other test uses. */
  String user(String name) {
    return name + "-" + ids.incrementAndGet();
  }

  String room(String name) {
    return name + "-" + ids.incrementAndGet();
  }

  byte[] secret() {
    return secret;
  }

  String token(String userId) {
    return Hs256Authenticator.mint(secret, userId, Duration.ofMinutes(10));
  }

  Hello hello(String userId, String deviceId, Role role) {
    return Wire.hello(token(userId), deviceId, role, 0, 0);
  }

  Hello downlinkHello(String userId, String deviceId, long resumeFromSeq, int heartbeatMs) {
    return Wire.hello(token(userId), deviceId, Role.DOWNLINK, resumeFromSeq, heartbeatMs);
  }

  // ---- connections through the transport's client ----

  TestDownlink downlink(String userId, String deviceId) {
    return downlink(hello(userId, deviceId, Role.DOWNLINK));
  }

  TestDownlink downlink(Hello hello) {
    return downlink(client, node.endpoint(Role.DOWNLINK), hello);
  }

  TestDownlink downlink(ClientTransport via, Endpoint endpoint, Hello hello) {
    TestDownlink recorder = new TestDownlink(hello.getDeviceId() + "'s downlink", timeout);
    testResources.push(recorder::close);
    recorder.attach(
        join(
            via.openDownlink(endpoint, hello, recorder),
            "opening a downlink for " + hello.getDeviceId()));
    return recorder;
  }

  ClientUplink uplink(String userId, String deviceId) {
    return uplink(client, peer.endpoint(Role.UPLINK), hello(userId, deviceId, Role.UPLINK));
  }

  ClientUplink uplink(ClientTransport via, Endpoint endpoint, Hello hello) {
    ClientUplink up =
        join(via.openUplink(endpoint, hello), "opening an uplink for " + hello.getDeviceId());
    testResources.push(up::close);
    return up;
  }

  ClientTransport client() {
    return client;
  }

  Frame call(ClientUplink up, Frame frame) {
    return join(up.call(frame), "the uplink's answer to " + Wire.describe(frame));
  }

  SendAck send(ClientUplink up, Frame send) {
    Frame answer = call(up, send);
    if (!answer.hasSendAck()) {
      fail("expected a SendAck for %s but got %s", Wire.describe(send), Wire.describe(answer));
    }
    return answer.getSendAck();
  }

  /** Asserts {@code answer} is the empty frame that acknowledges PushAck/Subscribe/Unsubscribe. */
  static void assertEmptyAck(Frame answer, String what) {
    assertThat(answer.getKindCase())
        .as("the uplink acknowledges %s with the empty frame, got %s", what, Wire.describe(answer))
        .isEqualTo(Frame.KindCase.KIND_NOT_SET);
  }

  // ---- raw connections ----

  RawConnection raw(Role role) throws IOException {
    return raw(node, role);
  }

  RawConnection raw(TckNode on, Role role) throws IOException {
    RawConnection raw = new GuardedRawConnection(rawAccess.connect(on.endpoint(role)));
    testResources.push(raw);
    return raw;
  }

  Frame receive(RawConnection raw, String context) throws IOException {
    try {
      return raw.receive(timeout);
    } catch (TimeoutException e) {
      throw new AssertionError(
          context + ": neither a frame nor the connection's close within " + timeout, e);
    }
  }

  Welcome rawHandshake(RawConnection raw, Hello hello) throws IOException {
    raw.send(Wire.frame(hello));
    Frame f = receive(raw, "waiting for Welcome");
    if (f == null || !f.hasWelcome()) {
      fail("expected Welcome after a valid %s Hello but got %s", hello.getRole(), Wire.describe(f));
    }
    return f.getWelcome();
  }

  /** The next frame is an {@code Error} of {@code code}, after which the server closes. */
  void expectErrorThenClose(RawConnection raw, ErrorCode code, String context) throws IOException {
    Frame f = receive(raw, context);
    assertThat(Wire.isError(f, code))
        .as("%s: expected Error %s then close, got %s", context, code, Wire.describe(f))
        .isTrue();
    expectClosed(raw, context + ", after Error " + code);
  }

  void expectClosed(RawConnection raw, String context) throws IOException {
    Frame f = receive(raw, context);
    if (f != null) {
      fail("%s: expected the server to close the connection, got %s", context, Wire.describe(f));
    }
  }

  // ---- the router ----

  Push push(String userId, String payload) {
    return join(
        senderRouter()
            .push(userId, Message.of("tck", "user:" + userId, Wire.utf8(payload).toByteArray())),
        "router push to " + userId);
  }

  void awaitOffline(String userId) {
    await()
        .alias("the router forgets " + userId + "'s downlink once it closed")
        .until(() -> !join(router().isOnline(userId), "isOnline"));
  }

  /**
   * Waits until {@code room} has {@code members} local members. Downlink Subscribe has no answer,
   * so the kit publishes probe pushes (skipped by {@link TestDownlink#nextPush()}) until the router
   * counts them all.
   */
  void awaitRoomMembers(String room, int members) {
    Message probe =
        new Message(
            "tck", "room:" + room, Wire.utf8("probe"), Map.of(TestDownlink.PROBE_HEADER, "1"));
    await()
        .alias("room " + room + " reaches " + members + " members")
        .until(() -> join(router().publishToRoom(room, probe), "publishToRoom") == members);
  }

  /** Whether downlinks and uplinks are on two nodes of a cluster (see {@code clusterStores}). */
  boolean clustered() {
    return peer != node;
  }

  /**
   * In a cluster, a Subscribe sent on an uplink is applied on the downlink's node after the uplink
   * answered it; waits until a room message from the sending node reaches {@code member}. On one
   * node it returns at once: the Subscribe's answer already means the membership holds.
   */
  void awaitMembershipAcrossNodes(TestDownlink member, String room) {
    if (!clustered()) {
      return;
    }
    Message probe =
        new Message(
            "tck", "room:" + room, Wire.utf8("probe"), Map.of(TestDownlink.PROBE_HEADER, "1"));
    int before = member.probesSeen();
    await()
        .alias("room " + room + " reaches its member across the cluster")
        .until(
            () -> {
              join(senderRouter().publishToRoom(room, probe), "publishToRoom");
              return member.probesSeen() > before;
            });
  }

  /** In a cluster, waits until an Unsubscribe sent on an uplink has been applied on the downlink's node. */
  void awaitLeftAcrossNodes(String room) {
    if (clustered()) {
      awaitRoomMembers(room, 0);
    }
  }

  /**
   * Proves the node still serves others: a message from a fresh sender reaches an existing
   * downlink.
   */
  void assertStillServing(TestDownlink receiver, String receiverId) {
    String sender = user("bystander");
    ClientUplink up = uplink(sender, sender + "-phone");
    String payload = "still serving " + ids.incrementAndGet();
    send(up, Wire.send("alive-" + payload.hashCode(), "user:" + receiverId, payload));
    Push p = receiver.nextPush();
    assertThat(Wire.text(p)).as("push to a healthy downlink").isEqualTo(payload);
  }

  // ---- waiting ----

  ConditionFactory await() {
    return Awaitility.await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(10))
        .pollDelay(Duration.ZERO);
  }

  <T> T join(CompletionStage<T> stage, String what) {
    try {
      return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(what + ": not done within " + timeout, e);
    } catch (ExecutionException e) {
      throw new AssertionError(what + ": failed with " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + what, e);
    }
  }

  /** The failure of {@code stage}, which must fail within the timeout. */
  Throwable failureOf(CompletionStage<?> stage, String what) {
    try {
      Object value = stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError(what + ": expected a failure but it succeeded with " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError(
          what + ": expected a failure within " + timeout + ", still pending", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + what, e);
    }
  }

  /**
   * The {@link GatewayException} in {@code t}'s cause chain, or a failure naming what was found.
   */
  static GatewayException gatewayCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof GatewayException g) {
        return g;
      }
    }
    throw new AssertionError("expected a GatewayException, got " + t, t);
  }

  // ---- cleanup ----

  /** Closes what the current test opened, newest first. */
  void afterEach() {
    AssertionError failure = null;
    while (!testResources.isEmpty()) {
      try {
        testResources.pop().close();
      } catch (AssertionError e) {
        failure = failure == null ? e : failure;
      } catch (Exception e) {
        // A connection that is already gone may complain on close; that is not the test's concern.
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void close() {
    afterEach();
    if (client != null) {
      client.close();
    }
    if (peer != null && peer != node) {
      peer.close();
    }
    if (node != null) {
      node.close();
    }
  }
}
