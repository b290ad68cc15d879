package io.linkgate.examples.webchat;

import io.linkgate.router.Hs256Authenticator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * DEVELOPMENT ONLY: {@code GET /dev/token?user=alice} answers a token for whoever asks, as any user
 * they name. It exists so that the example runs with nothing else set up. A real deployment gets
 * tokens from its identity service, after a real login, and never serves this endpoint.
 *
 * <p>Tokens are HS256 JWTs signed with the node's secret, as the CLI's {@code token} command mints
 * them ({@link Hs256Authenticator#mint}); they expire after {@link #TTL}, so the page's {@code
 * getToken()} callback is what keeps a long session going.
 */
final class DevTokens {
  static final String PATH = "/dev/token";
  static final Duration TTL = Duration.ofMinutes(15);

  /** What a user id may be here: short, and safe in a {@code to} address and in the page. */
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.-]{1,32}");

  private final byte[] secret;

  /**
   * @param secret the node's HS256 secret
   */
  DevTokens(String secret) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
  }

  String mint(String user) {
    return Hs256Authenticator.mint(secret, user, TTL);
  }

  void handle(Request request, Response response, Callback callback) {
    String user = Request.extractQueryParameters(request).getValue("user");
    if (user == null || !USER.matcher(user).matches()) {
      PageServer.text(response, callback, 400, "user must match " + USER.pattern() + "\n");
      return;
    }
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    PageServer.text(response, callback, 200, mint(user));
  }
}
