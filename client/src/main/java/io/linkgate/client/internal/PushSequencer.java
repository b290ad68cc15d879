package io.linkgate.client.internal;

import io.linkgate.api.proto.Welcome;
import io.linkgate.client.Cursor;

/**
 * The seq bookkeeping of one downlink, free of threads and I/O: which pushes to deliver, which are
 * duplicates, when a gap or a resync happened. Used on the scheduler thread only.
 */
final class PushSequencer {
  enum Verdict {
    /** The next push in order: deliver it, then {@link #accept(long)} it. */
    DELIVER,
    /** A room push (seq 0): deliver as it comes, no bookkeeping. */
    ROOM,
    /** Already received: drop it. */
    DUPLICATE,
    /** Pushes are missing before this one: do not deliver; resume so the server replays. */
    GAP
  }

  private long received;
  private String epoch;
  private boolean rebaseOnNext;

  PushSequencer(Cursor start) {
    this.received = start.seq();
    this.epoch = start.epoch();
  }

  /** The last contiguous seq received: the resume point for the next Hello. */
  long received() {
    return received;
  }

  String epoch() {
    return epoch;
  }

  /**
   * Takes in a Welcome.
   *
   * @return true if the app must resync: the server could not resume, or the seq space changed.
   *     Then the next push is accepted wherever it starts; until it comes, the resume point is the
   *     server's last seq, past everything a full sync covers.
   */
  boolean onWelcome(Welcome welcome) {
    boolean epochChanged = !epoch.isEmpty() && !epoch.equals(welcome.getEpoch());
    if (!welcome.getResumed() || epochChanged) {
      epoch = welcome.getEpoch();
      received = welcome.getLastSeq();
      rebaseOnNext = true;
      return true;
    }
    if (epoch.isEmpty()) {
      epoch = welcome.getEpoch();
    }
    return false;
  }

  Verdict classify(long seq) {
    if (seq == 0) {
      return Verdict.ROOM;
    }
    if (rebaseOnNext || seq == received + 1) {
      return Verdict.DELIVER;
    }
    return seq <= received ? Verdict.DUPLICATE : Verdict.GAP;
  }

  /** Records that {@code seq}, classified {@link Verdict#DELIVER}, was handed on. */
  void accept(long seq) {
    received = seq;
    rebaseOnNext = false;
  }
}
