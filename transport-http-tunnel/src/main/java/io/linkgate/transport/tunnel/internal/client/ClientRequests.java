package io.linkgate.transport.tunnel.internal.client;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.Frame;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;

/** The requests the client sends: every one with the bearer token. */
final class ClientRequests {
  private ClientRequests() {}

  static HttpRequest.Builder get(URI uri, String token) {
    return base(uri, token).GET();
  }

  static HttpRequest.Builder post(URI uri, String token, List<Frame> frames) {
    return base(uri, token)
        .header("Content-Type", TunnelProtocol.CONTENT_TYPE)
        .POST(HttpRequest.BodyPublishers.ofByteArray(FrameCodec.encodeAll(frames)));
  }

  static HttpRequest.Builder base(URI uri, String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri).header("Accept", TunnelProtocol.CONTENT_TYPE);
    if (!token.isEmpty()) {
      b.header("Authorization", "Bearer " + token); // without one the server says 401, as it should
    }
    return b;
  }

  static Duration atLeastOneMs(long millis) {
    return Duration.ofMillis(Math.max(1, millis));
  }
}
