package io.linkgate.example.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.client.ClientTransportProvider;
import io.linkgate.api.transport.TransportProvider;
import io.linkgate.tck.RawAccess;
import io.linkgate.tck.TransportConformanceSuite;
import org.junit.jupiter.api.AfterAll;

/**
 * The WebSocket transport passes the whole kit, unchanged: its own client for normal traffic, a
 * hand-written RFC 6455 socket for what only the wire can express; and nothing the kit's hostile
 * clients do is logged at ERROR.
 */
class WebSocketConformanceTest extends TransportConformanceSuite {
  private final ErrorLogGuard errorLog = new ErrorLogGuard();

  @Override
  protected TransportProvider serverProvider() {
    return new WebSocketTransportProvider();
  }

  @Override
  protected ClientTransportProvider clientProvider() {
    return new WebSocketClientTransportProvider();
  }

  @Override
  protected RawAccess rawAccess() {
    return RawWebSocket::connect;
  }

  @AfterAll
  void nothingWasLoggedAtError() {
    errorLog.detach();
    assertThat(errorLog.errors()).as("ERROR log events while running the kit").isEmpty();
  }
}
