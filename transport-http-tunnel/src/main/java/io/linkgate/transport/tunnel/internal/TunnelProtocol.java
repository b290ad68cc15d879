package io.linkgate.transport.tunnel.internal;

/** The names on the wire that the server and the client side must agree on. */
public final class TunnelProtocol {
  private TunnelProtocol() {}

  /** The transport's name, in configuration and in {@code Endpoint.transport}. */
  public static final String NAME = "http-tunnel";

  /** Uplink: POST, body and answer are frames. */
  public static final String UPLINK_PATH = "/v1/tunnel/uplink";

  /**
   * Downlink: GET streams or long-polls; POST carries the frames a client sends on its downlink;
   * DELETE ends the downlink session.
   */
  public static final String DOWNLINK_PATH = "/v1/tunnel/downlink";

  /** Request and response bodies: varint32-length-prefixed frames. */
  public static final String CONTENT_TYPE = "application/x-linkgate-frames";

  /** The error code of an error response, for humans and curl; the body has the Error frame. */
  public static final String ERROR_HEADER = "X-Linkgate-Error";

  /** On the poll response that carries a closed session's last frames. */
  public static final String CLOSED_HEADER = "X-Linkgate-Closed";

  public static final String DEVICE_ID = "device_id";
  public static final String CLIENT_VERSION = "client_version";
  public static final String RESUME_FROM_SEQ = "resume_from_seq";
  public static final String RESUME_EPOCH = "resume_epoch";
  public static final String HEARTBEAT_MS = "heartbeat_ms";
  public static final String MODE = "mode";
  public static final String SESSION_ID = "session_id";

  /**
   * {@code end=true} on a downlink POST ends the session, as DELETE does: many proxies let only GET
   * and POST through (squid configured so denies DELETE), and the gateway should not learn of a
   * closed downlink only when its next write fails.
   */
  public static final String END = "end";
  public static final String HOLD_MS = "hold_ms";

  public static final String MODE_STREAM = "stream";
  public static final String MODE_POLL = "poll";
}
