package io.linkgate.transport.tcp;

import io.linkgate.api.client.ClientTransport;
import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.client.ClientTransportProvider;
import io.linkgate.transport.tcp.internal.TcpClientTransport;

/**
 * The client side of the TCP transport, named {@code tcp}.
 *
 * <p>Options ({@code ClientTransportOptions.options}): {@code threads} (default 1), {@code epoll}
 * ({@code false} forces NIO), {@code trustCertificates} (a PEM file of certificates to trust
 * instead of the JDK's defaults). An HTTP proxy in the options is not used: plain TCP goes direct.
 *
 * <p>Listener callbacks and the completion of open and call stages run on the transport's event
 * loop: never block there (waiting on another stage of the same transport would wait forever).
 */
public final class TcpClientTransportProvider implements ClientTransportProvider {
  public TcpClientTransportProvider() {}

  @Override
  public String name() {
    return "tcp";
  }

  @Override
  public boolean isAvailable() {
    try {
      Class.forName(
          "io.netty.channel.Channel", false, TcpClientTransportProvider.class.getClassLoader());
      return true;
    } catch (Throwable t) {
      return false;
    }
  }

  @Override
  public ClientTransport create(ClientTransportOptions options) {
    return new TcpClientTransport(options);
  }
}
