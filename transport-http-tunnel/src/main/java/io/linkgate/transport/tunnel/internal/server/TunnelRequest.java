package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * What one tunnel request says about itself: the bearer token and the query parameters, checked.
 * The downlink's query maps onto the {@code Hello} a TCP client would send.
 *
 * @param token the bearer token
 * @param deviceId the device, required on every request
 * @param clientVersion optional
 * @param resumeFromSeq the last seq the device holds (downlink open and polls), 0 if none
 * @param resumeEpoch the epoch that seq belongs to, empty if none
 * @param heartbeatMs the proposed heartbeat, 0 for the default
 * @param poll whether the downlink is long-polled rather than streamed
 * @param sessionId the downlink session a request is about, empty if none
 * @param holdMs longest hold the client wants for a poll, 0 for the server's
 * @param end whether a downlink POST ends the session ({@code end=true}) rather than carry frames
 */
record TunnelRequest(
    String token,
    String deviceId,
    String clientVersion,
    long resumeFromSeq,
    String resumeEpoch,
    int heartbeatMs,
    boolean poll,
    String sessionId,
    long holdMs,
    boolean end) {

  private static final String BEARER = "bearer ";

  /**
   * Reads {@code request}.
   *
   * @throws GatewayException {@code INVALID_ARGUMENT} for a missing or malformed parameter, {@code
   *     UNAUTHENTICATED} for a missing bearer token
   */
  static TunnelRequest of(Request request) {
    QueryParameters query;
    try {
      query = QueryParameters.of(request);
    } catch (RuntimeException e) {
      throw ErrorResponses.invalid("malformed query string");
    }
    String deviceId = value(query, TunnelProtocol.DEVICE_ID);
    if (deviceId.isEmpty()) {
      throw ErrorResponses.invalid(
          "query parameter '" + TunnelProtocol.DEVICE_ID + "' is required");
    }
    String mode = value(query, TunnelProtocol.MODE).toLowerCase(Locale.ROOT);
    if (!mode.isEmpty()
        && !mode.equals(TunnelProtocol.MODE_STREAM)
        && !mode.equals(TunnelProtocol.MODE_POLL)) {
      throw ErrorResponses.invalid(
          "query parameter 'mode' must be '"
              + TunnelProtocol.MODE_STREAM
              + "' or '"
              + TunnelProtocol.MODE_POLL
              + "', got '"
              + mode
              + "'");
    }
    return new TunnelRequest(
        token(request),
        deviceId,
        value(query, TunnelProtocol.CLIENT_VERSION),
        // A uint64 on TCP, but no seq ever passes Long.MAX_VALUE: a larger one is refused rather
        // than read as negative, which the router would take for "everything delivered".
        bounded(query, TunnelProtocol.RESUME_FROM_SEQ, Long.MAX_VALUE),
        value(query, TunnelProtocol.RESUME_EPOCH),
        (int) bounded(query, TunnelProtocol.HEARTBEAT_MS, 0xFFFF_FFFFL),
        mode.equals(TunnelProtocol.MODE_POLL),
        value(query, TunnelProtocol.SESSION_ID),
        bounded(query, TunnelProtocol.HOLD_MS, Integer.MAX_VALUE),
        value(query, TunnelProtocol.END).equalsIgnoreCase("true"));
  }

  /** The Hello a TCP client of this device would have sent. */
  Hello hello(Role role) {
    return Hello.newBuilder()
        .setToken(token)
        .setDeviceId(deviceId)
        .setRole(role)
        .setResumeFromSeq(resumeFromSeq)
        .setResumeEpoch(resumeEpoch)
        .setHeartbeatMs(heartbeatMs)
        .setClientVersion(clientVersion)
        .build();
  }

  /** The session id, which this request must name. */
  String requireSessionId() {
    if (sessionId.isEmpty()) {
      throw ErrorResponses.invalid(
          "query parameter '" + TunnelProtocol.SESSION_ID + "' is required");
    }
    return sessionId;
  }

  private static String token(Request request) {
    String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (authorization == null
        || authorization.length() <= BEARER.length()
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
        || authorization.substring(BEARER.length()).isBlank()) {
      throw new GatewayException(
          ErrorCode.UNAUTHENTICATED, "missing 'Authorization: Bearer <token>' header");
    }
    return authorization.substring(BEARER.length()).trim();
  }

  private static String value(QueryParameters query, String name) {
    String v = query.first(name);
    return v == null ? "" : v.trim();
  }

  private static long bounded(QueryParameters query, String name, long max) {
    String v = value(query, name);
    if (v.isEmpty()) {
      return 0;
    }
    try {
      long n = Long.parseLong(v);
      if (n >= 0 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ErrorResponses.invalid(
        "query parameter '" + name + "' must be an integer from 0 to " + max + ", got '" + v + "'");
  }
}
