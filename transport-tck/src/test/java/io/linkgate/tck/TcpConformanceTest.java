package io.linkgate.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.client.ClientTransportProvider;
import io.linkgate.api.transport.TransportProvider;
import io.linkgate.transport.tcp.TcpClientTransportProvider;
import io.linkgate.transport.tcp.TcpTransportProvider;
import org.junit.jupiter.api.AfterAll;

/**
 * The TCP transport passes the kit; and, TCP being a Logback user here, nothing the kit's hostile
 * clients do is logged at ERROR.
 */
class TcpConformanceTest extends TransportConformanceSuite {
  private final ErrorLogGuard errorLog = new ErrorLogGuard();

  @Override
  protected TransportProvider serverProvider() {
    return new TcpTransportProvider();
  }

  @Override
  protected ClientTransportProvider clientProvider() {
    return new TcpClientTransportProvider();
  }

  @Override
  protected RawAccess rawAccess() {
    return SocketRawConnection::connect;
  }

  @AfterAll
  void nothingWasLoggedAtError() {
    errorLog.detach();
    assertThat(errorLog.errors()).as("ERROR log events while running the kit").isEmpty();
  }
}
