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
 *     must exceed the poll hold; it also caps the miss window of a poll session's expiry
 * @param maxAgeMs a downlink stream is ended after this long; the client reconnects and resumes
 * @param pollHoldMs longest time a long-poll waits for frames
 * @param maxRequestBytes largest request body
 * @param maxFramesPerRequest most frames in one request body
 * @param bodyTimeoutMs how long a request body may take to arrive in full, however it trickles
 * @param maxBufferedBodyBytes most bytes of request bodies this server holds at once, over all
 *     requests; past it new bodies are refused with 503
 * @param h2c whether HTTP/2 cleartext is also accepted on the plain ports
 * @param corsOrigins origins a browser page may call from ({@code *} for any); empty: CORS off
 * @param threads most request threads of the role's server
 * @param selectors selector threads of each of the role's ports; the tunnel's handlers never
 *     block, so Jetty runs them on the selector thread that read the request, and these are the
 *     threads that do the requests' work: by default one per core (all ports' together at most a
 *     quarter of {@code threads}), where Jetty's own default (half the cores) suits handlers that
 *     block and are handed to the pool
 * @param maxPollSessions most long-poll sessions held at once
 * @param maxPollSessionsPerUser most long-poll sessions one user holds at once (one per device)
 */
record ServerSettings(
    long idleTimeoutMs,
    long maxAgeMs,
    long pollHoldMs,
    int maxRequestBytes,
    int maxFramesPerRequest,
    long bodyTimeoutMs,
    long maxBufferedBodyBytes,
    boolean h2c,
    List<String> corsOrigins,
    int threads,
    int selectors,
    int maxPollSessions,
    int maxPollSessionsPerUser) {

  static final String IDLE_TIMEOUT_MS = "idle-timeout-ms";
  static final String MAX_AGE_MS = "max-age-ms";
  static final String POLL_HOLD_MS = "poll-hold-ms";
  static final String MAX_REQUEST_BYTES = "max-request-bytes";
  static final String MAX_FRAMES_PER_REQUEST = "max-frames-per-request";
  static final String BODY_TIMEOUT_MS = "body-timeout-ms";
  static final String MAX_BUFFERED_BODY_BYTES = "max-buffered-body-bytes";
  static final String H2C = "h2c";
  static final String CORS_ORIGINS = "cors-origins";
  static final String THREADS = "threads";
  static final String SELECTORS = "selectors";
  static final String MAX_POLL_SESSIONS = "max-poll-sessions";
  static final String MAX_POLL_SESSIONS_PER_USER = "max-poll-sessions-per-user";

  private static final Set<String> KNOWN =
      Set.of(
          IDLE_TIMEOUT_MS,
          MAX_AGE_MS,
          POLL_HOLD_MS,
          MAX_REQUEST_BYTES,
          MAX_FRAMES_PER_REQUEST,
          BODY_TIMEOUT_MS,
          MAX_BUFFERED_BODY_BYTES,
          H2C,
          CORS_ORIGINS,
          THREADS,
          SELECTORS,
          MAX_POLL_SESSIONS,
          MAX_POLL_SESSIONS_PER_USER);

  static final long DEFAULT_DOWNLINK_IDLE_TIMEOUT_MS = 60_000;
  static final long DEFAULT_MAX_AGE_MS = 300_000;
  static final long DEFAULT_POLL_HOLD_MS = 25_000;

  /** Four frames of the default 64 KiB limit: a POST never holds more than that. */
  static final int DEFAULT_MAX_REQUEST_BYTES = 256 * 1024;

  static final int DEFAULT_MAX_FRAMES_PER_REQUEST = 64;

  /** As TCP's default handshake timeout: a body is sent at once or not at all. */
  static final long DEFAULT_BODY_TIMEOUT_MS = 10_000;

  /** 256 bodies of the default maximum in flight at once; a node easily spares that. */
  static final long DEFAULT_MAX_BUFFERED_BODY_BYTES = 64L * 1024 * 1024;

  static final int DEFAULT_THREADS = 64;
  static final int DEFAULT_MAX_POLL_SESSIONS = 100_000;
  static final int DEFAULT_MAX_POLL_SESSIONS_PER_USER = 16;

  static ServerSettings of(TransportSettings settings) {
    String what = "http-tunnel " + settings.role().name().toLowerCase(Locale.ROOT);
    OptionReader options = OptionReader.of(settings.options(), KNOWN, what);
    long defaultIdle =
        settings.role() == Role.UPLINK
            ? Math.max(1, settings.limits().uplinkIdleTimeout().toMillis())
            : DEFAULT_DOWNLINK_IDLE_TIMEOUT_MS;
    int threads = options.positiveInt(THREADS, DEFAULT_THREADS);
    int ports = Math.max(1, settings.ports().size());
    ServerSettings s =
        new ServerSettings(
            options.positiveLong(IDLE_TIMEOUT_MS, defaultIdle),
            options.positiveLong(MAX_AGE_MS, DEFAULT_MAX_AGE_MS),
            options.positiveLong(POLL_HOLD_MS, DEFAULT_POLL_HOLD_MS),
            options.positiveInt(MAX_REQUEST_BYTES, DEFAULT_MAX_REQUEST_BYTES),
            options.positiveInt(MAX_FRAMES_PER_REQUEST, DEFAULT_MAX_FRAMES_PER_REQUEST),
            options.positiveLong(BODY_TIMEOUT_MS, DEFAULT_BODY_TIMEOUT_MS),
            options.positiveLong(MAX_BUFFERED_BODY_BYTES, DEFAULT_MAX_BUFFERED_BODY_BYTES),
            options.bool(H2C, false),
            options.list(CORS_ORIGINS),
            threads,
            options.positiveInt(SELECTORS, defaultSelectors(threads, ports)),
            options.positiveInt(MAX_POLL_SESSIONS, DEFAULT_MAX_POLL_SESSIONS),
            options.positiveInt(MAX_POLL_SESSIONS_PER_USER, DEFAULT_MAX_POLL_SESSIONS_PER_USER));
    if (settings.role() == Role.DOWNLINK && s.idleTimeoutMs() <= s.pollHoldMs()) {
      // A held poll has no I/O: the connector would close it before it is answered.
      throw compared(
          what, IDLE_TIMEOUT_MS, s.idleTimeoutMs(), "must exceed", POLL_HOLD_MS, s.pollHoldMs());
    }
    if ((long) ports * (s.selectors() + 1) + 1 > s.threads()) {
      // Each port's acceptor and selectors hold a pool thread for good; requests need one more.
      throw new IllegalArgumentException(
          what
              + " option '"
              + SELECTORS
              + "' ("
              + s.selectors()
              + ") leaves no thread for requests: "
              + ports
              + " port(s) x (selectors + 1 acceptor) + 1 must be at most '"
              + THREADS
              + "' ("
              + s.threads()
              + ")");
    }
    if (s.maxBufferedBodyBytes() < s.maxRequestBytes()) {
      // Else a body the limit allows could never be taken in.
      throw compared(
          what,
          MAX_BUFFERED_BODY_BYTES,
          s.maxBufferedBodyBytes(),
          "must be at least",
          MAX_REQUEST_BYTES,
          s.maxRequestBytes());
    }
    return s;
  }

  /** One per core on each port, leaving at least three quarters of the pool to other work. */
  static int defaultSelectors(int threads, int ports) {
    return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), threads / (4 * ports)));
  }

  private static IllegalArgumentException compared(
      String what, String key, long value, String relation, String otherKey, long other) {
    return new IllegalArgumentException(
        what
            + " option '"
            + key
            + "' ("
            + value
            + ") "
            + relation
            + " '"
            + otherKey
            + "' ("
            + other
            + ")");
  }

  /**
   * How long a poll session lives without a poll: the hold plus the heartbeat miss window, but the
   * miss window at most the idle timeout, so that a client asking for a long heartbeat cannot keep
   * an abandoned session (its slot, its queue, the core's session) for many minutes.
   */
  long pollExpiryMs(long missWindowMs) {
    return pollHoldMs + Math.min(missWindowMs, idleTimeoutMs);
  }

  /**
   * How often a quiet stream gets a Ping: the granted heartbeat, but well inside the idle timeout.
   */
  long pingIntervalMs(int grantedHeartbeatMs) {
    return Math.max(1, Math.min(grantedHeartbeatMs, idleTimeoutMs / 2));
  }
}
