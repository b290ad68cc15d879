package io.linkgate.server.internal.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.router.DeviceSession;
import io.linkgate.router.Message;
import io.linkgate.router.Router;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API under {@code /admin/v1/}, JSON in and out, behind a bearer token of its own (never
 * a client token):
 *
 * <pre>
 * GET  node                       id, version, uptime, listeners, load, store, readiness
 * GET  users/{user}               the user's online devices, on any node
 * POST users/{user}/kick          {"device": optional, "reason": optional}: GoAway, then close
 * POST users/{user}/push          {"text" | "payload_base64", "from", "headers"}: a direct push
 * POST rooms/{room}/publish       the same body: a room message
 * GET  rooms?offset=&amp;limit=   this node's rooms and their member counts, by name
 * POST drain                      stop accepting, GoAway to every downlink, not ready from then on
 * </pre>
 *
 * Errors are {@code {"error": {"code", "message"}}}; a refused token is a 401 and a log line.
 */
final class AdminApi {
  static final String PREFIX = "/admin/v1/";
  private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
  private static final int MAX_BODY = 256 * 1024;
  private static final int MAX_PAGE = 1000;

  private final OpsNode node;
  private final byte[] token;

  /** @param token null: the admin API is off */
  AdminApi(OpsNode node, String token) {
    this.node = node;
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
  }

  boolean handle(String route, Request request, Response response, Callback callback) {
    if (token == null) {
      OpsHandler.json(response, callback, 403,
          OpsHandler.error("FORBIDDEN", "the admin API is off: set ops.admin-token (or LINKGATE_OPS_ADMIN_TOKEN)"));
      return true;
    }
    if (!authorized(request)) {
      log.warn("admin API: refused {} {} from {}: bad or missing admin token",
          request.getMethod(), route, Request.getRemoteAddr(request));
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
      OpsHandler.json(response, callback, 401, OpsHandler.error("UNAUTHENTICATED", "a valid admin token is required"));
      return true;
    }
    String[] parts = route.split("/", -1);
    String method = request.getMethod();
    try {
      if (method.equals("GET") && route.equals("node")) {
        reply(response, callback, CompletableFuture.completedFuture(nodeInfo()));
      } else if (method.equals("GET") && parts.length == 2 && parts[0].equals("users")) {
        reply(response, callback, devices(parts[1]));
      } else if (method.equals("POST") && parts.length == 3 && parts[0].equals("users") && parts[2].equals("kick")) {
        withBody(request, response, callback, body -> kick(parts[1], body));
      } else if (method.equals("POST") && parts.length == 3 && parts[0].equals("users") && parts[2].equals("push")) {
        withBody(request, response, callback, body -> push(parts[1], body));
      } else if (method.equals("POST") && parts.length == 3 && parts[0].equals("rooms") && parts[2].equals("publish")) {
        withBody(request, response, callback, body -> publish(parts[1], body));
      } else if (method.equals("GET") && route.equals("rooms")) {
        reply(response, callback, CompletableFuture.completedFuture(rooms(Request.extractQueryParameters(request))));
      } else if (method.equals("POST") && route.equals("drain")) {
        node.drain();
        reply(response, callback, CompletableFuture.completedFuture(Map.of("draining", true, "node", node.nodeId())));
      } else {
        OpsHandler.json(response, callback, 404, OpsHandler.error("NOT_FOUND", "no admin call " + method + " " + route));
      }
    } catch (BadRequest e) {
      OpsHandler.json(response, callback, 400, OpsHandler.error("INVALID_ARGUMENT", e.getMessage()));
    }
    return true;
  }

