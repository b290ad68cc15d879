package io.linkgate.transport.tcp.internal;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.FrameAnswers;
import io.linkgate.api.transport.Limits;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TransportEvents;
import io.linkgate.api.transport.UplinkSession;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One uplink connection: opens the session, writes its {@code Welcome}, then answers pipelined
 * frames strictly in the order they arrived, however their stages complete.
 *
 * <p>Backpressure instead of buffering: with {@code maxInFlight} frames unanswered, or with the
 * client not reading our answers (the channel unwritable), reading stops until answers drain.
 * Frames already read past that point (at most one read's worth) wait their turn before they reach
 * the core, so the core never has more than {@code maxInFlight} of a connection's frames. A
 * connection with nothing read and nothing pending for the idle timeout is closed; that is the
 * normal end of a short uplink connection.
 */
final class UplinkHandler extends ServerConnectionHandler {
  private static final Logger log = LoggerFactory.getLogger(UplinkHandler.class);

  /** One frame's place in the answer order. */
  private static final class Answer {
    Frame frame; // null until the stage completes
  }

  private final SessionHandler core;
  private final int maxInFlight;
  private final ArrayDeque<Answer> answers = new ArrayDeque<>(8);

  /** Frames read while {@code maxInFlight} were unanswered. */
  private final ArrayDeque<Frame> waiting = new ArrayDeque<>(0);

  /**
   * Frames of the read under way, handed to the core together when it completes ({@link
   * UplinkSession#handleAll}): a client's pipelined sends to one user are stored in one go.
   */
  private List<Frame> batch = new ArrayList<>(0);

  private UplinkSession session;
  private ReadDeadline idle;
  private boolean closing;
  private boolean writing;
  private boolean inactive;

  UplinkHandler(
      SessionHandler core,
      TransportEvents events,
      Limits limits,
      long closeGraceMillis,
      int maxInFlight) {
    super(Role.UPLINK, events, limits, closeGraceMillis);
    this.core = core;
    this.maxInFlight = maxInFlight;
  }

  @Override
  protected void open(Hello hello, ConnectionInfo info) {
    CompletionStage<UplinkSession> stage;
    try {
      stage = core.openUplink(hello, info);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete((s, t) -> onLoop(() -> sessionOpened(s, t)));
  }

  private void sessionOpened(UplinkSession s, Throwable failure) {
    if (failure != null || s == null) {
      GatewayException refusal = Failures.refusal(log, ctx.channel(), failure);
      if (!inactive) {
        closeWithError(refusal.toFrame());
      }
      return;
    }
    session = s;
    if (inactive || closing) {
      if (inactive) {
        closed();
      }
      return;
    }
    ctx.writeAndFlush(FrameBufs.of(Frame.newBuilder().setWelcome(s.welcome()).build()));
    idle =
        new ReadDeadline(
            ctx.executor(), limits.uplinkIdleTimeout().toNanos(), this::idleTimeoutReached);
    idle.start();
    opened(); // frames that came behind the Hello: no read completes for them
    submitBatch();
  }

  @Override
  protected void onFrame(Frame frame) {
    idle.touch();
    if (answers.size() + batch.size() >= maxInFlight || !waiting.isEmpty()) {
      submitBatch(); // ahead of the frames that wait: the order is the arrival order
      waiting.add(frame);
      updateReading();
      return;
    }
    batch.add(frame);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    submitBatch();
    ctx.fireChannelReadComplete();
  }

  /** Hands the frames read so far to the core, each with its place in the answer order. */
  private void submitBatch() {
    if (batch.isEmpty()) {
      return;
    }
    List<Frame> frames = batch;
    batch = new ArrayList<>(0);
    if (frames.size() == 1) {
      submit(frames.get(0));
      return;
    }
    List<Answer> owed = new ArrayList<>(frames.size());
    for (int i = 0; i < frames.size(); i++) {
      Answer answer = new Answer();
      owed.add(answer);
      answers.add(answer);
    }
    updateReading();
    List<CompletionStage<Frame>> stages = FrameAnswers.of(session, frames);
    // Answers ready at once are written together, with one flush, once all are in place.
    boolean outer = writing;
    writing = true;
    try {
      for (int i = 0; i < owed.size(); i++) {
        whenAnswered(stages.get(i), owed.get(i));
      }
    } finally {
      writing = outer;
    }
    writeReadyAnswers();
  }

  private void submit(Frame frame) {
    Answer answer = new Answer();
    answers.add(answer);
    updateReading();
    CompletionStage<Frame> stage;
    try {
      stage = session.handle(frame);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    whenAnswered(stage, answer);
  }

  private void whenAnswered(CompletionStage<Frame> stage, Answer answer) {
    stage.whenComplete((reply, t) -> onLoop(() -> answered(answer, FrameAnswers.orError(reply, t))));
  }

  private void answered(Answer answer, Frame frame) {
    answer.frame = frame;
    writeReadyAnswers();
  }

  /**
   * Writes answers from the head of the order as long as they are complete, lets waiting frames in
   * as room frees up, and flushes once. Not reentrant: a stage that completes at once calls back in
   * here, and the outer loop picks its answer up.
   */
  private void writeReadyAnswers() {
    if (inactive || writing) {
      return;
    }
    writing = true;
    ChannelFuture last = null;
    try {
      while (true) {
        while (!answers.isEmpty() && answers.peek().frame != null) {
          // The empty frame (an acknowledgement) encodes as the single byte 0: a zero length.
          last = ctx.write(FrameBufs.of(answers.poll().frame));
        }
        if (closing || waiting.isEmpty() || answers.size() >= maxInFlight) {
          break;
        }
        submit(waiting.poll());
      }
    } finally {
      writing = false;
    }
    if (last == null) {
      return;
    }
    ctx.flush();
    if (closing && answers.isEmpty()) {
      Closing.afterWrite(ctx.channel(), last, closeGraceMillis);
    } else {
      updateReading();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    updateReading();
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  protected void resumeReading() {
    updateReading();
  }

  /** Reads only while answers keep up and the client takes them. */
  private void updateReading() {
    if (!isOpen() || closing) {
      return;
    }
    boolean read = ctx.channel().isWritable() && answers.size() < maxInFlight && waiting.isEmpty();
    if (ctx.channel().config().isAutoRead() != read) {
      ctx.channel().config().setAutoRead(read);
    }
  }

  private void idleTimeoutReached() {
    if (closing) {
      return;
    }
    if (!answers.isEmpty() || !waiting.isEmpty()) {
      idle.start(); // still working on what the client asked: not idle
      return;
    }
    log.debug("{}: uplink idle, closing", ctx.channel().remoteAddress());
    ctx.close();
  }

  @Override
  protected void closeWithError(Frame error) {
    if (closing) {
      return;
    }
    if (session != null) {
      submitBatch(); // frames read before the bad one keep their answers, ahead of the error
    }
    closing = true;
    ctx.channel().config().setAutoRead(false);
    // Answers still owed may never come (a stuck core): the close happens in time regardless.
    ctx.executor().schedule(() -> ctx.close(), closeGraceMillis, TimeUnit.MILLISECONDS);
    // The error takes its place after the answers still owed, so earlier frames keep theirs.
    Answer answer = new Answer();
    answer.frame = error;
    answers.add(answer);
    writeReadyAnswers();
  }

  @Override
  protected boolean isClosing() {
    return closing;
  }

  @Override
  protected void onInactive() {
    inactive = true;
    if (idle != null) {
      idle.cancel();
    }
    answers.clear();
    waiting.clear();
    if (session != null) {
      closed();
    }
  }

  private void closed() {
    UplinkSession s = session;
    session = null; // at most once
    try {
      s.onClosed();
    } catch (RuntimeException e) {
      log.warn(
          "{}: uplink session failed in onClosed: {}", ctx.channel().remoteAddress(), e.toString());
    }
  }
}
