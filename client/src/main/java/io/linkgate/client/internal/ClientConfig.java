package io.linkgate.client.internal;

import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.client.Backoff;
import io.linkgate.client.ConnectionStateListener;
import io.linkgate.client.Cursor;
import io.linkgate.client.PushListener;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** Everything the builder collected, validated, for the internals. */
public record ClientConfig(
    List<Endpoint> downlinks,
    List<Endpoint> uplinks,
    Supplier<String> token,
    boolean tokenRefreshable,
    String deviceId,
    Duration heartbeat,
    boolean adaptiveHeartbeat,
    Duration heartbeatMin,
    Duration heartbeatMax,
    String clientVersion,
    ClientTransportOptions transportOptions,
    PushListener pushListener,
    ConnectionStateListener stateListener,
    Backoff backoff,
    Cursor resumeFrom,
    int ackBatchSize,
    Duration ackDelay,
    int maxQueuedPushes,
    int maxPendingSends,
    int maxSendAttempts,
    Duration sendTimeout,
    Duration uplinkIdleTimeout,
    Set<String> knownTransports,
    String network,
    boolean racing,
    Duration raceStagger,
    int raceMaxInFlight,
    List<URI> dispatchUrls,
    Duration dispatchTimeout,
    List<String> transportPreference,
    Duration retryPreferredTransportAfter) {

  public ClientConfig {
    downlinks = List.copyOf(downlinks);
    uplinks = List.copyOf(uplinks);
    knownTransports = Set.copyOf(knownTransports);
    dispatchUrls = List.copyOf(dispatchUrls);
    transportPreference = List.copyOf(transportPreference);
  }
}
