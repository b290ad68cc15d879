package io.linkgate.router.store;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.proto.Push;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Per-user seq spaces and bounded inboxes. Each user's seqs start at 1 and grow by one per direct
 * push. An epoch names a seq space: when a store loses a user's state (evicted after a long idle
 * time, a Redis key expired) the next access starts a new space with a new epoch, and clients that
 * resume against the old one are told to resync.
 */
public interface Inboxes {
  /**
   * Atomically assigns the user's next seq, sets it on {@code push}, builds it and keeps it in the
   * user's inbox (dropping the oldest entry past the bound).
   */
  CompletionStage<Appended> append(String userId, Push.Builder push);

  /**
   * Appends a push as {@link #append(String, Push.Builder)} would. Stores that keep pushes as bytes
   * should override it to store {@link PendingPush#frame(long)} and answer with the frame alone
   * ({@link Appended#ofFrame}), so that no {@code Push} is built for a push nobody reads as one;
   * this default builds it.
   */
  default CompletionStage<Appended> append(String userId, PendingPush push) {
    return append(userId, push.toBuilder(0));
  }

  /**
   * Appends several pushes as {@link #append} would, giving them consecutive seqs in list order.
   * Stores should override it to take the user's state once for the whole batch; this default
   * appends one after the other.
   */
  default CompletionStage<List<Appended>> appendAll(String userId, List<Push.Builder> pushes) {
    CompletionStage<List<Appended>> chain =
        CompletableFuture.completedFuture(new ArrayList<>(pushes.size()));
    for (Push.Builder push : pushes) {
      chain =
          chain.thenCompose(
              done ->
                  append(userId, push)
                      .thenApply(
                          appended -> {
                            done.add(appended);
                            return done;
                          }));
    }
    return chain;
  }

  /**
   * Appends several pushes as {@link #appendAll} would. Stores that keep pushes as bytes should
   * override it as {@link #append(String, PendingPush)}; this default builds each push.
   */
  default CompletionStage<List<Appended>> appendAllPending(String userId, List<PendingPush> pushes) {
    List<Push.Builder> builders = new ArrayList<>(pushes.size());
    for (PendingPush push : pushes) {
      builders.add(push.toBuilder(0));
    }
    return appendAll(userId, builders);
  }

  /**
   * What the inbox holds after {@code afterSeq}, in seq order, with the user's current last seq and
   * epoch.
   */
  CompletionStage<Slice> readAfter(String userId, long afterSeq);

  /**
   * About how many users have an inbox here, for a gauge read at scrape time; empty when the store
   * cannot tell cheaply (Redis would need a scan of its key space). Never blocks.
   */
  default OptionalLong userCount() {
    return OptionalLong.empty();
  }

  /**
   * The most pushes kept per user, if the store bounds them and knows the bound. The router stores
   * a run of sends in pieces small beside it (see {@code DefaultBusinessHandler}); empty: pieces
   * of the default size.
   */
  default OptionalInt capacity() {
    return OptionalInt.empty();
  }

  /**
   * A push as stored and the epoch of the seq space it belongs to.
   *
   * @param seq the push's seq
   * @param push the push; null when the store kept only its {@code frame}, which is then parsed
   *     by {@link #push()} if anyone asks
   * @param frame the push as an encoded {@code Frame}, when the store has those bytes anyway (it
   *     keeps pushes as bytes, or relays them from another node), so that delivery writes them
   *     instead of encoding the push again; null otherwise
   */
  record Appended(long seq, Push push, String epoch, EncodedFrame frame) {
    public Appended {
      if (push == null && frame == null) {
        throw new IllegalArgumentException("a push or its frame is needed");
      }
    }

    /** A push the store encoded. */
    public Appended(Push push, String epoch, EncodedFrame frame) {
      this(push.getSeq(), push, epoch, frame);
    }

    /** A push the store did not encode. */
    public Appended(Push push, String epoch) {
      this(push.getSeq(), push, epoch, null);
    }

    /** A push known only by its encoded frame. */
    public static Appended ofFrame(long seq, String epoch, EncodedFrame frame) {
      return new Appended(seq, null, epoch, frame);
    }

    @Override
    public Push push() {
      return push != null ? push : frame.frame().getPush();
    }
  }

  /**
   * @param pushes the held pushes with seq greater than the requested one, in seq order
   * @param lastSeq the highest seq assigned so far (0 for none)
   * @param epoch the current seq space
   * @param complete true if {@code pushes} holds every seq from the requested one + 1 to {@code
   *     lastSeq}; false if older pushes were dropped or the requested seq is beyond {@code lastSeq}
   */
  record Slice(List<Push> pushes, long lastSeq, String epoch, boolean complete) {
    public Slice {
      pushes = List.copyOf(pushes);
    }
  }
}
