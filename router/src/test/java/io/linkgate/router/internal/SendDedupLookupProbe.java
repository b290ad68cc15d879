package io.linkgate.router.internal;

import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.SendAck;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Not a test: a main that prints what one {@link SendDedup#once} of a new key costs (ns per call)
 * (CPU time of the calling thread) in a full window of the default capacity, the lookups and the index upkeep of the dedup alone,
 * as the benchmarks drive it: user ids from a few thousand, client ids counting up, each attempt
 * acked at once in the router handler's form. The keys and acks are made outside the timed
 * stretches. Run by hand with the router's test class path: {@code java -cp ...
 * io.linkgate.router.internal.SendDedupLookupProbe [rounds after 8 of warm-up] [sends per round] [KB of other work a send]}.
 */
final class SendDedupLookupProbe {
  private static final long CAPACITY = 100_000; // Router.Builder's default
  private static final int USERS = 4000;
  private static final int CHUNK = 10_000;
  /**
   * The thread's CPU time, not the wall clock: the machine is shared, and time spent descheduled
   * swamped the difference to measure.
   */
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 11;
    int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 300_000;
    int otherKb = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    OtherWork other = otherKb > 0 ? new OtherWork(otherKb) : null;
    String[] users = new String[USERS];
    for (int i = 0; i < USERS; i++) {
      users[i] = "user-" + i;
    }
    Ids msgIds = new Ids("node-1", "m");
    SendDedup dedup = new SendDedup(CAPACITY, Duration.ofMinutes(10), System::nanoTime, msgIds);
    Acks acks = new Acks(msgIds);
    long[] sent = {0};
    // Warm-up: the window fills, so every measured send also drops the oldest, and the compiler
    // is done (with other jobs on the machine the first three rounds were two to three times slower).
    for (int i = 0; i < 8; i++) {
      run(dedup, users, acks, sent, perRound, other);
    }
    double[] nsPerSend = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      nsPerSend[r] = run(dedup, users, acks, sent, perRound, other) / (double) perRound;
      System.out.printf("round %d: %.1f ns per once%n", r, nsPerSend[r]);
    }
    Arrays.sort(nsPerSend);
    System.out.printf(
        "median %.1f ns per once (min %.1f, max %.1f), window %d answers, %d KB other work a send%s%n",
        nsPerSend[rounds / 2], nsPerSend[0], nsPerSend[rounds - 1], dedup.size(), otherKb,
        other == null ? "" : ", " + other.dropped + " calls over " + OtherWork.DROP_NANOS + " ns left out");
  }

  /**
   * Sends {@code n} new keys; returns the nanoseconds spent inside {@code once}: the thread's CPU
   * time, or with {@code other} work between the calls, each call's time on the clock.
   */
  private static long run(
      SendDedup dedup, String[] users, Acks acks, long[] sent, int n, OtherWork other) {
    String[] clientIds = new String[CHUNK];
    String[] userIds = new String[CHUNK];
    long nanos = 0;
    for (int done = 0; done < n; done += CHUNK) {
      for (int i = 0; i < CHUNK; i++) {
        long k = sent[0]++;
        clientIds[i] = "client-msg-" + k;
        userIds[i] = users[(int) (k % users.length)];
      }
      acks.prepare(clientIds);
      if (other != null) {
        nanos += other.between(dedup, userIds, clientIds, acks);
        continue;
      }
      long t0 = THREADS.getCurrentThreadCpuTime();
      for (int i = 0; i < CHUNK; i++) {
        dedup.once(userIds[i], clientIds[i], acks);
      }
      nanos += THREADS.getCurrentThreadCpuTime() - t0;
    }
    return nanos;
  }

  /**
   * The rest of a send's path, as far as the caches see it: between two calls, {@code kb} of a
   * buffer larger than the last-level cache is read and written, which evicts the window's lines
   * from the nearer caches as a router's other work does. Without it the window's index stays
   * mostly in the second-level cache and the probe understates what a lookup's misses cost. Each
   * call is then timed alone on the clock; a call that took longer than {@link #DROP_NANOS} was
   * descheduled or stopped for a collection (the machine is shared) and is left out.
   */
  private static final class OtherWork {
    static final long DROP_NANOS = 20_000;
    private final long[] buffer = new long[64 << 20 >> 3];
    private final int linesPerSend;
    private int position;
    long dropped;

    OtherWork(int kb) {
      this.linesPerSend = kb * 1024 / 64;
    }

    long between(SendDedup dedup, String[] userIds, String[] clientIds, Acks acks) {
      long nanos = 0;
      int left = 0;
      for (int i = 0; i < userIds.length; i++) {
        for (int line = 0; line < linesPerSend; line++) {
          buffer[position]++;
          position = position + 8 < buffer.length ? position + 8 : 0;
        }
        long t0 = System.nanoTime();
        dedup.once(userIds[i], clientIds[i], acks);
        long took = System.nanoTime() - t0;
        if (took > DROP_NANOS) {
          left++;
          took = nanos / Math.max(1, i - left); // counted at the mean of the others
        }
        nanos += took;
      }
      dropped += left;
      return nanos;
    }
  }

  /** The attempt: hands out, one per call, acks made beforehand, as the handler would make them. */
  private static final class Acks implements Supplier<CompletionStage<Frame>> {
    private final Ids msgIds;
    private final long serverTime = System.currentTimeMillis();
    private final CompletionStage<Frame>[] ready;
    private int next;

    @SuppressWarnings("unchecked")
    Acks(Ids msgIds) {
      this.msgIds = msgIds;
      this.ready = new CompletionStage[CHUNK];
    }

    void prepare(String[] clientIds) {
      for (int i = 0; i < clientIds.length; i++) {
        ready[i] = CompletableFuture.completedStage(Frame.newBuilder()
            .setSendAck(SendAck.newBuilder()
                .setClientMsgId(clientIds[i])
                .setMsgId(msgIds.next())
                .setServerTimeMs(serverTime))
            .build());
      }
      next = 0;
    }

    @Override
    public CompletionStage<Frame> get() {
      return ready[next++];
    }
  }
}
