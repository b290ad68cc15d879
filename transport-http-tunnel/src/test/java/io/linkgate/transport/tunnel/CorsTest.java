package io.linkgate.transport.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.proto.Role;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A browser page from an allowed origin may call the tunnel; others are not let in. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorsTest {
  private static final String PAGE = "https://app.example.com";

  private final HttpClient http = HttpClient.newHttpClient();
  private TestNode withCors;
  private TestNode withoutCors;

  @BeforeAll
  void start() throws Exception {
    withCors =
        TestNode.builder().option("cors-origins", PAGE + ", https://other.example.com").start();
    withoutCors = TestNode.start();
  }

  @AfterAll
  void stop() {
    withCors.close();
    withoutCors.close();
  }

  private static HttpRequest preflight(TestNode node, String origin, String method) {
    return HttpRequest.newBuilder(node.uri(Role.UPLINK, "/v1/tunnel/uplink?device_id=d"))
        .header("Origin", origin)
        .header("Access-Control-Request-Method", method)
        .header("Access-Control-Request-Headers", "authorization, content-type")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .build();
  }

  @Test
  void preflightFromAnAllowedOriginIsAnswered() throws Exception {
    HttpResponse<Void> r =
        http.send(preflight(withCors, PAGE, "POST"), HttpResponse.BodyHandlers.discarding());
    assertThat(r.statusCode()).isEqualTo(204);
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue(PAGE);
    assertThat(r.headers().firstValue("Access-Control-Allow-Methods").orElseThrow())
        .contains("POST")
        .contains("GET");
    assertThat(r.headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
        .containsIgnoringCase("Authorization")
        .containsIgnoringCase("Content-Type");
    assertThat(r.headers().firstValue("Vary").orElseThrow()).contains("Origin");
  }

  @Test
  void preflightFromAnotherOriginIsRefused() throws Exception {
    HttpResponse<Void> r =
        http.send(
            preflight(withCors, "https://evil.example.net", "POST"),
            HttpResponse.BodyHandlers.discarding());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void responsesToAnAllowedPageAreReadableByIt() throws Exception {
    HttpResponse<Void> r =
        http.send(
            HttpRequest.newBuilder(withCors.uri(Role.UPLINK, "/v1/tunnel/uplink?device_id=d"))
                .header("Origin", PAGE)
                .header("Authorization", "Bearer " + withCors.token("alice"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue(PAGE);
    assertThat(r.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
        .contains("X-Linkgate-Error");
  }

  @Test
  void withoutConfiguredOriginsNoCorsHeadersAreSent() throws Exception {
    HttpResponse<Void> r =
        http.send(preflight(withoutCors, PAGE, "POST"), HttpResponse.BodyHandlers.discarding());
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    assertThat(r.headers().firstValue("Allow")).hasValue("POST, OPTIONS");
  }

  @Test
  void requestsWithoutOriginGetNoCorsHeaders() throws Exception {
    HttpResponse<Void> r =
        http.send(
            HttpRequest.newBuilder(withCors.uri(Role.UPLINK, "/v1/tunnel/uplink?device_id=d"))
                .header("Authorization", "Bearer " + withCors.token("alice"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }
}
