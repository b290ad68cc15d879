package io.linkgate.transport.tunnel;

import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Welcome;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.UplinkSession;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/** The router, counting the uplink sessions the tunnel closes (one per POST). */
class ClosingCounter extends ForwardingSessionHandler {
  private final AtomicInteger closed;

  ClosingCounter(SessionHandler core, AtomicInteger closed) {
    super(core);
    this.closed = closed;
  }

  @Override
  public CompletionStage<UplinkSession> openUplink(Hello hello, ConnectionInfo info) {
    return core.openUplink(hello, info)
        .thenApply(
            session ->
                new UplinkSession() {
                  @Override
                  public Welcome welcome() {
                    return session.welcome();
                  }

                  @Override
                  public CompletionStage<Frame> handle(Frame frame) {
                    return session.handle(frame);
                  }

                  @Override
                  public void onClosed() {
                    session.onClosed();
                    closed.incrementAndGet();
                  }
                });
  }
}
