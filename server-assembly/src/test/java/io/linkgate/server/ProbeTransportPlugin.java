package io.linkgate.server;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.DownlinkTransport;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TransportBindings;
import io.linkgate.api.transport.TransportProvider;
import io.linkgate.api.transport.TransportSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A third-party transport in miniature, which {@link DistributionIT} packs into a jar of its own and
 * drops in the distribution's {@code plugins/}: found there by ServiceLoader, named in the
 * configuration, it listens on its ports (the kernel completes connections; nothing reads them).
 * Not registered in this module's own {@code META-INF/services}.
 */
public final class ProbeTransportPlugin implements TransportProvider {
  public static final String NAME = "dist-probe";

  public ProbeTransportPlugin() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean isAvailable() {
    return true;
  }

  @Override
  public com.google.inject.Module module() {
    return binder -> TransportBindings.downlink(binder, NAME).toInstance(Listener::new);
  }

  static final class Listener implements DownlinkTransport {
    private final TransportSettings settings;
    private final List<ServerSocket> sockets = new ArrayList<>();

    Listener(TransportSettings settings, SessionHandler handler) {
      this.settings = settings;
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public synchronized void start() throws IOException {
      for (int port : settings.ports()) {
        ServerSocket s = new ServerSocket();
        sockets.add(s);
        s.bind(new InetSocketAddress(settings.host(), port));
      }
    }

    @Override
    public synchronized List<Endpoint> endpoints() {
      return sockets.stream()
          .map(s -> Endpoint.newBuilder()
              .setTransport(NAME).setRole(Role.DOWNLINK).setHost(settings.host()).setPort(s.getLocalPort()).build())
          .toList();
    }

    @Override
    public synchronized void stopAccepting() {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException e) {
          // closing: nothing to do about it
        }
      }
    }

    @Override
    public CompletionStage<Void> shutdown() {
      stopAccepting();
      return CompletableFuture.completedFuture(null);
    }
  }
}
