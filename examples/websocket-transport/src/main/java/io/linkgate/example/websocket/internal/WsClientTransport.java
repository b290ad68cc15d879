package io.linkgate.example.websocket.internal;

import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.client.ClientTransport;
import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.client.CoreClientUpgradeRequest;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;

/**
 * Opens WebSocket downlinks and uplinks with Jetty's websocket core client, which owns its threads
 * until {@link #close()}.
 */
public final class WsClientTransport implements ClientTransport {
  /**
   * Jetty's own idle timer is only a backstop: the node closes a silent downlink after its
   * heartbeat window and an idle uplink after its idle timeout, both far shorter.
   */
  private static final Duration BACKSTOP_IDLE = Duration.ofMinutes(15);

  private final ClientTransportOptions options;
  private final WebSocketCoreClient client;

  public WsClientTransport(ClientTransportOptions options) {
    if (options.proxy().isPresent()) {
      throw new IllegalArgumentException(
          "the websocket client does not go through an HTTP proxy; use the http-tunnel transport");
    }
    this.options = options;
    QueuedThreadPool threads = new QueuedThreadPool(64, 2);
    threads.setName("linkgate-ws-client");
    threads.setDaemon(true);
    HttpClient http = new HttpClient();
    http.setExecutor(threads);
    http.setConnectTimeout(options.connectTimeout().toMillis());
    http.setMaxConnectionsPerDestination(4096);
    this.client = new WebSocketCoreClient(http, null);
    try {
      client.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start Jetty's websocket client: " + e, e);
    }
  }

  @Override
  public String name() {
    return WsProtocol.NAME;
  }

  @Override
  public CompletionStage<ClientDownlink> openDownlink(
      Endpoint endpoint, Hello hello, ClientDownlink.Listener listener) {
    ClientDownlinkConnection c =
        new ClientDownlinkConnection(hello, options.maxFrameBytes(), listener);
    return connect(endpoint, Role.DOWNLINK, c).thenApply(w -> c);
  }

  @Override
  public CompletionStage<ClientUplink> openUplink(Endpoint endpoint, Hello hello) {
    ClientUplinkConnection c = new ClientUplinkConnection(hello, options.maxFrameBytes());
    return connect(endpoint, Role.UPLINK, c).thenApply(w -> c);
  }

  /** Connects, and completes once the Welcome arrived, all within the connect timeout. */
  private CompletableFuture<?> connect(Endpoint endpoint, Role role, ClientConnection c) {
    URI uri =
        URI.create(
            (endpoint.getTls() ? "wss://" : "ws://")
                + endpoint.getHost() + ":" + endpoint.getPort() + WsProtocol.path(role));
    long timeoutMs = options.connectTimeout().toMillis();
    CoreClientUpgradeRequest request = CoreClientUpgradeRequest.from(client, uri, c);
    request.timeout(timeoutMs, TimeUnit.MILLISECONDS);
    Configuration.ConfigurationCustomizer config = new Configuration.ConfigurationCustomizer();
    config.setAutoFragment(false); // a frame over the limit is refused from its header
    config.setMaxFrameSize(options.maxFrameBytes());
    config.setIdleTimeout(BACKSTOP_IDLE);
    request.setConfiguration(config);
    try {
      client.connect(request)
          .whenComplete(
              (session, t) -> {
                if (t != null) {
                  c.welcomed.completeExceptionally(asIoException(uri, t));
                }
              });
    } catch (IOException | RuntimeException e) {
      c.welcomed.completeExceptionally(asIoException(uri, e));
    }
    return c.welcomed
        .orTimeout(timeoutMs, TimeUnit.MILLISECONDS)
        .whenComplete(
            (w, t) -> {
              if (t != null) {
                c.abort(); // a Welcome that comes late must not leave a connection behind
              }
            })
        .exceptionallyCompose(t -> CompletableFuture.failedFuture(unwrap(uri, t)));
  }

  private static Throwable unwrap(URI uri, Throwable t) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (cause instanceof TimeoutException) {
      return new IOException("no Welcome from " + uri + " in time", cause);
    }
    return cause;
  }

  private static Throwable asIoException(URI uri, Throwable t) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    return cause instanceof IOException
        ? cause
        : new IOException("cannot open " + uri + ": " + cause.getMessage(), cause);
  }

  @Override
  public void close() {
    try {
      client.stop(); // closes every connection it opened
      client.getHttpClient().stop();
    } catch (Exception e) {
      // Stopping is best effort: the threads are daemons.
    }
  }
}
