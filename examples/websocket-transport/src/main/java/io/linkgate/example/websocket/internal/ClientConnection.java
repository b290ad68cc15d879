package io.linkgate.example.websocket.internal;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Welcome;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * The client side of one connection, whatever its role: sends the {@code Hello} as the first
 * message, completes {@link #welcomed} with the server's {@code Welcome} (or fails it with the
 * server's {@code Error}, or an {@link IOException}), then hands the role every frame.
 */
abstract class ClientConnection implements FrameHandler {
  private final Hello hello;
  private final MessageAssembler assembler;
  final CompletableFuture<Welcome> welcomed = new CompletableFuture<>();
  volatile CoreSession ws;
  private volatile boolean closedByUs;
  private volatile Throwable failure;

  ClientConnection(Hello hello, int maxFrameBytes) {
    this.hello = hello;
    this.assembler = new MessageAssembler(maxFrameBytes);
  }

  /** A frame after {@code Welcome}, in arrival order, one at a time. */
  abstract void onMessage(Frame frame);

  /** The connection is gone after its Welcome; {@code cause} is null for a close this side asked for. */
  abstract void onGone(Throwable cause);

  @Override
  public void onOpen(CoreSession session, Callback callback) {
    ws = session;
    callback.succeeded();
    session.sendFrame(WsProtocol.message(Frame.newBuilder().setHello(hello).build()), Callback.NOOP, false);
    session.demand();
  }

  @Override
  public void onFrame(org.eclipse.jetty.websocket.core.Frame frame, Callback callback) {
    byte op = frame.getOpCode();
    if (op == OpCode.CLOSE) {
      callback.succeeded();
      return;
    }
    // A listener that throws ends the connection, and onClosed says why.
    if (!WsProtocol.dispatch(ws, frame, this::onData, e -> failure = e, callback)) {
      return;
    }
    callback.succeeded();
    ws.demand();
  }

  private void onData(org.eclipse.jetty.websocket.core.Frame data) {
    Frame frame;
    try {
      ByteBuffer message = assembler.add(data);
      if (message == null) {
        return;
      }
      frame = FrameCodec.parseBody(message);
    } catch (GatewayException bad) {
      failure = new IOException("bad message from the server: " + bad.getMessage());
      welcomed.completeExceptionally(failure);
      ws.close(WsProtocol.closeCode(bad.code()), bad.code().name(), Callback.NOOP);
      return;
    }
    if (welcomed.isDone()) {
      onMessage(frame);
    } else if (frame.hasWelcome()) {
      welcomed.complete(frame.getWelcome());
    } else if (frame.hasError()) {
      // The server refused the Hello and closes.
      welcomed.completeExceptionally(
          new GatewayException(frame.getError().getCode(), frame.getError().getMessage()));
    } else {
      welcomed.completeExceptionally(
          new IOException("expected Welcome, the server sent " + frame.getKindCase()));
      close();
    }
  }

  @Override
  public void onError(Throwable cause, Callback callback) {
    if (failure == null) {
      failure = cause;
    }
    callback.succeeded();
  }

  @Override
  public void onClosed(CloseStatus status, Callback callback) {
    IOException cause =
        new IOException(
            "connection closed: " + status.getCode() + " " + status.getReason(), failure);
    if (welcomed.completeExceptionally(cause)) {
      callback.succeeded();
      return; // never opened: the open stage reports it
    }
    try {
      onGone(closedByUs ? null : cause);
    } finally {
      callback.succeeded();
    }
  }

  void send(Frame frame, Callback done) {
    CoreSession session = ws;
    if (session == null) {
      done.failed(new IOException("not connected"));
      return;
    }
    session.sendFrame(WsProtocol.message(frame), done, false);
  }

  /** The server's Welcome; null until it arrived. */
  public Welcome welcome() {
    return welcomed.getNow(null);
  }

  public boolean isOpen() {
    CoreSession session = ws;
    return session != null && session.isOutputOpen() && !closedByUs;
  }

  /** Closes the connection; idempotent. */
  public void close() {
    closedByUs = true;
    CoreSession session = ws;
    if (session != null) {
      session.close(CloseStatus.NORMAL, "client closed", Callback.NOOP);
    }
  }

  /** Cuts the connection at once (a handshake that took too long). */
  void abort() {
    closedByUs = true;
    CoreSession session = ws;
    if (session != null) {
      session.abort();
    }
  }
}
