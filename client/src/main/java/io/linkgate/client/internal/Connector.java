package io.linkgate.client.internal;

import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Hello;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Chooses which endpoint a connection goes to and opens it: {@link RacingConnector} races the
 * candidates, {@link SequentialConnector} tries them one by one. Callers hand it the candidates in
 * preference order and get back one open, welcomed connection or a failure.
 *
 * <p>Contract for implementations: at most one connection per call ever reaches the listener (a
 * racing implementation closes the losers without forwarding their frames); a refusal of the token
 * ({@code GatewayException} UNAUTHENTICATED or FORBIDDEN) fails the call at once instead of trying
 * the other endpoints; otherwise the call fails only when every candidate failed.
 */
public interface Connector extends AutoCloseable {
  CompletionStage<Opened<ClientDownlink>> openDownlink(
      List<Endpoint> candidates, Hello hello, ClientDownlink.Listener listener);

  CompletionStage<Opened<ClientUplink>> openUplink(List<Endpoint> candidates, Hello hello);

  /** Releases the transports; connections still open are closed. */
  @Override
  void close();

  /** An open connection and the endpoint it went to. */
  record Opened<T>(T link, Endpoint endpoint) {}
}
