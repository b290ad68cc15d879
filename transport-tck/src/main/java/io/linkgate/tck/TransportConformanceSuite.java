package io.linkgate.tck;

import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.client.ClientTransportProvider;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.TransportProvider;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conformance suite every Linkgate transport passes: handshake, auth, heartbeats, send and
 * push, resume, idempotency, rooms, bad input, slow consumers, send rate limits and lifecycle, all
 * against a real in-memory router and the transport's own server and client sides over loopback.
 *
 * <p>How a transport author uses it: add {@code io.linkgate:linkgate-transport-tck} as a test
 * dependency, then write one test class
 *
 * <pre>{@code
 * class MyTransportConformanceTest extends TransportConformanceSuite {
 *   protected TransportProvider serverProvider() { return new MyTransportProvider(); }
 *   protected ClientTransportProvider clientProvider() { return new MyClientTransportProvider(); }
 *   protected RawAccess rawAccess() { return endpoint -> new MyRawConnection(endpoint); }
 * }
 * }</pre>
 *
 * The kit builds a Guice injector from {@code serverProvider().module()}, takes the factories the
 * module registered under the provider's name, and starts both roles on 127.0.0.1, port 0, with
 * tight limits (see {@link #serverOptions} and {@link #clientOptions} for transport-specific
 * settings). Normal traffic goes through the client provider; {@link RawAccess} covers what only
 * the wire can express. A raw operation the transport cannot perform may throw {@link
 * UnsupportedOperationException}: that test is reported as skipped. A transport that by design
 * cannot meet one behaviour overrides that test method with {@code @Disabled("why")}, so the gap
 * stays visible. Tests run one at a time, each with its own user ids, on one shared node (tests of
 * drain, shutdown and other timers start their own).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
public abstract class TransportConformanceSuite {
  private Fixture fx;
  private HandshakeChecks handshake;
  private HeartbeatChecks heartbeat;
  private DeliveryChecks delivery;
  private ResumeChecks resume;
  private RoomChecks rooms;
  private AbuseChecks abuse;
  private RateLimitChecks rateLimit;
  private LifecycleChecks lifecycle;

  /** The server side of the transport under test. */
  protected abstract TransportProvider serverProvider();

  /** The client side of the same transport. */
  protected abstract ClientTransportProvider clientProvider();

  /** Wire-level access for oversized frames, garbage, silence and a client that stops reading. */
  protected abstract RawAccess rawAccess();

  /** Transport-specific server options for {@code role}; none by default. */
  protected Map<String, String> serverOptions(Role role) {
    return Map.of();
  }

  /**
   * Options for the transport's client; the defaults with a connect timeout of {@link #timeout()}.
   */
  protected ClientTransportOptions clientOptions() {
    ClientTransportOptions d = ClientTransportOptions.defaults();
    return new ClientTransportOptions(
        d.maxFrameBytes(), timeout(), Optional.empty(), false, Map.of());
  }

  /**
   * Stores shared by the nodes of a cluster; null (the default) runs the kit on one node with its
   * own in-memory store. Given stores, the kit runs every check across two nodes: devices hold their
   * downlinks on one, uplinks and the kit's pushes go to the other, so every message crosses the
   * shared store.
   */
  protected NodeStores clusterStores() {
    return null;
  }

  /** How long any one expected event may take. */
  protected Duration timeout() {
    return Duration.ofSeconds(5);
  }

  @BeforeAll
  final void startNode() throws IOException {
    NodeConfig config =
        new NodeConfig(
            "tck-node",
            NodeConfig.testLimits(),
            NodeConfig.TEST_INBOX_CAPACITY,
            1,
            this::serverOptions);
    fx =
        new Fixture(
            serverProvider(), clientProvider(), clientOptions(), rawAccess(), config, timeout(), clusterStores());
    fx.start();
    handshake = new HandshakeChecks(fx);
    heartbeat = new HeartbeatChecks(fx);
    delivery = new DeliveryChecks(fx);
    resume = new ResumeChecks(fx);
    rooms = new RoomChecks(fx);
    abuse = new AbuseChecks(fx);
    rateLimit = new RateLimitChecks(fx);
    lifecycle = new LifecycleChecks(fx);
  }

  @AfterEach
  final void closeTestConnections() {
    fx.afterEach();
  }

  @AfterAll
  final void stopNode() {
    if (fx != null) {
      fx.close();
    }
  }

  static Stream<Arguments> badTokensOnBothRoles() {
    return Stream.of(BadToken.values())
        .flatMap(t -> Stream.of(Arguments.of(t, Role.DOWNLINK), Arguments.of(t, Role.UPLINK)));
  }

  // ---- handshake ----

  @ParameterizedTest
  @EnumSource(
      value = Role.class,
      names = {"DOWNLINK", "UPLINK"})
  public void welcomeCarriesTheIdentityFromTheToken(Role role) {
    handshake.welcomeCarriesTheIdentityFromTheToken(role);
  }

  @Test
  public void devicesOfOneUserGetDistinctSessionsInOneEpoch() {
    handshake.devicesOfOneUserGetDistinctSessionsInOneEpoch();
  }

  @Test
  public void grantedHeartbeatIsClampedToTheBounds() {
    handshake.grantedHeartbeatIsClampedToTheBounds();
  }

  @ParameterizedTest(name = "{0} token on the {1}")
  @MethodSource("badTokensOnBothRoles")
  public void badTokenIsRefusedWithUnauthenticated(BadToken token, Role role) {
    handshake.badTokenIsRefusedWithUnauthenticated(token, role);
  }

  @ParameterizedTest
  @EnumSource(
      value = Role.class,
      names = {"DOWNLINK", "UPLINK"})
  public void refusedHelloClosesTheConnection(Role role) throws IOException {
    handshake.refusedHelloClosesTheConnection(role);
  }

  @ParameterizedTest
  @EnumSource(
      value = Role.class,
      names = {"DOWNLINK", "UPLINK"})
  public void connectionWithoutHelloIsClosedAfterTheHandshakeTimeout(Role role) throws IOException {
    handshake.connectionWithoutHelloIsClosedAfterTheHandshakeTimeout(role);
  }

  @ParameterizedTest
  @EnumSource(
      value = Role.class,
      names = {"DOWNLINK", "UPLINK"})
  public void aHelloTrickledByteByByteIsCutAtTheHandshakeDeadline(Role role) throws IOException {
    handshake.aHelloTrickledByteByByteIsCutAtTheHandshakeDeadline(role);
  }

  @ParameterizedTest
  @EnumSource(
      value = Role.class,
      names = {"DOWNLINK", "UPLINK"})
  public void firstFrameOtherThanHelloIsRefused(Role role) throws IOException {
    handshake.firstFrameOtherThanHelloIsRefused(role);
  }

  // ---- heartbeat ----

  @Test
  public void pingIsAnsweredWithPongOfTheSameNonce() {
    heartbeat.pingIsAnsweredWithPongOfTheSameNonce();
  }

  @Test
  public void pingingDownlinkOutlivesTheMissWindow() {
    heartbeat.pingingDownlinkOutlivesTheMissWindow();
  }

  @Test
  public void silentDownlinkIsClosedAfterTheMissWindow() throws IOException {
    heartbeat.silentDownlinkIsClosedAfterTheMissWindow();
  }

  // ---- send and push ----

  @Test
  public void sendIsAckedAndPushedFromTheAuthenticatedSender() {
    delivery.sendIsAckedAndPushedFromTheAuthenticatedSender();
  }

  @Test
  public void pushesArriveInSeqOrderAcrossManyMessages() {
    delivery.pushesArriveInSeqOrderAcrossManyMessages();
  }

  @Test
  public void uplinkAnswersPipelinedFramesInOrder() {
    delivery.uplinkAnswersPipelinedFramesInOrder();
  }

  @Test
  public void resendWithTheSameClientMsgIdIsDeliveredOnce() {
    delivery.resendWithTheSameClientMsgIdIsDeliveredOnce();
  }

  @Test
  public void downlinkPushAckIsRecorded() {
    delivery.downlinkPushAckIsRecorded();
  }

  @Test
  public void uplinkAndDownlinkOfOneDeviceWorkTogether() {
    delivery.uplinkAndDownlinkOfOneDeviceWorkTogether();
  }

  @Test
  public void framesThatMakeNoSenseForTheRoleGetAnError() {
    delivery.framesThatMakeNoSenseForTheRoleGetAnError();
  }

  @Test
  public void unknownFrameKindGetsBadFrame() {
    delivery.unknownFrameKindGetsBadFrame();
  }

  // ---- resume ----

  @Test
  public void resumeReplaysExactlyTheMissedPushesOnceInOrder() {
    resume.resumeReplaysExactlyTheMissedPushesOnceInOrder();
  }

  @Test
  public void aBacklogLargerThanTheOutboundBoundIsReplayedInFullToAReadingClient() {
    resume.aBacklogLargerThanTheOutboundBoundIsReplayedInFullToAReadingClient();
  }

  @Test
  public void resumeBeyondTheInboxSaysResumedFalse() {
    resume.resumeBeyondTheInboxSaysResumedFalse();
  }

  // ---- rooms ----

  @Test
  public void roomMessageReachesEveryMemberWithSeqZero() {
    rooms.roomMessageReachesEveryMemberWithSeqZero();
  }

  @Test
  public void subscriptionsOnTheUplinkApplyToTheSameDevicesDownlink() {
    rooms.subscriptionsOnTheUplinkApplyToTheSameDevicesDownlink();
  }

  // ---- bad input and slow consumers ----

  @ParameterizedTest
  @EnumSource(
      value = Role.class,
      names = {"DOWNLINK", "UPLINK"})
  public void oversizedFrameAfterHelloIsRefused(Role role) throws IOException {
    abuse.oversizedFrameIsRefused(role, true);
  }

  @ParameterizedTest
  @EnumSource(
      value = Role.class,
      names = {"DOWNLINK", "UPLINK"})
  public void oversizedFrameInsteadOfHelloIsRefused(Role role) throws IOException {
    abuse.oversizedFrameIsRefused(role, false);
  }

  @ParameterizedTest
  @EnumSource(
      value = Role.class,
      names = {"DOWNLINK", "UPLINK"})
  public void garbageAfterHelloIsRefused(Role role) throws IOException {
    abuse.garbageIsRefused(role, true);
  }

  @ParameterizedTest
  @EnumSource(
      value = Role.class,
      names = {"DOWNLINK", "UPLINK"})
  public void garbageInsteadOfHelloIsRefused(Role role) throws IOException {
    abuse.garbageIsRefused(role, false);
  }

  @Test
  public void slowConsumerIsDisconnectedWithMemoryBounded() throws IOException {
    abuse.slowConsumerIsDisconnectedWithMemoryBounded();
  }

  @Test
  public void sendsPastTheUserRateAreRefusedWithAHintAndNotDelivered() throws IOException {
    rateLimit.sendsPastTheUserRateAreRefusedWithAHintAndNotDelivered();
  }

  // ---- lifecycle ----

  @Test
  public void endpointsNameTheBoundPorts() {
    lifecycle.endpointsNameTheBoundPorts();
  }

  @Test
  public void everyConfiguredPortServes() throws IOException {
    lifecycle.everyConfiguredPortServes();
  }

  @Test
  public void drainSendsGoAwayThenCloses() throws IOException {
    lifecycle.drainSendsGoAwayThenCloses();
  }

  @Test
  public void stopAcceptingRefusesNewConnectionsAndKeepsOpenOnes() throws IOException {
    lifecycle.stopAcceptingRefusesNewConnectionsAndKeepsOpenOnes();
  }

  @Test
  public void shutdownClosesOpenConnections() throws IOException {
    lifecycle.shutdownClosesOpenConnections();
  }

  @Test
  public void idleUplinkIsClosedAndBusyOneIsNot() throws IOException {
    lifecycle.idleUplinkIsClosedAndBusyOneIsNot();
  }
}
