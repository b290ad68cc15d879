package io.linkgate.transport.tunnel.internal.client;

import io.linkgate.api.client.ClientTransportOptions;
import java.net.http.HttpClient;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the connections of one client transport share.
 *
 * @param http the JDK client, HTTP/1.1, with the proxy and TLS settings
 * @param timers stall checks, deadlines and retry delays
 * @param options the settings every client transport understands
 * @param settings the tunnel's own
 * @param links the open connections, closed with the transport
 * @param fallbacks endpoints whose stream did not get through lately (auto mode)
 */
record ClientContext(
    HttpClient http,
    ScheduledExecutorService timers,
    ClientTransportOptions options,
    ClientSettings settings,
    OpenLinks links,
    StreamFallbacks fallbacks) {}
