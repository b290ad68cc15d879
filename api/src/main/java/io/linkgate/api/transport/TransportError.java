package io.linkgate.api.transport;

/**
 * The kinds of trouble a transport counts, a small closed set so a metric labelled by it stays
 * bounded. New kinds may be added; a consumer should treat one it does not know as {@link #IO}.
 */
public enum TransportError {
  /** A frame that is not protobuf, of an unknown kind, or out of place (no {@code Hello} first). */
  BAD_FRAME,
  /** A frame (or a request body) over the size limit. */
  FRAME_TOO_LARGE,
  /** No valid {@code Hello} within the handshake timeout. */
  HANDSHAKE_TIMEOUT,
  /** The TLS handshake failed, or a plain-text client reached a TLS port. */
  TLS,
  /** The connection failed under the transport: a reset, a broken body, a failed write. */
  IO
}
