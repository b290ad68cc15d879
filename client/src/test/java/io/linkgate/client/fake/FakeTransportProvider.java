package io.linkgate.client.fake;

import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.client.ClientTransport;
import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.client.ClientTransportProvider;
import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Hello;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A client transport named "fake" that connects to a {@link FakeServer} in the same JVM, found by
 * the endpoint's port. Lets tests script exactly what a server sends.
 */
public final class FakeTransportProvider implements ClientTransportProvider {
  @Override
  public String name() {
    return FakeServer.TRANSPORT;
  }

  @Override
  public boolean isAvailable() {
    return true;
  }

  @Override
  public ClientTransport create(ClientTransportOptions options) {
    return new ClientTransport() {
      @Override
      public String name() {
        return FakeServer.TRANSPORT;
      }

      @Override
      public CompletionStage<ClientDownlink> openDownlink(
          Endpoint endpoint, Hello hello, ClientDownlink.Listener listener) {
        FakeServer server = FakeServer.at(endpoint.getPort());
        if (server == null) {
          return CompletableFuture.failedFuture(new IOException("connection refused"));
        }
        return server.openDownlink(hello, listener);
      }

      @Override
      public CompletionStage<ClientUplink> openUplink(Endpoint endpoint, Hello hello) {
        FakeServer server = FakeServer.at(endpoint.getPort());
        if (server == null) {
          return CompletableFuture.failedFuture(new IOException("connection refused"));
        }
        return server.openUplink(hello);
      }

      @Override
      public void close() {}
    };
  }

}
