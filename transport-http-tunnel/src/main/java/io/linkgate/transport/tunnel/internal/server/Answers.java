package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.Frames;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One answer per request frame, in request order, as a 200 response body. Every frame is handed
 * over at once, in order (they are pipelined as on a TCP uplink); the answers are written once all
 * are in, whatever order their stages complete in.
 *
 * <p>An uplink POST whose every frame was refused {@code RATE_LIMITED} is answered {@code 429} with {@code
 * Retry-After} (the longest {@code retry_after_ms}, in whole seconds rounded up), so that proxies,
 * load balancers and plain HTTP clients see the refusal. Its body is the same answers, one {@code
 * Error} per frame with its own hint, as a browser client reads them. The body was read in full,
 * so the connection stays open.
 */
final class Answers {
  private Answers() {}

  /** The answers of {@code handler} to {@code frames}, in order; a failed stage is its Error. */
  static CompletableFuture<List<Frame>> of(
      List<Frame> frames, Function<Frame, CompletionStage<Frame>> handler) {
    List<CompletableFuture<Frame>> pending = new ArrayList<>(frames.size());
    for (Frame frame : frames) {
      CompletionStage<Frame> stage;
      try {
        stage = handler.apply(frame);
      } catch (RuntimeException e) {
        stage = CompletableFuture.failedFuture(e);
      }
      pending.add(
          stage
              .handle(
                  (answer, failure) ->
                      failure != null
                          ? GatewayException.from(failure).toFrame()
                          : answer != null ? answer : Frames.error(ErrorCode.INTERNAL, "no answer"))
              .toCompletableFuture());
    }
    // Answers are usually complete when handed back (an in-memory store): then the list is made
    // at once, without allOf's tree of one relay future per frame.
    boolean allDone = true;
    for (CompletableFuture<Frame> p : pending) {
      allDone &= p.isDone();
    }
    if (allDone) {
      return CompletableFuture.completedFuture(joined(pending));
    }
    return CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
        .thenApply(v -> joined(pending));
  }

  /** The answers of complete futures, which never fail (failures were turned into Errors). */
  private static List<Frame> joined(List<CompletableFuture<Frame>> done) {
    Frame[] answers = new Frame[done.size()];
    for (int i = 0; i < answers.length; i++) {
      answers[i] = done.get(i).join();
    }
    return List.of(answers);
  }

  /**
   * Writes {@code answers}, then {@code badFrame}'s Error in place of the frame that stopped the
   * reading (if any). After a bad frame the rest of the body was not read, so an HTTP/1 connection
   * cannot be reused: it is closed, as a TCP connection is after a bad frame.
   */
  static void write(
      Request request,
      Response response,
      Callback callback,
      List<Frame> answers,
      GatewayException badFrame) {
    write(request, response, callback, answers, badFrame, -1);
  }

  /** As {@link #write}, but a POST refused whole for its send rate is a {@code 429}. */
  static void writeUplink(
      Request request,
      Response response,
      Callback callback,
      List<Frame> answers,
      GatewayException badFrame) {
    long retryAfter = badFrame == null ? retryAfterSeconds(answers) : -1;
    write(request, response, callback, answers, badFrame, retryAfter);
  }

  private static void write(
      Request request,
      Response response,
      Callback callback,
      List<Frame> answers,
      GatewayException badFrame,
      long retryAfterSeconds) {
    List<Frame> body = answers;
    if (badFrame != null) {
      body = new ArrayList<>(answers);
      body.add(badFrame.toFrame());
      if (ErrorResponses.isHttp1(request)) {
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
      }
    }
    if (retryAfterSeconds >= 0) {
      response.setStatus(429);
      response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(retryAfterSeconds));
      response.getHeaders().put(TunnelProtocol.ERROR_HEADER, ErrorCode.RATE_LIMITED.name());
    } else {
      response.setStatus(200);
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, TunnelProtocol.CONTENT_TYPE);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(FrameCodec.encodeAll(body)), callback);
  }

  /**
   * The {@code Retry-After} of a POST whose every answer is {@code Error RATE_LIMITED}: the longest
   * hint in whole seconds, rounded up, at least 1; -1 if any frame was answered otherwise.
   */
  static long retryAfterSeconds(List<Frame> answers) {
    if (answers.isEmpty()) {
      return -1;
    }
    long longestMs = 0;
    for (Frame answer : answers) {
      if (!answer.hasError() || answer.getError().getCode() != ErrorCode.RATE_LIMITED) {
        return -1;
      }
      longestMs = Math.max(longestMs, Integer.toUnsignedLong(answer.getError().getRetryAfterMs()));
    }
    return Math.max(1, (longestMs + 999) / 1000);
  }
}
