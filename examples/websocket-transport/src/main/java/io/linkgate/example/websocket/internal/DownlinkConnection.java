package io.linkgate.example.websocket.internal;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.Frames;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.DownlinkSession;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One downlink: opens the session with the core (which writes {@code Welcome} into the channel
 * itself), answers {@code Ping} with {@code Pong}, hands other frames to the session, and closes a
 * connection silent past its heartbeat window with {@code Error TIMEOUT}.
 */
final class DownlinkConnection extends ServerConnection {
  private static final Logger log = LoggerFactory.getLogger(DownlinkConnection.class);

  private WsDownlinkChannel channel;
  private volatile DownlinkSession session;
  private int inFlight; // guarded by this

  DownlinkConnection(ServerContext cx, String remote, String bearer) {
    super(cx, Role.DOWNLINK, remote, bearer);
  }

  @Override
  public void onOpen(CoreSession ws, Callback callback) {
    channel = new WsDownlinkChannel(this, cx.limits().outboundQueueBytes(), cx.executor());
    super.onOpen(ws, callback);
  }

  @Override
  protected void open(Hello hello, ConnectionInfo info) {
    guarded(() -> cx.core().openDownlink(hello, info, channel))
        .whenComplete((s, t) -> sessionOpened(s, t, info.heartbeatMs()));
  }

  private void sessionOpened(DownlinkSession s, Throwable failure, int grantedMs) {
    if (!sessionReady(s, failure, () -> s.onClosed())) {
      return;
    }
    session = s;
    long windowMs = cx.limits().heartbeatTimeout(grantedMs).toMillis();
    watchActivity(windowMs, () -> heartbeatMissed(windowMs, grantedMs));
    opened();
  }

  @Override
  protected void onMessage(Frame frame) {
    if (frame.hasPing()) {
      channel.send(EncodedFrame.of(Frames.pong(frame.getPing().getNonce())));
      return;
    }
    synchronized (this) {
      inFlight++;
    }
    guarded(() -> session.onFrame(frame))
        .whenComplete(
            (reply, t) -> {
              Frame toSend = t != null ? GatewayException.from(t).toFrame() : reply;
              if (toSend != null && !Frames.isUnknownKind(toSend)) {
                channel.send(EncodedFrame.of(toSend));
              }
              synchronized (this) {
                inFlight--;
              }
              demandIfWanted();
            });
  }

  @Override
  protected boolean readAllowed() {
    return inFlight < cx.options().maxInFlight();
  }

  @Override
  protected void close(Frame last) {
    channel.close(last);
  }

  private void heartbeatMissed(long windowMs, int grantedMs) {
    log.debug("downlink {}: heartbeat missed", remote);
    close(
        Frames.error(
            ErrorCode.TIMEOUT, "no frame for " + windowMs + " ms (heartbeat " + grantedMs + " ms)"));
  }

  @Override
  protected void gone() {
    channel.onGone();
  }
}
