package io.linkgate.client;

import io.linkgate.api.proto.Endpoint;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One change of the downlink's state, with what it concerns.
 *
 * @param state the new state
 * @param reason a human-readable why, never null; after a failed connection attempt it names each
 *     endpoint tried and why it failed
 * @param endpoint the endpoint concerned: the one connected to ({@code CONNECTED}), or the one the
 *     connection was lost from ({@code DISCONNECTED}); empty when no single endpoint is
 * @param attempt the connection attempt this is about, counted from 1 since the last connection
 *     (or {@code connect()}): the attempt that succeeded, that failed, or that comes next; 0 when
 *     not about an attempt ({@code STOPPED} by the app)
 * @param heartbeat the heartbeat interval: on {@code CONNECTED} the one the client pings at on this
 *     connection (never longer than the node granted); on other states the one the next connection
 *     starts at, which with {@link LinkgateClient.Builder#adaptiveHeartbeat} is what the client
 *     learned for its network so far
 */
public record ConnectionEvent(
    ConnectionState state,
    String reason,
    Optional<Endpoint> endpoint,
    int attempt,
    Duration heartbeat) {

  public ConnectionEvent {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(heartbeat, "heartbeat");
  }

  /** An event that says nothing about the heartbeat ({@link #heartbeat} is zero). */
  public ConnectionEvent(
      ConnectionState state, String reason, Optional<Endpoint> endpoint, int attempt) {
    this(state, reason, endpoint, attempt, Duration.ZERO);
  }

  /** The endpoint's transport name ({@code tcp}, {@code grpc}, ...), if there is an endpoint. */
  public Optional<String> transport() {
    return endpoint.map(Endpoint::getTransport);
  }
}
