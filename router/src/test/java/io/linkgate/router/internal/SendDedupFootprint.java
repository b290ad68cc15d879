package io.linkgate.router.internal;

import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.SendAck;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Not a test: prints the heap a full dedup window retains per remembered answer. Run by hand (see
 * the class comment of {@link SendDedup}); a number measured this way is too noisy for an assertion.
 *
 * <p>Keys and user ids are made before the first reading and kept to the end, so the figure is
 * the window's own structures plus the answer it keeps (the window keeps no key strings alive).
 */
final class SendDedupFootprint {
  private static final int ANSWERS = 100_000;

  public static void main(String[] args) {
    String[] users = new String[1000];
    for (int i = 0; i < users.length; i++) {
      users[i] = "user-" + i;
    }
    String[] clientIds = new String[ANSWERS];
    for (int i = 0; i < ANSWERS; i++) {
      clientIds[i] = "client-msg-" + i;
    }
    Ids msgIds = new Ids("node-1", "m");
    long serverTime = System.currentTimeMillis();
    long before = usedHeap();
    SendDedup dedup = new SendDedup(ANSWERS, Duration.ofMinutes(10), System::nanoTime, msgIds);
    for (int i = 0; i < ANSWERS; i++) {
      String clientId = clientIds[i];
      dedup.once(users[i % users.length], clientId, () -> CompletableFuture.completedFuture(
          Frame.newBuilder()
              .setSendAck(SendAck.newBuilder()
                  .setClientMsgId(clientId)
                  .setMsgId(msgIds.next())
                  .setServerTimeMs(serverTime))
              .build()));
    }
    long after = usedHeap();
    int kept = dedup.size();
    System.out.printf("%d sends, %d answers kept, %.1f bytes retained per kept answer%n",
        ANSWERS, kept, (after - before) / (double) kept);
    if (users.length + clientIds.length == 0) {
      System.out.println(dedup); // keeps the keys and the window reachable up to the last reading
    }
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }
}
