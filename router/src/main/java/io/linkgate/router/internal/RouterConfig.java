package io.linkgate.router.internal;

import io.linkgate.api.auth.Authenticator;
import io.linkgate.router.BusinessHandler;
import io.linkgate.router.store.RouterStore;
import java.time.Clock;
import java.time.Duration;

/**
 * Everything a router is built from, validated by {@code Router.Builder}.
 *
 * @param businessHandler null for the default handling of {@code Send}
 * @param ownsStore whether closing the router closes the store (true for the default store)
 * @param sendsPerSecond sends one user may make per second on this node, 0 for no limit
 * @param sendBurst sends one user may make at once before the rate applies
 * @param sessionsPerAddress sessions one remote address may hold at once on this node, 0 for no limit
 * @param handshakesPerSecondPerAddress handshakes one remote address may start per second, 0 for no limit
 */
public record RouterConfig(
    String nodeId,
    Authenticator authenticator,
    RouterStore store,
    boolean ownsStore,
    Clock clock,
    BusinessHandler businessHandler,
    long dedupCapacity,
    Duration dedupTtl,
    long sessionCacheSize,
    Duration sessionCacheTtl,
    int maxDevicesPerUser,
    int maxRoomsPerSession,
    int maxFrameBytes,
    io.linkgate.router.RouterEvents events,
    double sendsPerSecond,
    int sendBurst,
    int sessionsPerAddress,
    double handshakesPerSecondPerAddress) {}