  private boolean authorized(Request request) {
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null || !header.startsWith("Bearer ")) {
      return false;
    }
    // Constant time: a token compared byte by byte until the first difference leaks its prefix.
    return MessageDigest.isEqual(token, header.substring(7).trim().getBytes(StandardCharsets.UTF_8));
  }

  private Map<String, Object> nodeInfo() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", node.nodeId());
    m.put("version", node.version());
    m.put("started_at", node.startedAt().toString());
    m.put("uptime_seconds", Duration.between(node.startedAt(), Instant.now()).toSeconds());
    List<Map<String, Object>> listeners = new ArrayList<>();
    for (Endpoint e : node.endpoints()) {
      listeners.add(Map.of("transport", e.getTransport(), "role", e.getRole().name().toLowerCase(java.util.Locale.ROOT),
          "host", e.getHost(), "port", e.getPort(), "tls", e.getTls()));
    }
    m.put("listeners", listeners);
    m.put("downlinks", node.router().localDownlinkCount());
    m.put("rooms", node.router().localRoomCount());
    m.put("store", node.storeDescription());
    String notReady = node.notReadyReason();
    m.put("ready", notReady == null);
    if (notReady != null) {
      m.put("not_ready_reason", notReady);
    }
    return m;
  }

  private CompletionStage<Object> devices(String user) {
    return node.router().sessionsOf(user).thenApply(sessions -> {
      List<Map<String, Object>> out = new ArrayList<>();
      for (DeviceSession s : sessions) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("device", s.deviceId());
        d.put("node", s.nodeId());
        d.put("transport", s.transport());
        d.put("connected_since", s.connectedAtMs() == 0 ? null : Instant.ofEpochMilli(s.connectedAtMs()).toString());
        d.put("session", s.sessionId());
        d.put("acked_seq", s.ackedSeq());
        out.add(d);
      }
      return Map.of("user", user, "online", !out.isEmpty(), "devices", out);
    });
  }

  private CompletionStage<Object> kick(String user, JsonNode body) {
    String device = text(body, "device");
    String reason = text(body, "reason");
    return node.router()
        .kick(user, device, reason == null ? "kicked by an operator" : reason)
        .thenApply(n -> Map.of("user", user, "kicked", n));
  }

  private CompletionStage<Object> push(String user, JsonNode body) {
    return node.router().push(user, message(body, "user:" + user))
        .thenApply(p -> Map.of("user", user, "seq", p.getSeq(), "msg_id", p.getMsgId()));
  }

  private CompletionStage<Object> publish(String room, JsonNode body) {
    return node.router().publishToRoom(room, message(body, "room:" + room))
        .thenApply(n -> Map.of("room", room, "local_members", n));
  }

  private static Message message(JsonNode body, String to) {
    String text = text(body, "text");
    String b64 = text(body, "payload_base64");
    if ((text == null) == (b64 == null)) {
      throw new BadRequest("give exactly one of text or payload_base64");
    }
    ByteString payload;
    try {
      payload = text != null ? ByteString.copyFromUtf8(text) : ByteString.copyFrom(Base64.getDecoder().decode(b64));
    } catch (IllegalArgumentException e) {
      throw new BadRequest("payload_base64 is not base64");
    }
    Map<String, String> headers = new HashMap<>();
    JsonNode h = body.get("headers");
    if (h != null && h.isObject()) {
      h.fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
    }
    String from = text(body, "from");
    return new Message(from == null ? "admin" : from, to, payload, headers);
  }

  private Map<String, Object> rooms(Fields query) {
    int offset = intParam(query, "offset", 0);
    int limit = Math.min(intParam(query, "limit", 100), MAX_PAGE);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Router.RoomMembers r : node.router().localRooms(offset, limit)) {
      out.add(Map.of("room", r.room(), "members", r.members()));
    }
    return Map.of("node", node.nodeId(), "offset", offset, "rooms", out, "total", node.router().localRoomCount());
  }

  private static int intParam(Fields query, String name, int dflt) {
    String v = query.getValue(name);
    if (v == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new BadRequest(name + " must be a non-negative integer, got '" + v + "'");
    }
  }

  private static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private interface Call {
    CompletionStage<Object> run(JsonNode body);
  }

  private void withBody(Request request, Response response, Callback callback, Call call) {
    Content.Source.asByteArrayAsync(request, MAX_BODY)
        .whenComplete((bytes, err) -> {
          if (err != null) {
            OpsHandler.json(response, callback, 413, OpsHandler.error("FRAME_TOO_LARGE", "body over " + MAX_BODY + " bytes or unreadable"));
            return;
          }
          JsonNode body;
          try {
            body = bytes.length == 0 ? OpsHandler.JSON.createObjectNode() : OpsHandler.JSON.readTree(bytes);
            if (body == null || !body.isObject()) {
              throw new BadRequest("the body must be a JSON object");
            }
            reply(response, callback, call.run(body));
          } catch (BadRequest e) {
            OpsHandler.json(response, callback, 400, OpsHandler.error("INVALID_ARGUMENT", e.getMessage()));
          } catch (java.io.IOException e) {
            OpsHandler.json(response, callback, 400, OpsHandler.error("INVALID_ARGUMENT", "the body is not JSON"));
          }
        });
  }

  private static void reply(Response response, Callback callback, CompletionStage<Object> answer) {
    answer.whenComplete((body, err) -> {
      if (err == null) {
        OpsHandler.json(response, callback, 200, body);
        return;
      }
      GatewayException g = GatewayException.from(err);
      int status = switch (g.code()) {
        case INVALID_ARGUMENT, FRAME_TOO_LARGE -> 400;
        case UNAVAILABLE -> 503;
        default -> 500;
      };
      OpsHandler.json(response, callback, status, OpsHandler.error(g.code().name(), g.getMessage()));
    });
  }

  private static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message, null, false, false);
    }
  }
}
