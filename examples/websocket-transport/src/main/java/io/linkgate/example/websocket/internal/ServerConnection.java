package io.linkgate.example.websocket.internal;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.Frames;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.ConnectionInfo;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine every server connection goes through, whatever its role: wait for a valid
 * {@code Hello} within the handshake timeout, open the session with the core, then hand the role
 * every frame; on the way out, drop input, let the last frames and the close handshake through
 * within the close grace, and cut the connection if they do not make it.
 *
 * <p>Reading is demand-driven: the next WebSocket frame is asked for only when the connection can
 * take it. Nothing is read while the core opens the session, nor while the role has as much in
 * flight as it may, so a client outrunning the node waits instead of being buffered.
 */
abstract class ServerConnection implements FrameHandler {
  private static final Logger log = LoggerFactory.getLogger(ServerConnection.class);

  private enum Phase {
    AWAIT_HELLO,
    OPENING,
    OPEN,
    CLOSING,
    CLOSED
  }

  protected final ServerContext cx;
  protected final Role role;
  protected final String remote;
  private final String bearer;
  private final MessageAssembler assembler;
  protected volatile CoreSession ws;
  private Phase phase = Phase.AWAIT_HELLO; // guarded by this
  private boolean demanding; // guarded by this
  private Scheduler.Task handshakeTimer; // guarded by this
  private Runnable sessionClosed; // guarded by this: the open session's onClosed, run once
  private volatile Deadline activity;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  /**
   * @param bearer the token of an {@code Authorization: Bearer} header on the upgrade, or null;
   *     used when the Hello carries none
   */
  ServerConnection(ServerContext cx, Role role, String remote, String bearer) {
    this.cx = cx;
    this.role = role;
    this.remote = remote;
    this.bearer = bearer;
    this.assembler = new MessageAssembler(cx.limits().maxFrameBytes());
  }

  // ---- what a role adds

  /** Starts opening the session for a valid {@code hello}; calls {@link #opened()} when done. */
  protected abstract void open(Hello hello, ConnectionInfo info);

  /** A frame read after the session is open. */
  protected abstract void onMessage(Frame frame);

  /** Sends {@code last} (an Error, a GoAway, or null) after what is due, then closes. */
  protected abstract void close(Frame last);

  /** Whether the role takes another frame now; called holding this connection's lock. */
  protected abstract boolean readAllowed();

  /** The connection is gone; the session's onClosed follows. */
  protected abstract void gone();

  // ---- Jetty's callbacks

  @Override
  public void onOpen(CoreSession session, Callback callback) {
    ws = session;
    cx.open().add(this);
    long timeoutMs = cx.limits().handshakeTimeout().toMillis();
    synchronized (this) {
      handshakeTimer =
          cx.scheduler().schedule(() -> handshakeTimedOut(timeoutMs), timeoutMs, TimeUnit.MILLISECONDS);
    }
    callback.succeeded();
    demandIfWanted();
  }

  @Override
  public void onFrame(org.eclipse.jetty.websocket.core.Frame frame, Callback callback) {
    synchronized (this) {
      demanding = false;
    }
    byte op = frame.getOpCode();
    if (op == OpCode.CLOSE) {
      callback.succeeded(); // Jetty answers the close handshake itself
      return;
    }
    Deadline d = activity;
    if (d != null) {
      d.touch(); // any frame is a sign of life
    }
    if (!WsProtocol.dispatch(
        ws,
        frame,
        this::onData,
        e -> log.warn("{} {}: failed handling a frame: {}", role, remote, e.toString()),
        callback)) {
      return;
    }
    callback.succeeded(); // only now: the payload is consumed, Jetty may reuse its buffer
    demandIfWanted();
  }

  @Override
  public void onError(Throwable cause, Callback callback) {
    log.debug("{} {}: {}", role, remote, cause.toString());
    callback.succeeded();
  }

