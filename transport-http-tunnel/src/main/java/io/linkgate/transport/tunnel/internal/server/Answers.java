package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One answer per request frame, in request order, as a 200 response body (the answers come from
 * {@link io.linkgate.api.transport.FrameAnswers} or the core's {@code handleAll}).
 *
 * <p>An uplink POST whose every frame was refused {@code RATE_LIMITED} is answered {@code 429} with {@code
 * Retry-After} (the longest {@code retry_after_ms}, in whole seconds rounded up), so that proxies,
 * load balancers and plain HTTP clients see the refusal. Its body is the same answers, one {@code
 * Error} per frame with its own hint, as a browser client reads them. The body was read in full,
 * so the connection stays open.
 */
final class Answers {
  private Answers() {}

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
