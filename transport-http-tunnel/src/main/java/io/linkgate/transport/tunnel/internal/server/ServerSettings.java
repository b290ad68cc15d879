package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.TransportSettings;
import io.linkgate.transport.tunnel.internal.OptionReader;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The tunnel's server options ({@code TransportSettings.options}), with their defaults.
 *
 * @param idleTimeoutMs a connection with no request and no I/O for this long is closed; on the
 *     uplink it defaults to the uplink idle timeout of the limits, on the downlink to 60 s, and it
 *     must exceed the poll hold
 * @param maxAgeMs a downlink stream is ended after this long; the client reconnects and resumes
 * @param pollHoldMs longest time a long-poll waits for frames
 * @param maxRequestBytes largest request body
 * @param maxFramesPerRequest most frames in one request body
 * @param h2c whether HTTP/2 cleartext is also accepted on the plain ports
 * @param corsOrigins origins a browser page may call from ({@code *} for any); empty: CORS off
 * @param threads most request threads of the role's server
 * @param maxPollSessions most long-poll sessions held at once
 */
record ServerSettings(
    long idleTimeoutMs,
    long maxAgeMs,
    long pollHoldMs,
    int maxRequestBytes,
    int maxFramesPerRequest,
    boolean h2c,
    List<String> corsOrigins,
    int threads,
    int maxPollSessions) {

  static final String IDLE_TIMEOUT_MS = "idle-timeout-ms";
  static final String MAX_AGE_MS = "max-age-ms";
  static final String POLL_HOLD_MS = "poll-hold-ms";
  static final String MAX_REQUEST_BYTES = "max-request-bytes";
  static final String MAX_FRAMES_PER_REQUEST = "max-frames-per-request";
  static final String H2C = "h2c";
  static final String CORS_ORIGINS = "cors-origins";
  static final String THREADS = "threads";
  static final String MAX_POLL_SESSIONS = "max-poll-sessions";

  private static final Set<String> KNOWN =
      Set.of(
          IDLE_TIMEOUT_MS,
          MAX_AGE_MS,
          POLL_HOLD_MS,
          MAX_REQUEST_BYTES,
          MAX_FRAMES_PER_REQUEST,
          H2C,
          CORS_ORIGINS,
          THREADS,
          MAX_POLL_SESSIONS);

  static final long DEFAULT_DOWNLINK_IDLE_TIMEOUT_MS = 60_000;
  static final long DEFAULT_MAX_AGE_MS = 300_000;
  static final long DEFAULT_POLL_HOLD_MS = 25_000;
  static final int DEFAULT_MAX_REQUEST_BYTES = 1 << 20;
  static final int DEFAULT_MAX_FRAMES_PER_REQUEST = 64;
  static final int DEFAULT_THREADS = 64;
  static final int DEFAULT_MAX_POLL_SESSIONS = 100_000;

  static ServerSettings of(TransportSettings settings) {
    String what = "http-tunnel " + settings.role().name().toLowerCase(Locale.ROOT);
    OptionReader options = OptionReader.of(settings.options(), KNOWN, what);
    long defaultIdle =
        settings.role() == Role.UPLINK
            ? Math.max(1, settings.limits().uplinkIdleTimeout().toMillis())
            : DEFAULT_DOWNLINK_IDLE_TIMEOUT_MS;
    ServerSettings s =
        new ServerSettings(
            options.positiveLong(IDLE_TIMEOUT_MS, defaultIdle),
            options.positiveLong(MAX_AGE_MS, DEFAULT_MAX_AGE_MS),
            options.positiveLong(POLL_HOLD_MS, DEFAULT_POLL_HOLD_MS),
            options.positiveInt(MAX_REQUEST_BYTES, DEFAULT_MAX_REQUEST_BYTES),
            options.positiveInt(MAX_FRAMES_PER_REQUEST, DEFAULT_MAX_FRAMES_PER_REQUEST),
            options.bool(H2C, false),
            options.list(CORS_ORIGINS),
            options.positiveInt(THREADS, DEFAULT_THREADS),
            options.positiveInt(MAX_POLL_SESSIONS, DEFAULT_MAX_POLL_SESSIONS));
    if (settings.role() == Role.DOWNLINK && s.idleTimeoutMs() <= s.pollHoldMs()) {
      // A held poll has no I/O: the connector would close it before it is answered.
      throw new IllegalArgumentException(
          what
              + " option '"
              + IDLE_TIMEOUT_MS
              + "' ("
              + s.idleTimeoutMs()
              + ") must exceed '"
              + POLL_HOLD_MS
              + "' ("
              + s.pollHoldMs()
              + ")");
    }
    return s;
  }

  /**
   * How often a quiet stream gets a Ping: the granted heartbeat, but well inside the idle timeout.
   */
  long pingIntervalMs(int grantedHeartbeatMs) {
    return Math.max(1, Math.min(grantedHeartbeatMs, idleTimeoutMs / 2));
  }
}