  @Override
  public void onClosed(CloseStatus status, Callback callback) {
    Runnable onSessionClosed;
    synchronized (this) {
      phase = Phase.CLOSED;
      cancelHandshakeTimer();
      onSessionClosed = sessionClosed;
      sessionClosed = null;
    }
    Deadline d = activity;
    if (d != null) {
      d.cancel();
    }
    cx.open().remove(this);
    try {
      gone();
      if (onSessionClosed != null) {
        runQuietly(onSessionClosed);
      }
    } finally {
      closed.complete(null);
      callback.succeeded();
    }
  }

  /** Completes once the connection is gone. */
  final CompletionStage<Void> closed() {
    return closed;
  }

  // ---- the shared part

  private void onData(org.eclipse.jetty.websocket.core.Frame data) {
    Phase p;
    synchronized (this) {
      p = phase;
    }
    if (p == Phase.CLOSING || p == Phase.CLOSED) {
      return; // lingering until the close handshake is through: input is dropped
    }
    Frame frame;
    try {
      ByteBuffer message = assembler.add(data);
      if (message == null) {
        return; // more fragments follow
      }
      frame = FrameCodec.parseBody(message);
    } catch (GatewayException bad) {
      log.debug("{} {}: bad message: {}", role, remote, bad.getMessage());
      close(bad.toFrame());
      return;
    }
    if (p == Phase.AWAIT_HELLO) {
      onFirstFrame(frame);
    } else {
      onMessage(frame);
    }
  }

  private void onFirstFrame(Frame frame) {
    if (!frame.hasHello()) {
      close(
          Frames.isUnknownKind(frame)
              ? Frames.error(ErrorCode.BAD_FRAME, "unknown frame kind; expected Hello")
              : Frames.error(
                  ErrorCode.INVALID_ARGUMENT,
                  "expected Hello as the first frame, got " + frame.getKindCase()));
      return;
    }
    Hello hello = frame.getHello();
    if (hello.getRole() != role) {
      close(
          Frames.error(
              ErrorCode.INVALID_ARGUMENT,
              "this path serves " + role + " connections; Hello asked for " + hello.getRole()));
      return;
    }
    if (hello.getToken().isEmpty() && bearer != null) {
      hello = hello.toBuilder().setToken(bearer).build();
    }
    synchronized (this) {
      if (phase != Phase.AWAIT_HELLO) {
        return;
      }
      phase = Phase.OPENING;
    }
    int heartbeatMs = role == Role.DOWNLINK ? cx.limits().grantHeartbeatMs(hello.getHeartbeatMs()) : 0;
    open(hello, new ConnectionInfo(WsProtocol.NAME, role, remote, false, heartbeatMs));
  }

  /**
   * Whether an open stage ended in a live session: a refusal is sent to the client, then the close;
   * a session whose connection went while it opened is closed at once.
   */
  protected final boolean sessionReady(Object session, Throwable failure, Runnable onSessionClosed) {
    if (failure != null || session == null) {
      close(refusal(failure));
      return false;
    }
    return attach(onSessionClosed);
  }

  /**
   * Ties an opened session's {@code onClosed} to this connection, so it runs exactly once: when the
   * connection goes, or now if it went while the session was opening.
   *
   * @return false if the connection is already gone
   */
  private boolean attach(Runnable onSessionClosed) {
    synchronized (this) {
      if (phase != Phase.CLOSED) {
        sessionClosed = onSessionClosed;
        return true;
      }
    }
    runQuietly(onSessionClosed);
    return false;
  }

  /**
   * Closes the connection when nothing arrives from the client for {@code timeoutMs}: the
   * heartbeat window of a downlink, the idle timeout of an uplink.
   */
  protected final void watchActivity(long timeoutMs, Runnable onSilence) {
    Deadline d = new Deadline(cx.scheduler(), timeoutMs, onSilence);
    activity = d;
    d.start();
    synchronized (this) {
      if (phase != Phase.CLOSED) {
        return;
      }
    }
    d.cancel(); // gone meanwhile
  }

  /** Restarts the activity timer (an uplink still working on what it was asked is not idle). */
  protected final void restartActivityTimer() {
    Deadline d = activity;
    if (d != null) {
      d.start();
    }
  }

