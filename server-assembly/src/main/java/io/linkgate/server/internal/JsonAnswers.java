package io.linkgate.server.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** JSON answers of the node's own HTTP listeners (ops, admin, dispatch), errors as {@code {"error": {code, message}}}. */
public final class JsonAnswers {
  public static final ObjectMapper JSON = new ObjectMapper();

  private JsonAnswers() {}

  public static Map<String, Object> error(String code, String message) {
    return Map.of("error", Map.of("code", code, "message", message == null ? "" : message));
  }

  /** Writes {@code body} as JSON with {@code status}; an unencodable body becomes a 500. */
  public static void json(Response response, Callback callback, int status, Object body) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (Exception e) {
      bytes = "{\"error\":{\"code\":\"INTERNAL\",\"message\":\"could not encode the answer\"}}".getBytes(StandardCharsets.UTF_8);
      status = 500;
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }
}
