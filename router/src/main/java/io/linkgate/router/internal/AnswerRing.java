package io.linkgate.router.internal;

import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.SendAck;
import java.lang.reflect.Array;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One stripe of the {@link SendDedup} window: the latest sends, each a slot (its numbers side by
 * side in one array, its answer in another) of a ring in arrival order, so the oldest is always
 * at the tail and dropping it at the capacity or the ttl is a step of the tail. A {@link
 * SlotIndex} finds a slot by its (user, client_msg_id) and holds each key's hash, which the ring
 * does not keep.
 *
 * <p>A slot keeps its key as a {@link KeyFingerprint}, two longs, not as the key's strings: the
 * ring holds no reference to what a request made, so a collection copies nothing of the window's
 * but the futures of sends in flight (see {@link KeyFingerprint} for what holding strings cost).
 *
 * <p>A kept {@code SendAck} is not kept as a frame: the ack the router's own handler makes echoes
 * the client_msg_id (the key) and carries a msg id from {@code msgIds} and a server time, so the
 * slot holds the msg id's number and the time, and a retry gets an equal frame made anew, with the
 * retry's client_msg_id. A business handler's own msg ids are kept as numbers too where they are a
 * decimal number (snowflake ids) or a prefix and a base-36 counter (the prefix one object for the
 * slots that share it); other msg ids as strings. An ack in any other form (another
 * client_msg_id, unknown fields) is kept as it is.
 *
 * <p>Not thread-safe: every call is made holding the ring's lock.
 */
final class AnswerRing {
  /** The most slots a ring holds, whatever the capacity: its index stays a Java array. */
  static final int MAX_SLOTS = 1 << 29;
  /** A ring grows to its capacity as sends arrive: a large window little used costs little. */
  private static final int FIRST_SLOTS = 64;
  /**
   * How many of the latest slots a settle looks through for its attempt before a lookup by key:
   * a batch of 16 sends spreads over the stripes, and other threads' sends come between.
   */
  private static final int RECENT = 8;
  /**
   * In {@link #answers}: the ack's msg id is a decimal number, kept at {@link #MSG_NUMBER}. A
   * business handler's own msg ids are often such (snowflake ids), and kept as strings they were
   * the window's only objects of its own: each young collection copied the latest 100,000.
   */
  private static final Object DECIMAL_MSG_ID = new Object();
  /** The most digits a decimal msg id kept as a number has: a long's (snowflakes have 19). */
  private static final int MAX_DECIMAL_DIGITS = 19;
  private static final String MAX_DECIMAL = Long.toString(Long.MAX_VALUE);
  /** The most base-36 digits of a counter kept as a number: any of them fits a long. */
  private static final int MAX_COUNTER_DIGITS = 12;

  /** A slot's numbers in {@link #numbers}: {@code numbers[slot * STRIDE + KEY_HIGH]} and so on. */
  private static final int STRIDE = 5;
  /** The key's fingerprint, high half. */
  private static final int KEY_HIGH = 0;
  /** Its low half; 0 where the slot's send failed and was forgotten: a hole until the tail goes. */
  private static final int KEY_LOW = 1;
  private static final int ARRIVED_NANOS = 2;
  /** The acked msg id's number (see {@link #answers}). */
  private static final int MSG_NUMBER = 3;
  /**
   * The ack's server time ({@link #TIME_BITS} low bits) and where the slot's probe chain starts,
   * roughly ({@link SlotIndex#chainHint}, the 16 high bits): enough to take the slot out of the
   * index, which holds the key's whole hash. (Making the hash again from the key's strings cost a
   * cold read of them.)
   */
  private static final int TIME_AND_HINT = 4;
  /** Milliseconds since 1970 fit until the year 10889; an ack with another time is kept whole. */
  private static final int TIME_BITS = 48;
  private static final long TIME_MASK = (1L << TIME_BITS) - 1;

  /**
   * In {@link #answers}: the ack's msg id is this prefix and a base-36 counter, in {@link
   * #MSG_NUMBER}; one object for every slot whose id has the prefix (a generator's node part).
   */
  private record MsgIdPrefix(String text) {}

  private final int capacity;
  private final long ttlNanos;
  private final Ids msgIds;
  private final KeyFingerprint fingerprint;

