package io.linkgate.api.transport;

import io.linkgate.api.proto.Hello;
import java.util.concurrent.CompletionStage;

/**
 * What the core (the router) offers transports. Transports call it after reading a {@code Hello};
 * the stages complete on any thread and never block the caller.
 */
public interface SessionHandler {
  /**
   * Authenticates a downlink and attaches {@code channel} to the user's sessions.
   *
   * <p>Before the stage completes, the handler has sent {@code Welcome} as the channel's first frame,
   * followed by any replayed pushes; live pushes follow in seq order. If the stage fails (with a
   * {@link io.linkgate.api.GatewayException}) nothing was sent: the transport sends the exception's
   * {@code Error} frame and closes. If the connection dies before the stage completes, the transport
   * calls {@link DownlinkSession#onClosed()} once it does.
   */
  CompletionStage<DownlinkSession> openDownlink(
      Hello hello, ConnectionInfo info, DownlinkChannel channel);

  /**
   * Authenticates an uplink. The transport sends the session's {@link UplinkSession#welcome()}
   * (where its protocol has a handshake) and then hands it every frame the client sends.
   */
  CompletionStage<UplinkSession> openUplink(Hello hello, ConnectionInfo info);

  /**
   * Where the transport named {@code transport} reports what it sees (pushes written, slow
   * consumers, heartbeat timeouts, errors) for the node's metrics. A transport calls this once, when
   * it is created or started, and keeps the answer. The default listens to nothing.
   */
  default TransportEvents events(String transport) {
    return TransportEvents.NONE;
  }
}
