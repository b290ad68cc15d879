package io.linkgate.server.internal.dispatch;

import com.google.protobuf.InvalidProtocolBufferException;
import io.linkgate.api.GatewayException;
import io.linkgate.api.auth.Authenticator;
import io.linkgate.api.auth.Identity;
import io.linkgate.api.proto.ConnectOutcome;
import io.linkgate.api.proto.DispatchReport;
import io.linkgate.api.proto.DispatchResponse;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.NodeStatus;
import io.linkgate.server.internal.JsonAnswers;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/dispatch}: the endpoints ranked for the authenticated user (JSON, or the protobuf
 * {@code DispatchResponse} on {@code Accept: application/x-protobuf}). {@code POST
 * /v1/dispatch/report}: a {@code DispatchReport} of the user's connection outcomes, folded into the
 * ranking. Both take the bearer token clients connect with. Errors are JSON {@code {"error": {"code",
 * "message"}}}.
 */
final class DispatchHandler extends Handler.Abstract {
  private static final Logger log = LoggerFactory.getLogger(DispatchHandler.class);
  static final String PROTOBUF = "application/x-protobuf";
  static final String DISPATCH = "/v1/dispatch";
  static final String REPORT = "/v1/dispatch/report";
  /** A report of {@value #MAX_OUTCOMES} outcomes is a few KiB; anything much larger is not one. */
  static final int MAX_REPORT_BYTES = 16 * 1024;
  static final int MAX_OUTCOMES = 64;

  private final Authenticator authenticator;
  private final NodeStatusBeat beat;
  private final OutcomeBoard board;
  private final ReportLimiter limiter;
  private final int ttlMs;

  DispatchHandler(Authenticator authenticator, NodeStatusBeat beat, OutcomeBoard board, ReportLimiter limiter, int ttlMs) {
    this.authenticator = authenticator;
    this.beat = beat;
    this.board = board;
    this.limiter = limiter;
    this.ttlMs = ttlMs;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    if (path.equals(DISPATCH)) {
      if (!method.equals("GET")) {
        return notAllowed(response, callback, "GET");
      }
      authenticated(request, response, callback, user -> dispatch(user, request, response, callback));
    } else if (path.equals(REPORT)) {
      if (!method.equals("POST")) {
        return notAllowed(response, callback, "POST");
      }
      authenticated(request, response, callback, user -> report(user, request, response, callback));
    } else {
      error(response, callback, 404, "NOT_FOUND", "no such path: " + path);
    }
    return true;
  }

  private void dispatch(Identity user, Request request, Response response, Callback callback) {
    NodeStatusBeat.Snapshot s = beat.snapshot();
    if (s == null) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      error(response, callback, 503, "UNAVAILABLE", "the node directory cannot be read now");
      return;
    }
    DispatchResponse answer =
        DispatchRanking.answer(s.nodes(), board, user.userId(), beat.nodeId(), beat.heartbeatMinMs(), beat.heartbeatMaxMs(), ttlMs);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    String accept = request.getHeaders().get(HttpHeader.ACCEPT);
    if (accept != null && accept.contains(PROTOBUF)) {
      send(response, callback, 200, PROTOBUF, answer.toByteArray());
    } else {
      JsonAnswers.json(response, callback, 200, asJson(answer));
    }
  }

  private void report(Identity user, Request request, Response response, Callback callback) {
    // The body is read (bounded) before any answer: one left unread would cost the client its
    // kept-alive connection, and the next request on it would fail.
    Content.Source.asByteArrayAsync(request, MAX_REPORT_BYTES).whenComplete((bytes, err) -> {
      if (err != null) {
        error(response, callback, 413, "FRAME_TOO_LARGE", "a report is at most " + MAX_REPORT_BYTES + " bytes");
        return;
      }
      if (!limiter.tryAcquire(user.userId())) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(limiter.retryAfterMs() / 1000));
        error(response, callback, 429, "RATE_LIMITED", "reports from this user come too often");
        return;
      }
      DispatchReport report;
      try {
        report = DispatchReport.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        error(response, callback, 400, "BAD_FRAME", "the body is not a DispatchReport");
        return;
      }
      int taken = fold(report);
      log.debug("dispatch report from {}: {} of {} outcomes taken", user.userId(), taken, report.getOutcomesCount());
      response.setStatus(204);
      callback.succeeded();
    });
  }

  /** Records the outcomes about endpoints some node advertises now; others would only fill memory. */
  private int fold(DispatchReport report) {
    NodeStatusBeat.Snapshot s = beat.snapshot();
    if (s == null) {
      return 0;
    }
    Set<String> known = new HashSet<>();
    for (NodeStatus node : s.nodes()) {
      for (Endpoint e : node.getEndpointsList()) {
        known.add(OutcomeBoard.key(e));
      }
    }
    int taken = 0;
    List<ConnectOutcome> outcomes = report.getOutcomesList();
    for (int i = 0; i < outcomes.size() && i < MAX_OUTCOMES; i++) {
      ConnectOutcome o = outcomes.get(i);
      if (known.contains(OutcomeBoard.key(o.getEndpoint()))) {
        board.record(o.getEndpoint(), o.getResult());
        taken++;
      }
    }
    return taken;
  }

  private void authenticated(Request request, Response response, Callback callback, Consumer<Identity> then) {
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() == 7) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
      error(response, callback, 401, "UNAUTHENTICATED", "a bearer token is required");
      return;
    }
    authenticator.authenticate(header.substring(7).trim()).whenComplete((identity, err) -> {
      if (err != null) {
        GatewayException g = GatewayException.from(err);
        boolean forbidden = g.code() == ErrorCode.FORBIDDEN;
        if (!forbidden) {
          response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
        }
        error(response, callback, forbidden ? 403 : 401, g.code().name(), g.getMessage());
        return;
      }
      try {
        then.accept(identity);
      } catch (RuntimeException e) {
        log.warn("dispatch failed: {}", e.toString());
        error(response, callback, 500, "INTERNAL", "dispatch failed");
      }
    });
  }

  /** The protobuf JSON mapping's field names (lowerCamelCase), enums by name. */
  static Map<String, Object> asJson(DispatchResponse r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("downlink", r.getDownlinkList().stream().map(DispatchHandler::asJson).toList());
    m.put("uplink", r.getUplinkList().stream().map(DispatchHandler::asJson).toList());
    m.put("heartbeatMinMs", r.getHeartbeatMinMs());
    m.put("heartbeatMaxMs", r.getHeartbeatMaxMs());
    m.put("ttlMs", r.getTtlMs());
    m.put("nodeId", r.getNodeId());
    return m;
  }

  private static Map<String, Object> asJson(Endpoint e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("transport", e.getTransport());
    m.put("role", e.getRole().name());
    m.put("host", e.getHost());
    m.put("port", e.getPort());
    m.put("tls", e.getTls());
    m.put("loadLevel", e.getLoadLevel());
    return m;
  }

  private static boolean notAllowed(Response response, Callback callback, String allowed) {
    response.getHeaders().put(HttpHeader.ALLOW, allowed);
    error(response, callback, 405, "METHOD_NOT_ALLOWED", "only " + allowed + " here");
    return true;
  }

  private static void error(Response response, Callback callback, int status, String code, String message) {
    JsonAnswers.json(response, callback, status, JsonAnswers.error(code, message));
  }

  private static void send(Response response, Callback callback, int status, String type, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