  /**
   * The slots' numbers, {@link #STRIDE} longs a slot, side by side: a send's claim writes one
   * slot's numbers and its settle reads and writes them again. As a separate array for each number
   * a claim touched seven cache lines besides the index; with two threads sending, a stripe's lines
   * were as often as not last written by the other core, and each had to be fetched from it (the
   * dedup window cost twice as much a send on two threads as on one).
   */
  private long[] numbers;
  /**
   * While in flight the attempt's future; once acked null (the msg id is {@link #MSG_NUMBER}'s),
   * {@link #DECIMAL_MSG_ID}, a {@link MsgIdPrefix}, a msg id string (of another form) or the ack
   * frame itself (not in the usual form).
   */
  private Object[] answers;
  private SlotIndex index;
  /** The prefix of the latest msg id kept as a prefix and a counter. */
  private MsgIdPrefix lastPrefix = new MsgIdPrefix("");
  /** The latest msg id that ends in a counter but was kept whole, its prefix not yet seen twice. */
  private String lastWhole;

  /** The slot the latest send took, where its attempt is settled as a rule. */
  private int lastAdded;

  /** Sends dropped at the capacity while younger than the ttl. */
  private long earlyDrops;
  /** Of those, the sends younger than the client's retries ({@link SendDedup#SHORT_REACH_NANOS}). */
  private long shortDrops;
  /** When the latest send dropped early arrived, if {@link #earlyDrops} is not 0. */
  private long lastEarlyDropArrived;

  private int tail;
  /** Slots from the tail on, holes included. */
  private int used;
  /** Slots holding a send. */
  private int live;

  AnswerRing(long capacity, long ttlNanos, Ids msgIds, KeyFingerprint fingerprint) {
    this.capacity = (int) Math.min(capacity, MAX_SLOTS);
    this.ttlNanos = ttlNanos;
    this.msgIds = msgIds;
    this.fingerprint = fingerprint;
    resize(Math.min(this.capacity, FIRST_SLOTS));
  }

  /**
   * The answer of a send of this key that arrived within the ttl (waiting for it while in flight),
   * or null. Drops the sends past the ttl first.
   *
   * @param high the key's fingerprint, high half ({@link KeyFingerprint#of})
   * @param low its low half
   * @param clientMsgId the key's client id, which a kept ack is made with
   */
  CompletionStage<Frame> answer(int hash, long high, long low, String clientMsgId, long now) {
    while (used > 0 && (num(tail, KEY_LOW) == 0 || now - num(tail, ARRIVED_NANOS) >= ttlNanos)) {
      dropTail();
    }
    int slot = find(hash, high, low);
    if (slot < 0) {
      return null;
    }
    if (now - num(slot, ARRIVED_NANOS) >= ttlNanos) {
      forget(slot); // behind a later arrival only if the clock went back
      return null;
    }
    Object answer = answers[slot];
    if (answer instanceof CompletableFuture<?> inFlight) {
      @SuppressWarnings("unchecked")
      CompletableFuture<Frame> f = (CompletableFuture<Frame>) inFlight;
      return f.minimalCompletionStage();
    }
    if (answer instanceof Frame f) {
      return CompletableFuture.completedStage(f);
    }
    String msgId =
        answer == null
            ? msgIds.idOf(num(slot, MSG_NUMBER))
            : answer == DECIMAL_MSG_ID
                ? Long.toString(num(slot, MSG_NUMBER))
                : answer instanceof MsgIdPrefix p
                    ? p.text() + Long.toString(num(slot, MSG_NUMBER), 36)
                    : (String) answer;
    return CompletableFuture.completedStage(ack(slot, msgId, clientMsgId));
  }

  /**
   * Takes in a new send, dropping the oldest if the ring is at its capacity.
   *
   * @return how long ago the send dropped to make room arrived, if it was dropped before its ttl
   *     (a retry of it would now be taken for a new send), else -1
   */
  long add(int hash, long high, long low, long now, CompletableFuture<Frame> inFlight) {
    long earlyDropAge = -1;
    if (used == answers.length) {
      if (used < capacity) {
        resize((int) Math.min(capacity, 2L * used));
      } else {
        // The tail is a send (answer() dropped holes and sends past the ttl first): it leaves early.
        lastEarlyDropArrived = num(tail, ARRIVED_NANOS);
        earlyDropAge = now - lastEarlyDropArrived;
        earlyDrops++;
        if (earlyDropAge < SendDedup.SHORT_REACH_NANOS) {
          shortDrops++;
        }
        dropTail();
      }
    }
    int slot = slot(used);
    int at = slot * STRIDE;
    numbers[at + KEY_HIGH] = high;
    numbers[at + KEY_LOW] = low;
    numbers[at + ARRIVED_NANOS] = now;
    numbers[at + TIME_AND_HINT] = (long) SlotIndex.chainHint(hash) << TIME_BITS; // time: at the ack
    answers[slot] = inFlight;
    index.add(hash, slot);
    used++;
    live++;
    lastAdded = slot;
    return earlyDropAge;
  }

