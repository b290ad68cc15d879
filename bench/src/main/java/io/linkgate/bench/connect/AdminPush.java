package io.linkgate.bench.connect;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The first message: a direct push made by the node for a user ({@code POST
 * /admin/v1/users/{user}/push} on its operations port), as a business backend or an operator
 * would make one. The node's router delivers it down the user's downlink.
 */
final class AdminPush {
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;
  private final String token;

  AdminPush(int opsPort, String token) {
    this.base = URI.create("http://127.0.0.1:" + opsPort + "/admin/v1/users/");
    this.token = token;
  }

  /** Completes with the HTTP status (200 when the node took the push). */
  CompletableFuture<Integer> push(String user) {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(user + "/push"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"first\",\"from\":\"bench\"}"))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode);
  }
}
