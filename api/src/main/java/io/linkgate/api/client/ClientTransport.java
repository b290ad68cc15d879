package io.linkgate.api.client;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Hello;
import java.util.concurrent.CompletionStage;

/**
 * Opens connections of one transport. Thread-safe; owns its threads until closed.
 *
 * <p>An open stage completes once the server's {@code Welcome} arrived. If the server answers with
 * an {@code Error}, the stage fails with a {@link io.linkgate.api.GatewayException} of that code; a
 * connection failure or timeout fails it with an {@link java.io.IOException}.
 */
public interface ClientTransport extends AutoCloseable {
  String name();

  /** Connects, sends {@code hello} (role DOWNLINK) and waits for {@code Welcome}. */
  CompletionStage<ClientDownlink> openDownlink(
      Endpoint endpoint, Hello hello, ClientDownlink.Listener listener);

  /** Connects, sends {@code hello} (role UPLINK) and waits for {@code Welcome}. */
  CompletionStage<ClientUplink> openUplink(Endpoint endpoint, Hello hello);

  /** Closes every connection this transport opened and releases its threads. */
  @Override
  void close();
}
