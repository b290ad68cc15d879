package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.transport.TransportError;
import io.linkgate.api.transport.TransportEvents;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.transport.tunnel.internal.ErrorStatus;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.io.QuietException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Error responses: the status, an {@code X-Linkgate-Error} header, and exactly one {@code Error}
 * frame as the body; never a stack trace. An HTTP/1 connection is closed after an error, as a TCP
 * connection is after its Error frame.
 */
final class ErrorResponses {
  private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

  /** Seconds a client refused for load or drain waits before trying again. */
  private static final String RETRY_AFTER_SECONDS = "1";

  private ErrorResponses() {}

  static void write(Request request, Response response, Callback callback, GatewayException e) {
    write(request, response, callback, ErrorStatus.of(e.code()), e);
  }

  /**
   * Answers a request refused with {@code failure}: a refusal gets its status; a body Jetty could
   * not parse (a bad chunk size, a body cut short) is the client's bad frame; anything else is our
   * bug, answered 500 without detail and logged (never at ERROR: the node goes on).
   */
  static void refuse(
      TransportEvents events,
      Request request,
      Response response,
      Callback callback,
      Throwable failure) {
    // Jetty judges a failure by its class: wrapped in CompletionException, a client's lost
    // connection would look like our bug to it, a 500 with a stack trace at WARN.
    Throwable cause = unwrap(failure);
    if (cause instanceof HttpException bad && bad.getCode() < 500) {
      log.debug(
          "{} {}: malformed body: {}",
          request.getMethod(),
          request.getHttpURI().getPath(),
          cause.toString());
      events.error(TransportError.BAD_FRAME);
      write(
          request,
          response,
          callback,
          400,
          new GatewayException(
              ErrorCode.BAD_FRAME, "malformed or truncated request body: " + cause.getMessage()));
      return;
    }
    if (isIoFailure(cause)) {
      // The client went away (or timed out) mid-request: nobody is left to answer.
      events.error(TransportError.IO);
      log.debug("{} {}: {}", request.getMethod(), request.getHttpURI().getPath(), cause.toString());
      callback.failed(quiet(cause));
      return;
    }
    HttpRefusal refusal = HttpRefusal.from(cause);
    TransportError kind = kindOf(refusal.error.code());
    if (kind != null) {
      events.error(kind); // refusals of the client's credentials or intent are not counted here
    }
    if (refusal.error.code() == ErrorCode.INTERNAL && !isRefusal(cause)) {
      log.warn(
          "{} {}: unexpected failure", request.getMethod(), request.getHttpURI().getPath(), cause);
    } else if (log.isDebugEnabled()) {
      log.debug(
          "{} {} refused: {} {}",
          request.getMethod(),
          request.getHttpURI().getPath(),
          refusal.status,
          refusal.getMessage());
    }
    // A body refused as too large may still be on its way: drop it before the close.
    Callback exchange = refusal.status == 413 ? BodyDrain.after(request, callback) : callback;
    write(request, response, exchange, refusal.status, refusal.error);
  }

  /** The transport error an answer's code stands for, or null when it is no transport error. */
  static TransportError kindOf(ErrorCode code) {
    return switch (code) {
      case BAD_FRAME -> TransportError.BAD_FRAME;
      case FRAME_TOO_LARGE -> TransportError.FRAME_TOO_LARGE;
      default -> null;
    };
  }

  /** {@code failure} without the wrappers that stages and futures put around it. */
  static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** A failure Jetty logs at DEBUG only: it tells of the client, not of the node. */
  private static Throwable quiet(Throwable cause) {
    return cause instanceof QuietException || cause instanceof TimeoutException
        ? cause
        : new EofException(cause);
  }

  private static boolean isIoFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof IOException || t instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }

  private static boolean isRefusal(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof GatewayException || t instanceof HttpRefusal) {
        return true;
      }
    }
    return false;
  }

  static void write(
      Request request, Response response, Callback callback, int status, GatewayException e) {
    if (response.isCommitted()) {
      callback.failed(e); // too late for a status: the connection is cut instead
      return;
    }
    response.setStatus(status);
    prepare(request, response, status, e.code());
    response.write(true, ByteBuffer.wrap(FrameCodec.encode(e.toFrame())), callback);
  }

  static void write(
      Request request, Response response, Callback callback, ErrorCode code, String message) {
    write(request, response, callback, new GatewayException(code, message));
  }

  /** Headers of an error response whose status is already set. */
  static void prepare(Request request, Response response, int status, ErrorCode code) {
    var headers = response.getHeaders();
    headers.put(HttpHeader.CONTENT_TYPE, TunnelProtocol.CONTENT_TYPE);
    headers.put(HttpHeader.CACHE_CONTROL, "no-store");
    headers.put(TunnelProtocol.ERROR_HEADER, code.name());
    if (status == 401) {
      headers.put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
    }
    if (status == 429 || status == 503) {
      headers.put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
    }
    if (isHttp1(request)) {
      headers.put(HttpHeader.CONNECTION, "close");
    }
  }

  static GatewayException invalid(String message) {
    return new GatewayException(ErrorCode.INVALID_ARGUMENT, message);
  }

  static boolean isHttp1(Request request) {
    HttpVersion version = request.getConnectionMetaData().getHttpVersion();
    return version == HttpVersion.HTTP_1_1 || version == HttpVersion.HTTP_1_0;
  }
}
