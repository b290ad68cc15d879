package io.linkgate.example.websocket.internal;

import io.linkgate.api.Frames;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.UplinkSession;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One uplink: opens the session, writes its {@code Welcome}, then answers pipelined frames strictly
 * in the order they arrived, however their stages complete.
 *
 * <p>Backpressure instead of buffering: with {@code max-in-flight} frames unanswered, or with more
 * than the outbound bound of answers the client has not taken, reading stops until answers drain.
 * A connection with nothing read and nothing pending for the idle timeout is closed; that is the
 * normal end of a short uplink connection.
 */
final class UplinkConnection extends ServerConnection {
  private static final Logger log = LoggerFactory.getLogger(UplinkConnection.class);

  /** One frame's place in the answer order. */
  private static final class Answer {
    Frame frame; // null until the stage completes; guarded by the connection
  }

  private final ArrayDeque<Answer> answers = new ArrayDeque<>(8); // guarded by this
  private final AtomicLong unwrittenBytes = new AtomicLong();
  private volatile UplinkSession session;
  private boolean closeRequested; // guarded by this
  private Frame lastFrame; // guarded by this
  private boolean closeSent; // guarded by this

  UplinkConnection(ServerContext cx, String remote, String bearer) {
    super(cx, Role.UPLINK, remote, bearer);
  }

  @Override
  protected void open(Hello hello, ConnectionInfo info) {
    guarded(() -> cx.core().openUplink(hello, info)).whenComplete(this::sessionOpened);
  }

  private void sessionOpened(UplinkSession s, Throwable failure) {
    if (!sessionReady(s, failure, () -> s.onClosed())) {
      return;
    }
    session = s;
    synchronized (this) {
      if (!closeRequested) {
        writeAnswer(Frame.newBuilder().setWelcome(s.welcome()).build());
      }
    }
    watchActivity(cx.limits().uplinkIdleTimeout().toMillis(), this::idleReached);
    opened();
  }

  @Override
  protected void onMessage(Frame frame) {
    Answer answer = new Answer();
    synchronized (this) {
      if (closeRequested) {
        return;
      }
      answers.add(answer);
    }
    guarded(() -> session.handle(frame))
        .whenComplete(
            (reply, t) -> {
              Frame result =
                  t != null
                      ? GatewayException.from(t).toFrame()
                      : reply != null ? reply : Frames.error(ErrorCode.INTERNAL, "no answer");
              synchronized (this) {
                answer.frame = result;
              }
              writeReadyAnswers();
            });
  }

  /**
   * Writes answers from the head of the order as long as they are complete; once a close was asked
   * for and every answer owed is out, the last frame and the close. Writes happen under the lock so
   * that two completing stages cannot swap their answers on the wire.
   */
  private void writeReadyAnswers() {
    boolean closeNow = false;
    Frame last;
    synchronized (this) {
      if (isClosed()) {
        return;
      }
      while (!answers.isEmpty() && answers.peek().frame != null) {
        writeAnswer(answers.poll().frame);
      }
      last = lastFrame;
      if (closeRequested && !closeSent && answers.isEmpty()) {
        closeSent = true;
        closeNow = true;
        if (last != null) {
          writeAnswer(last);
        }
      }
    }
    if (closeNow) {
      closeSocket(last);
    } else {
      demandIfWanted();
    }
  }

  /** Holding the lock. The empty frame (an acknowledgement) is the empty message. */
  private void writeAnswer(Frame frame) {
    int size = frame.getSerializedSize();
    unwrittenBytes.addAndGet(size);
    write(WsProtocol.message(frame), Callback.from(() -> written(size), t -> written(size)));
  }

  private void written(int size) {
    long bound = cx.limits().outboundQueueBytes();
    long before = unwrittenBytes.getAndAdd(-size);
    if (before >= bound && before - size < bound) {
      // Reading stopped for answers the client had not taken; not here, inside a write completion.
      cx.executor().execute(this::demandIfWanted);
    }
  }

  @Override
  protected boolean readAllowed() {
    return answers.size() < cx.options().maxInFlight()
        && unwrittenBytes.get() < cx.limits().outboundQueueBytes();
  }

  private void idleReached() {
    synchronized (this) {
      if (!answers.isEmpty()) {
        restartActivityTimer(); // still working on what the client asked: not idle
        return;
      }
    }
    log.debug("uplink {}: idle, closing", remote);
    close(null);
  }

  /** The last frame takes its place after the answers still owed, so earlier frames keep theirs. */
  @Override
  protected void close(Frame last) {
    synchronized (this) {
      if (closeRequested) {
        return;
      }
      closeRequested = true;
      lastFrame = last;
    }
    if (markClosing()) {
      writeReadyAnswers();
    }
  }

  @Override
  protected void gone() {
    synchronized (this) {
      answers.clear();
    }
  }
}