  /** Calls into the core, turning a throw into a failed stage. */
  protected static <T> CompletionStage<T> guarded(Supplier<CompletionStage<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** To be called once the session is open: frames flow from now on. */
  protected final void opened() {
    synchronized (this) {
      if (phase != Phase.OPENING) {
        return;
      }
      phase = Phase.OPEN;
      cancelHandshakeTimer();
    }
    demandIfWanted();
  }

  /** Asks Jetty for the next frame, unless one is asked for already or the connection must wait. */
  protected final void demandIfWanted() {
    CoreSession session = ws;
    boolean go;
    synchronized (this) {
      go =
          !demanding
              && session != null
              && switch (phase) {
                case AWAIT_HELLO, CLOSING -> true;
                case OPEN -> readAllowed();
                default -> false;
              };
      if (go) {
        demanding = true;
      }
    }
    if (go) {
      session.demand();
    }
  }

  /**
   * Marks the connection as closing and starts the close grace, after which it is cut whatever is
   * still queued (a client that stopped reading would otherwise hold it for ever).
   *
   * @return false if it was closing already
   */
  protected final boolean markClosing() {
    synchronized (this) {
      if (phase == Phase.CLOSING || phase == Phase.CLOSED) {
        return false;
      }
      phase = Phase.CLOSING;
      cancelHandshakeTimer();
    }
    cx.scheduler()
        .schedule(
            () -> {
              CoreSession session = ws;
              if (session != null && !session.isClosed()) {
                log.debug("{} {}: close not completed in time, cutting", role, remote);
                session.abort();
              }
            },
            cx.options().closeGraceMs(),
            TimeUnit.MILLISECONDS);
    demandIfWanted(); // keep reading, to see the client's answer to the close handshake
    return true;
  }

  protected final synchronized boolean isClosed() {
    return phase == Phase.CLOSED;
  }

  /** Queues one binary message. */
  protected final void write(org.eclipse.jetty.websocket.core.Frame message, Callback done) {
    ws.sendFrame(message, done, false);
  }

  /** Starts the WebSocket close handshake after what is queued, its code saying why. */
  protected final void closeSocket(Frame last) {
    ws.close(WsProtocol.closeCode(last), WsProtocol.closeReason(last), Callback.NOOP);
  }

  protected final boolean isOutputOpen() {
    CoreSession session = ws;
    return session != null && session.isOutputOpen();
  }

  /** Why an open stage failed, as the Error the client is told. */
  private Frame refusal(Throwable failure) {
    GatewayException refusal = GatewayException.from(failure);
    if (refusal.code() == ErrorCode.INTERNAL) {
      log.warn("{} {}: opening the session failed: {}", role, remote, String.valueOf(failure));
    } else {
      log.debug("{} {}: refused: {}", role, remote, refusal.getMessage());
    }
    return refusal.toFrame();
  }

  private void runQuietly(Runnable onSessionClosed) {
    try {
      onSessionClosed.run();
    } catch (RuntimeException e) {
      log.warn("{} {}: the session failed in onClosed: {}", role, remote, e.toString());
    }
  }

  private void handshakeTimedOut(long timeoutMs) {
    Phase p;
    synchronized (this) {
      p = phase;
    }
    if (p != Phase.AWAIT_HELLO && p != Phase.OPENING) {
      return;
    }
    log.debug("{} {}: no handshake in time", role, remote);
    // The budget covers authentication too, so a stalled authenticator cannot hold half-open
    // connections; say which part ran out.
    String what =
        p == Phase.AWAIT_HELLO
            ? "no valid Hello within "
            : "handshake (Hello and authentication) not completed within ";
    close(Frames.error(ErrorCode.TIMEOUT, what + timeoutMs + " ms"));
  }

  private void cancelHandshakeTimer() {
    if (handshakeTimer != null) {
      handshakeTimer.cancel();
      handshakeTimer = null;
    }
  }
}
