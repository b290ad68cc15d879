package io.linkgate.router.stream;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the uplink stream as one member of a consumer group, handing each entry to a {@link
 * Handler} and acking it ({@code XACK}) once the handler's stage completed.
 *
 * <p>What it does, in order, on one thread of its own: creates the group if missing ({@code XGROUP
 * CREATE ... MKSTREAM}); handles the entries this consumer name read earlier and never acked (a
 * restart under the same name resumes at once); then reads new entries ({@code XREADGROUP ... BLOCK
 * ... >}), and every so often claims entries other consumers left pending for longer than {@code
 * claimMinIdle} ({@code XAUTOCLAIM}): a consumer that died is replaced by any living one.
 *
 * <p>Guarantees. An entry is acked only after its handler stage completed normally; a stage that
 * failed leaves it pending, and it is handed out again (to this consumer or another) once it has
 * been idle for {@code claimMinIdle}. Delivery is thus at least once: a consumer dying between
 * handling and acking causes a repeat. At most {@code maxInFlight} entries are being handled at
 * once; past it, reading pauses. Handlers are called on the consumer's thread, new entries in
 * stream order (an entry handed out again comes when it is claimed); their stages may complete in
 * any order, on any thread. {@code claimMinIdle} must be longer than
 * handling an entry takes, or a slow entry is handed to a second consumer while the first still
 * works on it.
 *
 * <p>The reading thread blocks on Redis (it is a service's thread, not an event loop); acks and
 * claims go over a second connection, so they never wait behind a blocked read.
 */
public final class StreamConsumer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StreamConsumer.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** How long {@link #close} waits for handlers in flight before leaving their entries pending. */
  private static final Duration DRAIN = Duration.ofSeconds(5);
  private static final String NO_MORE_TO_CLAIM = "0-0";

  /** What the service does with each entry. */
  @FunctionalInterface
  public interface Handler {
    /**
     * Handles one entry. Called on the consumer's thread: hand slow work off and complete the
     * stage later, since reading waits meanwhile.
     *
     * @return completes normally when the entry is done with (it is then acked and never handed
     *     out again), or exceptionally to have it handed out again after {@code claimMinIdle}; an
     *     entry the service can never handle should complete normally, or it comes back forever
     */
    CompletionStage<?> onMessage(UplinkMessage message);
  }

  /** Where a group this consumer creates starts reading. */
  public enum GroupStart {
    /** At the stream's first entry ({@code XGROUP CREATE ... 0}): nothing already stored is skipped. */
    BEGINNING("0"),
    /** After the stream's last entry ({@code XGROUP CREATE ... $}): only entries added from now. */
    END("$");

    private final String id;

    GroupStart(String id) {
      this.id = id;
    }
  }

  private final String stream;
  private final String group;
  private final Consumer<String> me;
  private final GroupStart groupStart;
  private final int batchSize;
  private final Duration block;
  private final Duration claimMinIdle;
  private final long claimIntervalNanos;
  private final Duration commandTimeout;
  private final Handler handler;
  private final RedisClient client;
  private final StatefulRedisConnection<String, byte[]> readConnection;
  private final StatefulRedisConnection<String, byte[]> commandConnection;
  private final RedisAsyncCommands<String, byte[]> reads;
  private final RedisAsyncCommands<String, byte[]> commands;
  private final Semaphore permits;
  /** Entries handed to the handler and not yet acked or given up: a claim must not hand them out twice. */
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  /** Notified when {@link #inFlight} empties, for {@link #close}. */
  private final Object drained = new Object();
  private final Thread thread;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean running = true;

  private StreamConsumer(Builder b, Handler handler, RedisClient client) {
    this.stream = b.stream;
    this.group = b.group;
    this.me = Consumer.from(b.group, b.consumerName);
    this.groupStart = b.groupStart;
    this.batchSize = b.batchSize;
    this.block = b.block;
    this.claimMinIdle = b.claimMinIdle;
    // Often enough that a dead consumer's entries wait about claimMinIdle, not twice it.
    long interval = Math.max(50, Math.min(b.claimMinIdle.toMillis() / 2, 10_000));
    this.claimIntervalNanos = TimeUnit.MILLISECONDS.toNanos(interval);
    this.commandTimeout = b.commandTimeout;
    this.handler = handler;
    this.client = client;
    this.permits = new Semaphore(b.maxInFlight);
    StatefulRedisConnection<String, byte[]> r = null;
    StatefulRedisConnection<String, byte[]> c = null;
    try {
      r = client.connect(StreamRedis.CODEC);
      c = client.connect(StreamRedis.CODEC);
    } catch (RuntimeException e) {
      if (r != null) {
        r.close();
      }
      throw e;
    }
    this.readConnection = r;
    this.commandConnection = c;
    this.reads = r.async();
    this.commands = c.async();
    this.thread = new Thread(this::run, "linkgate-stream-" + b.consumerName);
    thread.setDaemon(true);
  }

  /**
   * @param uri {@code redis://host:port} (Lettuce syntax, as for the stream handler)
   * @param group the consumer group; every instance of one service uses the same group, and each
   *     entry goes to one of them
   */
  public static Builder builder(String uri, String group) {
    return new Builder(uri, group);
  }

  public String consumerName() {
    return me.getName();
  }

  // ---- the consumer's thread ----

  private void run() {
    String ownCursor = "0";
    String claimCursor = NO_MORE_TO_CLAIM;
    long nextClaim = System.nanoTime();
    boolean failing = false;
    while (running) {
      try {
        if (ownCursor != null) {
          ownCursor = readOwnPending(ownCursor);
        } else if (System.nanoTime() - nextClaim >= 0) {
          claimCursor = claim(claimCursor);
          if (NO_MORE_TO_CLAIM.equals(claimCursor)) {
            nextClaim = System.nanoTime() + claimIntervalNanos;
          }
        } else {
          readNew();
        }
        if (failing) {
          log.info("stream {}: consumer {} reading again", stream, me.getName());
          failing = false;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        if (!running) {
          return;
        }
        if (StreamRedis.isReply(e, "NOGROUP")) {
          // The stream or the group went away (a flushed Redis): make them again and carry on.
          log.warn("stream {}: group {} is gone; creating it again", stream, group);
          try {
            ensureGroup();
            continue;
          } catch (Exception again) {
            e = again;
          }
        }
        if (!failing) {
          log.warn("stream {}: consumer {} cannot read, retrying: {}", stream, me.getName(), StreamRedis.unwrap(e).toString());
          failing = true;
        }
        try {
          Thread.sleep(Math.min(1000, Math.max(50, block.toMillis())));
        } catch (InterruptedException stop) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Entries this consumer name was given before and never acked; returns null when none is left. */
  private String readOwnPending(String cursor) throws Exception {
    int n = acquire(block);
    if (n == 0) {
      return cursor;
    }
    List<StreamMessage<String, byte[]>> got;
    try {
      got =
          await(reads.xreadgroup(me, new XReadArgs().count(n), only(XReadArgs.StreamOffset.from(stream, cursor))));
    } catch (Exception e) {
      permits.release(n);
      throw e;
    }
    permits.release(n - got.size());
    if (got.isEmpty()) {
      return null;
    }
    log.info("stream {}: consumer {} resumes {} entries it had not acked", stream, me.getName(), got.size());
    dispatch(got);
    return got.get(got.size() - 1).getId();
  }

  private String claim(String cursor) throws Exception {
    // With every permit taken nothing can be claimed or read: wait for room, as a read would.
    int n = acquire(block);
    if (n == 0) {
      return cursor;
    }
    ClaimedMessages<String, byte[]> claimed;
    try {
      claimed =
          await(
              commands.xautoclaim(
                  stream,
                  new XAutoClaimArgs<String>().consumer(me).minIdleTime(claimMinIdle).startId(cursor).count(n)));
    } catch (Exception e) {
      permits.release(n);
      throw e;
    }
    List<StreamMessage<String, byte[]>> got = claimed.getMessages();
    permits.release(n - got.size());
    if (!got.isEmpty()) {
      log.info("stream {}: consumer {} claimed {} entries idle for over {}", stream, me.getName(), got.size(), claimMinIdle);
    }
    dispatch(got);
    return claimed.getId();
  }

  private void readNew() throws Exception {
    int n = acquire(block);
    if (n == 0) {
      return;
    }
    List<StreamMessage<String, byte[]>> got;
    try {
      got =
          await(
              reads.xreadgroup(
                  me, new XReadArgs().count(n).block(block), only(XReadArgs.StreamOffset.lastConsumed(stream))));
    } catch (Exception e) {
      permits.release(n);
      throw e;
    }
    permits.release(n - got.size());
    dispatch(got);
  }

  /** One offset as Lettuce's generic varargs take it, without an unchecked array at each call. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static XReadArgs.StreamOffset<String>[] only(XReadArgs.StreamOffset<String> offset) {
    return new XReadArgs.StreamOffset[] {offset};
  }

  /** Takes up to {@link #batchSize} permits, waiting up to {@code wait} for the first one. */
  private int acquire(Duration wait) throws InterruptedException {
    if (!permits.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
      return 0;
    }
    int n = 1;
    while (n < batchSize && permits.tryAcquire()) {
      n++;
    }
    return n;
  }

  /** Hands each entry to the handler; holds one permit per entry, released in {@link #finish}. */
  private void dispatch(List<StreamMessage<String, byte[]>> messages) {
    for (StreamMessage<String, byte[]> m : messages) {
      String id = m.getId();
      if (!inFlight.add(id)) {
        permits.release(); // claimed back while this consumer still handles it
        continue;
      }
      if (m.getBody() == null || m.getBody().isEmpty()) {
        // XAUTOCLAIM names entries that were pending but are gone from the stream.
        log.warn("stream {}: entry {} was trimmed before it was handled (maxLen too small for the backlog?)", stream, id);
        ack(id);
        continue;
      }
      UplinkMessage message;
      try {
        message = UplinkEntry.decode(id, m.getBody());
      } catch (IllegalArgumentException bad) {
        // It would fail the same way on every consumer, forever.
        log.warn("stream {}: dropping entry {}: {}", stream, id, bad.getMessage());
        ack(id);
        continue;
      }
      CompletionStage<?> stage;
      try {
        stage = handler.onMessage(message);
        if (stage == null) {
          stage = CompletableFuture.failedFuture(new IllegalStateException("handler returned no stage"));
        }
      } catch (RuntimeException e) {
        stage = CompletableFuture.failedFuture(e);
      }
      stage.whenComplete(
          (v, err) -> {
            if (err == null) {
              ack(id);
            } else {
              log.warn(
                  "stream {}: entry {} not handled, handed out again after {}: {}",
                  stream, id, claimMinIdle, StreamRedis.unwrap(err).toString());
              finish(id);
            }
          });
    }
  }

  private void ack(String id) {
    CompletionStage<Long> acked;
    try {
      acked = commands.xack(stream, group, id);
    } catch (RuntimeException e) {
      acked = CompletableFuture.failedFuture(e);
    }
    acked.whenComplete(
        (n, err) -> {
          if (err != null) {
            log.debug("stream {}: XACK {} failed; it will be handed out again: {}", stream, id, err.toString());
          }
          finish(id);
        });
  }

  private void finish(String id) {
    inFlight.remove(id);
    permits.release();
    if (inFlight.isEmpty()) {
      synchronized (drained) {
        drained.notifyAll();
      }
    }
  }

  private void ensureGroup() throws Exception {
    try {
      await(
          commands.xgroupCreate(
              XReadArgs.StreamOffset.from(stream, groupStart.id), group, new XGroupCreateArgs().mkstream(true)));
      log.info("stream {}: created group {} at {}", stream, group, groupStart);
    } catch (Exception e) {
      if (!StreamRedis.isReply(e, "BUSYGROUP")) {
        throw e;
      }
    }
  }

  /** Waits for a command; Lettuce's own timeout fires first, this is a backstop. */
  private <T> T await(Future<T> future) throws Exception {
    long ms = commandTimeout.toMillis() + block.toMillis() + 1000;
    try {
      return future.get(ms, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw e;
    }
  }

  private void start() throws Exception {
    ensureGroup();
    thread.start();
    log.info("stream {}: consumer {} of group {} started", stream, me.getName(), group);
  }

  /**
   * Stops reading, waits a few seconds for the handlers in flight (their entries are acked as they
   * complete), then closes the connections. Entries still in flight stay pending and are claimed by
   * another consumer after {@code claimMinIdle}. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    running = false;
    try {
      thread.join(block.toMillis() + commandTimeout.toMillis() + 1000);
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(1000);
      }
      long deadline = System.nanoTime() + DRAIN.toNanos();
      synchronized (drained) {
        while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
          drained.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!inFlight.isEmpty()) {
      log.warn("stream {}: consumer {} closed with {} entries unacked; they will be claimed", stream, me.getName(), inFlight.size());
    }
    readConnection.close();
    commandConnection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }

  @Override
  public String toString() {
    return "StreamConsumer{" + stream + ", " + group + ", " + me.getName() + "}";
  }

  /** Builds a {@link StreamConsumer}; everything but the group has a default. */
  public static final class Builder {
    private final String uri;
    private final String group;
    private String stream = StreamRedis.DEFAULT_STREAM;
    private String consumerName = "consumer-" + Long.toUnsignedString(RANDOM.nextLong() >>> 24, 36);
    private GroupStart groupStart = GroupStart.BEGINNING;
    private int batchSize = 100;
    private int maxInFlight = 1000;
    private Duration block = Duration.ofSeconds(1);
    private Duration claimMinIdle = Duration.ofSeconds(30);
    private Duration commandTimeout = Duration.ofSeconds(2);

    private Builder(String uri, String group) {
      this.uri = StreamRedis.checkUri(uri);
      this.group = StreamRedis.checkName("group", group);
    }

    /** The stream's key; default {@code lg:uplink}, as the handler's. */
    public Builder stream(String stream) {
      this.stream = StreamRedis.checkName("stream", stream);
      return this;
    }

    /**
     * This consumer's name in the group; default random. A name kept across restarts (a node id,
     * a pod name) lets a restarted consumer take up its own unacked entries at once.
     */
    public Builder consumerName(String name) {
      this.consumerName = StreamRedis.checkName("consumerName", name);
      return this;
    }

    /** Where the group starts if this consumer creates it; default {@link GroupStart#BEGINNING}. */
    public Builder groupStart(GroupStart start) {
      this.groupStart = Objects.requireNonNull(start, "groupStart");
      return this;
    }

    /** Entries read or claimed per command at most; default 100. */
    public Builder batchSize(int n) {
      if (n <= 0) {
        throw new IllegalArgumentException("batchSize must be positive, got " + n);
      }
      this.batchSize = n;
      return this;
    }

    /** Entries being handled at once at most; default 1,000. */
    public Builder maxInFlight(int n) {
      if (n <= 0) {
        throw new IllegalArgumentException("maxInFlight must be positive, got " + n);
      }
      this.maxInFlight = n;
      return this;
    }

    /** How long one read waits for new entries ({@code BLOCK}); default 1 s; bounds how long close waits. */
    public Builder block(Duration block) {
      this.block = StreamRedis.atLeast("block", block, Duration.ofMillis(1));
      return this;
    }

    /**
     * How long an entry must have been pending before another consumer may take it over; default
     * 30 s. Longer than handling one entry takes, and as short as a delay after a crash may be.
     */
    public Builder claimMinIdle(Duration minIdle) {
      this.claimMinIdle = StreamRedis.atLeast("claimMinIdle", minIdle, Duration.ofMillis(1));
      return this;
    }

    /** How long one command other than the blocking read may take; default 2 s. */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = StreamRedis.atLeast("commandTimeout", timeout, Duration.ofMillis(10));
      return this;
    }

    /**
     * Connects, creates the group if missing, and starts consuming on a thread of its own.
     *
     * @throws io.lettuce.core.RedisException if Redis cannot be reached or refuses the group now
     */
    public StreamConsumer start(Handler handler) {
      Objects.requireNonNull(handler, "handler");
      RedisClient client = StreamRedis.client(uri, commandTimeout, block);
      StreamConsumer consumer;
      try {
        consumer = new StreamConsumer(this, handler, client);
      } catch (RuntimeException e) {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        throw e;
      }
      try {
        consumer.start();
      } catch (Exception e) {
        consumer.close();
        Throwable cause = StreamRedis.unwrap(e);
        if (cause instanceof RuntimeException re) {
          throw re;
        }
        throw new io.lettuce.core.RedisException("could not create group " + group + " on " + stream, cause);
      }
      return consumer;
    }
  }
}
