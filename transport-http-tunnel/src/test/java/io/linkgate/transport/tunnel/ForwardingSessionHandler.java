package io.linkgate.transport.tunnel;

import io.linkgate.api.proto.Hello;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.DownlinkChannel;
import io.linkgate.api.transport.DownlinkSession;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.UplinkSession;
import java.util.concurrent.CompletionStage;

/**
 * The router as the tunnel sees it, passed through: tests override the call they watch. Its {@code
 * events} are SessionHandler's default (none), as a test's own wrapper had them.
 */
class ForwardingSessionHandler implements SessionHandler {
  protected final SessionHandler core;

  ForwardingSessionHandler(SessionHandler core) {
    this.core = core;
  }

  @Override
  public CompletionStage<DownlinkSession> openDownlink(
      Hello hello, ConnectionInfo info, DownlinkChannel channel) {
    return core.openDownlink(hello, info, channel);
  }

  @Override
  public CompletionStage<UplinkSession> openUplink(Hello hello, ConnectionInfo info) {
    return core.openUplink(hello, info);
  }
}
