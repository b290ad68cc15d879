package io.linkgate.transport.tcp;

import com.google.inject.Module;
import io.linkgate.api.transport.TransportProvider;
import io.linkgate.transport.tcp.internal.TcpModule;

/**
 * The server side of the TCP transport, named {@code tcp}: downlinks and uplinks over
 * length-prefixed frames on Netty (native epoll where available).
 *
 * <p>Options ({@code TransportSettings.options}): {@code threads} (event-loop threads of the role;
 * default: the number of cores for downlinks, half of it for uplinks), {@code epoll} ({@code false}
 * forces NIO), {@code maxInFlight} (client frames waiting on the core before reading pauses,
 * default 256), {@code closeGraceMs} (how long a closing connection may take to deliver its last
 * frame, default 2000).
 */
public final class TcpTransportProvider implements TransportProvider {
  public TcpTransportProvider() {}

  @Override
  public String name() {
    return TcpModule.NAME;
  }

  /** Always true where Netty loads: NIO needs nothing native. */
  @Override
  public boolean isAvailable() {
    try {
      Class.forName("io.netty.channel.Channel", false, TcpTransportProvider.class.getClassLoader());
      return true;
    } catch (Throwable t) {
      return false;
    }
  }

  @Override
  public Module module() {
    return new TcpModule();
  }
}
