package io.linkgate.transport.tunnel.internal.client;

import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.transport.tunnel.internal.OptionReader;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * The tunnel client's own options ({@code ClientTransportOptions.options}).
 *
 * @param mode how the downlink is carried
 * @param pollHoldMs longest hold asked of the server for a long-poll
 * @param stallMs how long a stream may bring no byte before it is given up; 0: 2.5 times the
 *     granted heartbeat (the server pings at least that often), and half the connect timeout for
 *     the first Welcome
 * @param maxFramesPerRequest most frames batched into one POST (the server's limit, 64 by default)
 * @param maxRequestBytes most bytes batched into one POST (the server's limit, 256 KiB by default);
 *     a larger frame still goes, alone
 * @param trustCertificates PEM certificates to trust instead of the JDK's, if any
 */
record ClientSettings(
    Mode mode,
    long pollHoldMs,
    long stallMs,
    int maxFramesPerRequest,
    int maxRequestBytes,
    Optional<Path> trustCertificates) {

  enum Mode {
    AUTO,
    STREAM,
    POLL
  }

  static final String MODE = "mode";
  static final String POLL_HOLD_MS = "poll-hold-ms";
  static final String STALL_MS = "stall-ms";
  static final String MAX_FRAMES_PER_REQUEST = "max-frames-per-request";
  static final String MAX_REQUEST_BYTES = "max-request-bytes";
  static final String TRUST_CERTIFICATES = "trust-certificates";

  /** The server's default body limit. */
  static final int DEFAULT_MAX_REQUEST_BYTES = 256 * 1024;

  private static final Set<String> KNOWN =
      Set.of(
          MODE,
          POLL_HOLD_MS,
          STALL_MS,
          MAX_FRAMES_PER_REQUEST,
          MAX_REQUEST_BYTES,
          TRUST_CERTIFICATES);

  static ClientSettings of(ClientTransportOptions options) {
    OptionReader o = OptionReader.of(options.options(), KNOWN, "http-tunnel client");
    Mode mode =
        switch (o.choice(MODE, "auto", "auto", "stream", "poll")) {
          case "stream" -> Mode.STREAM;
          case "poll" -> Mode.POLL;
          default -> Mode.AUTO;
        };
    return new ClientSettings(
        mode,
        o.positiveLong(POLL_HOLD_MS, 25_000),
        o.has(STALL_MS) ? o.positiveLong(STALL_MS, 1) : 0,
        o.positiveInt(MAX_FRAMES_PER_REQUEST, 64),
        o.positiveInt(MAX_REQUEST_BYTES, DEFAULT_MAX_REQUEST_BYTES),
        o.path(TRUST_CERTIFICATES));
  }

  /** How long a stream may stay silent once its Welcome said the heartbeat. */
  long stallMs(int grantedHeartbeatMs) {
    if (stallMs > 0) {
      return stallMs;
    }
    // The server pings at least every granted interval; allow for a late one plus latency.
    return Math.max((long) (grantedHeartbeatMs * 2.5), grantedHeartbeatMs + 1_000L);
  }
}
