package io.linkgate.client;

import java.util.Objects;

/**
 * Where a device stands in its user's push sequence: the last contiguous seq handed to the app, in
 * the seq space named by {@code epoch}. Persist it and pass it to {@link
 * LinkgateClient.Builder#resumeFrom(Cursor)} so a restarted app resumes where it stopped.
 *
 * @param seq the last contiguous seq delivered, 0 for none
 * @param epoch the server's name for the seq space, empty when not known yet
 */
public record Cursor(long seq, String epoch) {
  /** A device that has received nothing yet. */
  public static final Cursor START = new Cursor(0, "");

  public Cursor {
    Objects.requireNonNull(epoch, "epoch (use \"\" when unknown)");
    if (seq < 0) {
      throw new IllegalArgumentException("seq must be >= 0, got " + seq);
    }
  }
}
