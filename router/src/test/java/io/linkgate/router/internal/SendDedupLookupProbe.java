package io.linkgate.router.internal;

import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.SendAck;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Not a test: a main that prints what one {@link SendDedup#once} of a new key costs (ns per call)
 * in a full window of the default capacity, the lookups and the index upkeep of the dedup alone,
 * as the benchmarks drive it: user ids from a few thousand, client ids counting up, each attempt
 * acked at once in the router handler's form. The keys and acks are made outside the timed
 * stretches. Run by hand with the router's test class path: {@code java -cp ...
 * io.linkgate.router.internal.SendDedupLookupProbe [rounds] [sends per round]}.
 */
final class SendDedupLookupProbe {
  private static final long CAPACITY = 100_000; // Router.Builder's default
  private static final int USERS = 4000;
  private static final int CHUNK = 10_000;

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
    int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 300_000;
    String[] users = new String[USERS];
    for (int i = 0; i < USERS; i++) {
      users[i] = "user-" + i;
    }
    Ids msgIds = new Ids("node-1", "m");
    SendDedup dedup = new SendDedup(CAPACITY, Duration.ofMinutes(10), System::nanoTime, msgIds);
    Acks acks = new Acks(msgIds);
    long[] sent = {0};
    // Warm-up: fill the window twice over, so every measured send also drops the oldest.
    for (int i = 0; i < 3; i++) {
      run(dedup, users, acks, sent, perRound);
    }
    double[] nsPerSend = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      nsPerSend[r] = run(dedup, users, acks, sent, perRound) / (double) perRound;
      System.out.printf("round %d: %.1f ns per once%n", r, nsPerSend[r]);
    }
    Arrays.sort(nsPerSend);
    System.out.printf(
        "median %.1f ns per once (min %.1f, max %.1f), window %d answers%n",
        nsPerSend[rounds / 2], nsPerSend[0], nsPerSend[rounds - 1], dedup.size());
  }

  /** Sends {@code n} new keys; returns the nanoseconds spent inside {@code once}. */
  private static long run(SendDedup dedup, String[] users, Acks acks, long[] sent, int n) {
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
      long t0 = System.nanoTime();
      for (int i = 0; i < CHUNK; i++) {
        dedup.once(userIds[i], clientIds[i], acks);
      }
      nanos += System.nanoTime() - t0;
    }
    return nanos;
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