  /**
   * The send's attempt {@code inFlight} answered {@code frame} (null: it failed): keeps a
   * {@code SendAck}, forgets anything else. Does nothing if the send left the window meanwhile.
   */
  void settle(
      int hash, String userId, String clientMsgId, CompletableFuture<Frame> inFlight, Frame frame) {
    // Only its own send's slot holds the future: one of the last few added, as a rule (the last
    // if the attempt answered at once, one a few back if a batch claimed several first), and
    // then no lookup is needed.
    int slot = recentSlotOf(inFlight);
    if (slot < 0) {
      long[] key = new long[2];
      fingerprint.of(userId, clientMsgId, key);
      slot = find(hash, key[0], key[1]);
    }
    if (slot < 0 || answers[slot] != inFlight) {
      return;
    }
    if (frame == null || frame.getKindCase() != Frame.KindCase.SEND_ACK) {
      forget(slot);
      return;
    }
    SendAck ack = frame.getSendAck();
    if (frame.getUnknownFields().isEmpty()
        && ack.getUnknownFields().isEmpty()
        && ack.getClientMsgId().equals(clientMsgId)
        && (ack.getServerTimeMs() & ~TIME_MASK) == 0) {
      String msgId = ack.getMsgId();
      long n = msgIds.numberOf(msgId);
      if (n >= 0) {
        answers[slot] = null;
      } else if ((n = decimal(msgId)) >= 0) {
        answers[slot] = DECIMAL_MSG_ID;
      } else {
        int counter = counterStart(msgId);
        MsgIdPrefix prefix = counter < 0 ? null : prefix(msgId, counter);
        n = prefix == null ? -1 : counter(msgId, counter);
        answers[slot] = prefix == null ? msgId : prefix;
      }
      int at = slot * STRIDE;
      numbers[at + MSG_NUMBER] = n;
      numbers[at + TIME_AND_HINT] =
          numbers[at + TIME_AND_HINT] & ~TIME_MASK | ack.getServerTimeMs(); // the hint stays
    } else {
      answers[slot] = frame;
    }
  }

  /** The slot among the {@link #RECENT} latest whose answer is {@code inFlight}, or -1. */
  private int recentSlotOf(CompletableFuture<Frame> inFlight) {
    int slot = lastAdded;
    for (int k = Math.min(RECENT, used); k > 0; k--) {
      if (answers[slot] == inFlight) {
        return slot;
      }
      slot = slot == 0 ? answers.length - 1 : slot - 1;
    }
    return -1;
  }

  /** Sends held now. */
  int size() {
    return live;
  }

  /** Sends dropped to make room before their ttl, since the ring was made. */
  long earlyDrops() {
    return earlyDrops;
  }

  /** Of those, the sends dropped younger than {@link SendDedup#SHORT_REACH_NANOS}. */
  long shortDrops() {
    return shortDrops;
  }

  /**
   * How far back the ring reaches at {@code now}: every send that arrived since the latest one
   * dropped early is still here (or left at its ttl, or failed), so the ttl or the time since that
   * one, whichever is shorter. (Not the age of the oldest slot held: holes at the tail go, and then
   * the ring is below its capacity while a send dropped early is still within its ttl.)
   */
  long reachNanos(long now) {
    if (earlyDrops == 0) {
      return ttlNanos;
    }
    return Math.max(0, Math.min(ttlNanos, now - lastEarlyDropArrived));
  }

  /** The ack kept in short form in {@code slot}. */
  private Frame ack(int slot, String msgId, String clientMsgId) {
    return Frame.newBuilder()
        .setSendAck(
            SendAck.newBuilder()
                .setClientMsgId(clientMsgId)
                .setMsgId(msgId)
                .setServerTimeMs(num(slot, TIME_AND_HINT) & TIME_MASK))
        .build();
  }

