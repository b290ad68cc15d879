package io.linkgate.transport.tunnel.internal.client;

import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.client.ClientTransport;
import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;
import java.io.IOException;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The client side of the HTTP tunnel, on one JDK {@link HttpClient} (HTTP/1.1, the configured or
 * the JVM's proxy) and one timer thread, both made on first use and released by {@link #close()}.
 */
public final class HttpTunnelClientTransport implements ClientTransport {
  private final ClientTransportOptions options;
  private final ClientSettings settings;
  private final Object lock = new Object();
  private final OpenLinks links = new OpenLinks();
  private ClientContext ctx;
  private ScheduledThreadPoolExecutor timers;
  private boolean closed;

  public HttpTunnelClientTransport(ClientTransportOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    this.settings = ClientSettings.of(options);
  }

  @Override
  public String name() {
    return TunnelProtocol.NAME;
  }

  @Override
  public CompletionStage<ClientDownlink> openDownlink(
      Endpoint endpoint, Hello hello, ClientDownlink.Listener listener) {
    Objects.requireNonNull(listener, "listener");
    ClientContext c;
    try {
      c = context();
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    return DownlinkOpener.open(c, endpoint, withRole(hello, Role.DOWNLINK), listener);
  }

  @Override
  public CompletionStage<ClientUplink> openUplink(Endpoint endpoint, Hello hello) {
    ClientContext c;
    try {
      c = context();
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    return HttpClientUplink.open(c, endpoint, withRole(hello, Role.UPLINK));
  }

  @Override
  public void close() {
    ScheduledThreadPoolExecutor toStop;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      toStop = timers;
    }
    links.closeAll(); // closed by us: listeners see no cause
    if (toStop != null) {
      toStop.shutdownNow();
    }
  }

  private ClientContext context() throws IOException {
    synchronized (lock) {
      if (closed) {
        throw new IOException("client transport is closed");
      }
      if (ctx == null) {
        HttpClient.Builder http =
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(
                    ClientTls.context(
                        options.trustAllCertificates(), settings.trustCertificates()));
        ProxySelector proxy =
            options.proxy().map(ProxySelector::of).orElseGet(ProxySelector::getDefault);
        if (proxy != null) {
          http.proxy(proxy);
        }
        timers =
            new ScheduledThreadPoolExecutor(
                1,
                runnable -> {
                  Thread t = new Thread(runnable, "linkgate-tunnel-client-timer");
                  t.setDaemon(true);
                  return t;
                });
        timers.setRemoveOnCancelPolicy(true);
        ctx =
            new ClientContext(
                http.build(), timers, options, settings, links, new StreamFallbacks());
      }
      return ctx;
    }
  }

  private static Hello withRole(Hello hello, Role role) {
    Objects.requireNonNull(hello, "hello");
    return hello.getRole() == role ? hello : hello.toBuilder().setRole(role).build();
  }
}
