package io.linkgate.api.transport;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.proto.Frame;

/**
 * The server-to-client direction of one downlink connection, implemented by the transport.
 *
 * <p>Frames go out in the order {@code send} was called, from any thread. The outbound queue is
 * bounded in bytes: a client that does not read is disconnected rather than buffered without end.
 */
public interface DownlinkChannel {
  /**
   * Queues {@code frame} for the client. Never blocks.
   *
   * @return false if the frame was not queued: the channel is closed, or this frame would pass the
   *     outbound bound, in which case the channel sends {@code Error SLOW_CONSUMER} and closes (the
   *     client reconnects and resumes from its last seq)
   */
  boolean send(EncodedFrame frame);

  /**
   * Sends {@code lastFrame} (a {@code GoAway} or {@code Error}; null for none) after what is queued,
   * then closes. Idempotent; the session's {@link DownlinkSession#onClosed()} follows.
   */
  void close(Frame lastFrame);

  boolean isOpen();

  /**
   * Runs {@code task} once what is queued now has been handed to the connection and it can take
   * more without nearing the bound; at once if it can now. The core paces long replays with it, so
   * a client catching up on a large backlog is not mistaken for a slow consumer. A task is dropped
   * if the channel closes first. Transports whose {@link #send} never refuses a reading client
   * may keep this default, which runs the task at once.
   */
  default void whenWritable(Runnable task) {
    task.run();
  }
}