  /**
   * The value of {@code id} if it is a decimal number written as {@link Long#toString} writes it
   * (no sign, no leading zero) and at most {@link Long#MAX_VALUE}, else -1: such an id comes back
   * from its value as the very same string.
   */
  static long decimal(String id) {
    int n = id.length();
    if (n < 1
        || n > MAX_DECIMAL_DIGITS
        || n > 1 && id.charAt(0) == '0'
        || n == MAX_DECIMAL_DIGITS && id.compareTo(MAX_DECIMAL) > 0) { // digits alike: as numbers
      return -1;
    }
    long value = 0;
    for (int i = 0; i < n; i++) {
      char c = id.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /**
   * Where the base-36 counter that ends {@code id} starts (after its last character that is not a
   * digit or lower-case letter), or -1 if it has none of at most {@link #MAX_COUNTER_DIGITS} digits
   * written as {@link Long#toString(long, int)} writes it (no leading zero).
   */
  static int counterStart(String id) {
    int start = id.length();
    while (start > 0 && isBase36(id.charAt(start - 1))) {
      start--;
    }
    int digits = id.length() - start;
    return digits < 1 || digits > MAX_COUNTER_DIGITS || digits > 1 && id.charAt(start) == '0' ? -1 : start;
  }

  private static boolean isBase36(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'z';
  }

  private static long counter(String id, int start) {
    return Long.parseLong(id, start, id.length(), 36);
  }

  /**
   * The prefix {@code id} has before {@code counterStart} if it is the latest one, or was the
   * previous id's as well (a generator's, now shared); else null, and the id is kept whole: ids
   * whose "prefix" differs every time (UUIDs end in twelve hex digits) would each make one more
   * object than the string.
   */
  private MsgIdPrefix prefix(String id, int counterStart) {
    String last = lastPrefix.text();
    if (last.length() == counterStart && id.startsWith(last)) {
      return lastPrefix;
    }
    String previous = lastWhole;
    if (previous != null
        && counterStart(previous) == counterStart
        && id.regionMatches(0, previous, 0, counterStart)) {
      lastWhole = null;
      lastPrefix = new MsgIdPrefix(id.substring(0, counterStart));
      return lastPrefix;
    }
    lastWhole = id;
    return null;
  }

  private int find(int hash, long high, long low) {
    for (int p = index.first(hash); ; p = index.next(p)) {
      int slot = index.slotAt(p);
      if (slot < 0
          || index.hashAt(p) == hash && num(slot, KEY_LOW) == low && num(slot, KEY_HIGH) == high) {
        return slot;
      }
    }
  }

  private void dropTail() {
    if (num(tail, KEY_LOW) != 0) {
      forget(tail);
    }
    tail = slot(1);
    used--;
  }

  /** Makes {@code slot} a hole: out of the index, its objects let go. */
  private void forget(int slot) {
    index.remove((short) (num(slot, TIME_AND_HINT) >>> TIME_BITS), slot);
    numbers[slot * STRIDE + KEY_LOW] = 0;
    answers[slot] = null;
    live--;
  }

  /** The slot {@code k} places after the tail. */
  private int slot(int k) {
    int s = tail + k;
    return s < answers.length ? s : s - answers.length;
  }

  /** Moves the ring to arrays of {@code slots}, its tail to slot 0, and indexes it anew. */
  private void resize(int slots) {
    boolean first = answers == null;
    // The hashes are in the index only: the new one takes them from the old, slots renumbered.
    index = first ? new SlotIndex(slots) : index.renumbered(slots, tail, answers.length);
    numbers = first ? new long[slots * STRIDE] : unroll(numbers, new long[slots * STRIDE], STRIDE);
    answers = first ? new Object[slots] : unroll(answers, new Object[slots], 1);
    tail = 0;
  }

  /**
   * Copies the used slots of the array {@code from}, {@code stride} elements a slot, tail first, to
   * the start of {@code to}.
   */
  private <A> A unroll(A from, A to, int stride) {
    int slots = Array.getLength(from) / stride;
    int upToEnd = Math.min(used, slots - tail);
    System.arraycopy(from, tail * stride, to, 0, upToEnd * stride);
    System.arraycopy(from, 0, to, upToEnd * stride, (used - upToEnd) * stride);
    return to;
  }

  /** Number {@code which} of {@code slot}. */
  private long num(int slot, int which) {
    return numbers[slot * STRIDE + which];
  }
}
