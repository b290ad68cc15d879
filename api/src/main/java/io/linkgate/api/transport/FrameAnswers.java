package io.linkgate.api.transport;

import io.linkgate.api.Frames;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One answer per frame, in the frames' order, from a handler of single frames. Every frame is
 * handed over at once, in order (pipelined, as on a TCP connection); the list completes once every
 * answer is in, whatever order their stages complete in, and never fails: a failed stage, or a
 * handler that threw, is that frame's {@code Error}.
 */
public final class FrameAnswers {
  private FrameAnswers() {}

  /** {@code handler}'s answers to {@code frames}, in order, once all are in. */
  public static CompletableFuture<List<Frame>> each(
      List<Frame> frames, Function<Frame, CompletionStage<Frame>> handler) {
    return all(handleEach(frames, handler));
  }

  /**
   * {@code session}'s stages for {@code frames} ({@link UplinkSession#handleAll}), one per frame
   * whatever the session does: one that throws, or answers with another count of stages, broke its
   * contract, and every frame gets a failed stage (its {@code Error}) instead.
   */
  public static List<CompletionStage<Frame>> of(UplinkSession session, List<Frame> frames) {
    try {
      List<CompletionStage<Frame>> stages = session.handleAll(frames);
      if (stages.size() == frames.size()) {
        return stages;
      }
      throw new IllegalStateException(
          "the core answered " + frames.size() + " frames with " + stages.size() + " stages");
    } catch (RuntimeException e) {
      return Collections.nCopies(frames.size(), CompletableFuture.failedFuture(e));
    }
  }

  /**
   * {@code handler}'s stage for each frame, in order, each frame handed over without waiting for an
   * earlier one's answer; a handler that threw is that frame's failed stage, not the others'.
   */
  public static List<CompletionStage<Frame>> handleEach(
      List<Frame> frames, Function<Frame, CompletionStage<Frame>> handler) {
    List<CompletionStage<Frame>> stages = new ArrayList<>(frames.size());
    for (Frame frame : frames) {
      CompletionStage<Frame> stage;
      try {
        stage = handler.apply(frame);
      } catch (RuntimeException e) {
        stage = CompletableFuture.failedFuture(e);
      }
      stages.add(stage);
    }
    return stages;
  }

  /**
   * The answers of {@code stages}, in order, once all are in; a failed stage is its {@code Error}
   * ({@link #orError}). Answers are usually complete when handed back (an in-memory store): then
   * the list is made at once, without allOf's tree of one relay future per frame.
   */
  public static CompletableFuture<List<Frame>> all(List<? extends CompletionStage<Frame>> stages) {
    List<CompletableFuture<Frame>> pending = new ArrayList<>(stages.size());
    boolean allDone = true;
    for (CompletionStage<Frame> stage : stages) {
      CompletableFuture<Frame> p = neverFailing(stage);
      allDone &= p.isDone();
      pending.add(p);
    }
    if (allDone) {
      return CompletableFuture.completedFuture(joined(pending));
    }
    return CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
        .thenApply(v -> joined(pending));
  }

  /**
   * {@code answer}, failing as its {@code Error} ({@link #orError}). An answer already there is
   * used as it is: a stage step per frame is most of what a batch of ready answers would cost.
   */
  public static CompletableFuture<Frame> neverFailing(CompletionStage<Frame> answer) {
    if (answer.getClass() == CompletableFuture.class) { // not completedStage's subclass, whose isDone throws
      CompletableFuture<Frame> f = (CompletableFuture<Frame>) answer;
      if (f.isDone() && !f.isCompletedExceptionally() && f.getNow(null) != null) {
        return f;
      }
    }
    return answer.handle(FrameAnswers::orError).toCompletableFuture();
  }

  /** What a frame's stage ended in, as the frame the client gets. */
  public static Frame orError(Frame answer, Throwable failure) {
    if (failure != null) {
      return GatewayException.from(failure).toFrame();
    }
    return answer != null ? answer : Frames.error(ErrorCode.INTERNAL, "no answer");
  }

  private static List<Frame> joined(List<CompletableFuture<Frame>> done) {
    Frame[] answers = new Frame[done.size()];
    for (int i = 0; i < answers.length; i++) {
      answers[i] = done.get(i).join();
    }
    return List.of(answers);
  }
}
