package io.linkgate.transport.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.client.ClientTransportProvider;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.TransportProvider;
import io.linkgate.tck.RawAccess;
import io.linkgate.tck.TransportConformanceSuite;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The kit again, with the tunnel's client long-polling its downlinks: every downlink check
 * (delivery, order, acks, resume, paced replay, rooms, drain, heartbeats) holds over polls too.
 *
 * <p>The wire-level checks are the same bytes as in {@link HttpTunnelConformanceTest} (the raw
 * connection speaks the streamed downlink and the uplink; the mode is the client's choice), so they
 * are not run twice.
 */
class HttpTunnelPollConformanceTest extends TransportConformanceSuite {
  private static final String SAME_AS_STREAM =
      "wire-level check, independent of the client's mode: run by HttpTunnelConformanceTest";

  private final ErrorLogGuard errorLog = new ErrorLogGuard();

  @Override
  protected TransportProvider serverProvider() {
    return new HttpTunnelTransportProvider();
  }

  @Override
  protected ClientTransportProvider clientProvider() {
    return new HttpTunnelClientTransportProvider();
  }

  @Override
  protected RawAccess rawAccess() {
    return RawHttpConnection::connect;
  }

  @Override
  protected ClientTransportOptions clientOptions() {
    ClientTransportOptions d = super.clientOptions();
    return new ClientTransportOptions(
        d.maxFrameBytes(), d.connectTimeout(), Optional.empty(), false, Map.of("mode", "poll"));
  }

  @AfterAll
  void nothingWasLoggedAtError() {
    errorLog.detach();
    assertThat(errorLog.errors()).as("ERROR log events while running the kit").isEmpty();
  }

  @Override
  @Test
  @Disabled(
      "an HTTP uplink is stateless between requests: it learns of a shutdown on its next call")
  public void shutdownClosesOpenConnections() {}

  @Override
  @ParameterizedTest
  @EnumSource(
      value = Role.class,
      names = {"DOWNLINK", "UPLINK"})
  @Disabled(SAME_AS_STREAM)
  public void refusedHelloClosesTheConnection(Role role) {}

  @Override
  @ParameterizedTest
  @EnumSource(
      value = Role.class,
      names = {"DOWNLINK", "UPLINK"})
  @Disabled(SAME_AS_STREAM)
  public void connectionWithoutHelloIsClosedAfterTheHandshakeTimeout(Role role) {}

  @Override
  @ParameterizedTest
  @EnumSource(
      value = Role.class,
      names = {"DOWNLINK", "UPLINK"})
  @Disabled(SAME_AS_STREAM)
  public void firstFrameOtherThanHelloIsRefused(Role role) {}

  @Override
  @Test
  @Disabled(SAME_AS_STREAM)
  public void silentDownlinkIsClosedAfterTheMissWindow() {}

  @Override
  @ParameterizedTest
  @EnumSource(
      value = Role.class,
      names = {"DOWNLINK", "UPLINK"})
  @Disabled(SAME_AS_STREAM)
  public void oversizedFrameAfterHelloIsRefused(Role role) {}

  @Override
  @ParameterizedTest
  @EnumSource(
      value = Role.class,
      names = {"DOWNLINK", "UPLINK"})
  @Disabled(SAME_AS_STREAM)
  public void oversizedFrameInsteadOfHelloIsRefused(Role role) {}

  @Override
  @ParameterizedTest
  @EnumSource(
      value = Role.class,
      names = {"DOWNLINK", "UPLINK"})
  @Disabled(SAME_AS_STREAM)
  public void garbageAfterHelloIsRefused(Role role) {}

  @Override
  @ParameterizedTest
  @EnumSource(
      value = Role.class,
      names = {"DOWNLINK", "UPLINK"})
  @Disabled(SAME_AS_STREAM)
  public void garbageInsteadOfHelloIsRefused(Role role) {}

  @Override
  @Test
  @Disabled(SAME_AS_STREAM)
  public void slowConsumerIsDisconnectedWithMemoryBounded() {}

  @Override
  @Test
  @Disabled(SAME_AS_STREAM + " (its client half, a busy uplink, is mode-independent too)")
  public void idleUplinkIsClosedAndBusyOneIsNot() {}
}
