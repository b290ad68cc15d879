package io.linkgate.transport.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.client.ClientTransportProvider;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.TransportProvider;
import io.linkgate.tck.RawAccess;
import io.linkgate.tck.TransportConformanceSuite;
import io.linkgate.transport.grpc.internal.GrpcRawConnection;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The gRPC transport passes the kit, with raw access through gRPC calls of plain bytes (see {@link
 * GrpcRawConnection} for how each raw operation maps); and nothing the kit's hostile clients do is
 * logged above debug, by Linkgate (Logback) or by grpc-java (java.util.logging).
 */
class GrpcConformanceTest extends TransportConformanceSuite {
  private final ErrorLogGuard errorLog = new ErrorLogGuard();

  @Override
  protected TransportProvider serverProvider() {
    return new GrpcTransportProvider();
  }

  @Override
  protected ClientTransportProvider clientProvider() {
    return new GrpcClientTransportProvider();
  }

  @Override
  protected RawAccess rawAccess() {
    return GrpcRawConnection::connect;
  }

  /**
   * Skipped for the downlink, run for the uplink. Once a call has sent its response headers (with
   * the Welcome), grpc-java can end it only with RST_STREAM CANCEL when an inbound message is over
   * the size limit: the client sees CANCELLED, never the reason. The message is still refused from
   * its length alone, before its body is buffered, and the session ends (see {@code
   * DownlinkCallTest}); before the Welcome, and on every uplink call, the client gets
   * RESOURCE_EXHAUSTED with the reason.
   */
  @Override
  @ParameterizedTest
  @EnumSource(
      value = Role.class,
      names = {"DOWNLINK", "UPLINK"})
  public void oversizedFrameAfterHelloIsRefused(Role role) throws IOException {
    Assumptions.assumeTrue(
        role == Role.UPLINK,
        "grpc-java resets a stream that sent headers (RST_STREAM CANCEL) on an oversized message:"
            + " the reason cannot reach the client");
    super.oversizedFrameAfterHelloIsRefused(role);
  }

  @AfterAll
  void nothingWasLoggedAsWarningOrError() {
    errorLog.detach();
    assertThat(errorLog.errors()).as("warnings and errors logged while running the kit").isEmpty();
  }
}
