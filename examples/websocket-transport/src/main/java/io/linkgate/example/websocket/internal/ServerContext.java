package io.linkgate.example.websocket.internal;

import io.linkgate.api.transport.Limits;
import io.linkgate.api.transport.SessionHandler;
import java.util.Set;
import java.util.concurrent.Executor;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * What every connection of one role's server shares.
 *
 * @param core the router
 * @param limits frame, queue and timer bounds
 * @param options this transport's options
 * @param scheduler timers (handshake, heartbeat, idle, close grace)
 * @param executor where work that must not run inside a write completion goes
 * @param open the connections open now, for shutdown
 */
record ServerContext(
    SessionHandler core,
    Limits limits,
    ServerOptions options,
    Scheduler scheduler,
    Executor executor,
    Set<ServerConnection> open) {}
