package io.linkgate.transport.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.client.ClientTransportProvider;
import io.linkgate.api.transport.TransportProvider;
import io.linkgate.tck.RawAccess;
import io.linkgate.tck.TransportConformanceSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The HTTP tunnel passes the kit with its client streaming the downlink; and nothing the kit's
 * hostile clients do is logged at ERROR.
 */
class HttpTunnelConformanceTest extends TransportConformanceSuite {
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

  /**
   * The kit waits, without calling, for {@code ClientUplink.isOpen()} to turn false after the
   * server shut down. An HTTP uplink holds no connection state between requests (every POST stands
   * alone, possibly on a new connection), so its client learns of the shutdown on its next call,
   * not before: {@code ShutdownTest} checks that instead, with the downlink's close as here.
   */
  @Override
  @Test
  @Disabled(
      "an HTTP uplink is stateless between requests: it learns of a shutdown on its next call")
  public void shutdownClosesOpenConnections() {}

  @AfterAll
  void nothingWasLoggedAtError() {
    errorLog.detach();
    assertThat(errorLog.errors()).as("ERROR log events while running the kit").isEmpty();
  }
}
