package io.linkgate.server.internal.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.linkgate.server.internal.JsonAnswers;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The ops listener's routes: {@code GET /metrics} (Prometheus text), {@code GET /health/live},
 * {@code GET /health/ready}, and {@code /admin/v1/...} (see {@link AdminApi}). Everything but the
 * metrics is JSON.
 */
final class OpsHandler extends Handler.Abstract {
  static final ObjectMapper JSON = JsonAnswers.JSON;
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final OpsNode node;
  private final PrometheusMeterRegistry registry;
  private final AdminApi admin;

  OpsHandler(OpsNode node, PrometheusMeterRegistry registry, AdminApi admin) {
    this.node = node;
    this.registry = registry;
    this.admin = admin;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    if (path.startsWith(AdminApi.PREFIX)) {
      return admin.handle(path.substring(AdminApi.PREFIX.length()), request, response, callback);
    }
    if (!method.equals("GET")) {
      json(response, callback, 405, error("METHOD_NOT_ALLOWED", method + " " + path + ": only GET here"));
      return true;
    }
    switch (path) {
      case "/metrics" -> {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, PROMETHEUS_TEXT);
        Content.Sink.write(response, true, registry.scrape(), callback);
      }
      case "/health/live" -> json(response, callback, 200, Map.of("live", true, "node", node.nodeId()));
      case "/health/ready" -> {
        String reason = node.notReadyReason();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ready", reason == null);
        body.put("node", node.nodeId());
        if (reason != null) {
          body.put("reason", reason);
        }
        json(response, callback, reason == null ? 200 : 503, body);
      }
      default -> json(response, callback, 404, error("NOT_FOUND", "no such path: " + path));
    }
    return true;
  }

  static Map<String, Object> error(String code, String message) {
    return JsonAnswers.error(code, message);
  }

  static void json(Response response, Callback callback, int status, Object body) {
    JsonAnswers.json(response, callback, status, body);
  }
}
