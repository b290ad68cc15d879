package io.linkgate.tck;

import io.linkgate.api.proto.Frame;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * One connection driven at the wire level by the kit. Used from one thread at a time.
 *
 * <p>A transport whose handshake or errors are not frames maps them: the first frame the kit sends
 * is always a {@code Hello}, which such a transport turns into its own handshake (an HTTP request
 * with a bearer token, gRPC metadata); an error reported out of band (an HTTP status, a gRPC
 * status) is returned by {@link #receive} as an {@code Error} frame with the matching code. A
 * method that cannot be expressed at all may throw {@link UnsupportedOperationException}: the test
 * using it is then reported as skipped, not passed.
 */
public interface RawConnection extends AutoCloseable {
  /** Sends one well-formed frame, as a client would. */
  void send(Frame frame) throws IOException;

  /**
   * Starts a frame whose body is {@code declaredBodyBytes} long, more than the server accepts. A
   * byte-stream transport sends the length prefix and only a few body bytes, so the test also
   * proves the limit is checked before the body is buffered; a message transport sends the whole
   * message.
   */
  void sendOversizedFrame(int declaredBodyBytes) throws IOException;

  /** Sends bytes that do not decode as a frame (a corrupt body behind a valid length, say). */
  void sendGarbage() throws IOException;

  /**
   * Sends {@code frame} as a slowloris client does: its bytes (for a transport whose handshake is
   * not a frame, the bytes of that handshake) one at a time, {@code gap} apart, for at most {@code
   * atMost}, returning early once a write fails because the server closed the connection. {@link
   * Trickle#write} does the writing for a byte stream. A transport that cannot express it keeps this
   * default, and the check using it is reported as skipped.
   */
  default void sendTrickled(Frame frame, Duration gap, Duration atMost) throws IOException {
    throw new UnsupportedOperationException("trickled sends");
  }

  /**
   * Stops consuming what the server sends until the next {@link #receive}, so the server's outbound
   * bound is reached. Keep client-side buffering small (for TCP, a small receive buffer set before
   * connecting) so the kit does not need to push much.
   */
  void pauseReading();

  /**
   * The next frame from the server.
   *
   * @return the frame, or {@code null} once the server has closed the connection (an orderly close
   *     or a reset)
   * @throws TimeoutException if neither happened within {@code timeout}
   */
  Frame receive(Duration timeout) throws IOException, TimeoutException;

  /** Closes the connection. Idempotent. */
  @Override
  void close();
}
