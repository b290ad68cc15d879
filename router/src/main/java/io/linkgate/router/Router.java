package io.linkgate.router;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.auth.Authenticator;
import io.linkgate.api.proto.GoAway;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Push;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.DownlinkChannel;
import io.linkgate.api.transport.DownlinkSession;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TransportEvents;
import io.linkgate.api.transport.UplinkSession;
import io.linkgate.router.internal.Engine;
import io.linkgate.router.internal.Ids;
import io.linkgate.router.internal.RouterConfig;
import io.linkgate.router.store.RouterStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.concurrent.CompletionStage;

/**
 * Sessions, delivery, per-user seq and inbox, acks, rooms and uplink handling: the core that
 * transports hand their connections to, and that a business service can embed with no transport at
 * all to push to users.
 *
 * <p>Delivery guarantees. Every direct push gets the next seq of its user and is kept in the user's
 * bounded inbox (the last {@code inboxCapacity} pushes). Each downlink receives its user's pushes in
 * seq order with no gap and no duplicate: after {@code Hello.resume_from_seq} the inbox is replayed,
 * then live pushes follow. When the inbox no longer holds the whole range, {@code Welcome.resumed}
 * is false and the client must full-sync; when the store lost the user's state (the in-memory store
 * evicts users idle for long, or when too many users are held) the user's {@code epoch} changes and
 * seqs restart at 1. A client resuming sends the epoch its seq belongs to ({@code
 * Hello.resume_epoch}); when that is not the current one, the router replays all the inbox holds
 * and answers {@code resumed = false}. Rooms are best effort: seq 0, nothing kept.
 *
 * <p>Default handling of a client's {@code Send} (replaced by a {@link BusinessHandler} set in the
 * builder): {@code to=user:X} pushes to X and a copy to the sender, in the sender's own seq space and
 * to all the sender's devices including the sending one, so that every device of a user sees a
 * gap-free seq stream; {@code to=room:R} publishes to the room. A send is idempotent by (user,
 * client_msg_id) within {@code dedupTtl}: a retry gets the first {@code SendAck} and nothing is
 * delivered twice. {@code Push.from} is always the authenticated sender.
 *
 * <p>All methods are non-blocking and thread-safe.
 */
public final class Router implements SessionHandler, AutoCloseable {
  private final Engine engine;

  private Router(RouterConfig config) {
    this.engine = new Engine(this, config);
  }

  public static Builder builder() {
    return new Builder();
  }

  public String nodeId() {
    return engine.nodeId();
  }

  /**
   * Pushes {@code message} to every device of {@code userId}: assigns the user's next seq, keeps it
   * in the inbox, and delivers to the devices online now (offline devices get it when they resume).
   *
   * @return the push as delivered (with its seq and msg id), once it is in the inbox; a stage failed
   *     with a {@link io.linkgate.api.GatewayException} {@code INVALID_ARGUMENT} for a bad user id
   */
  public CompletionStage<Push> push(String userId, Message message) {
    Objects.requireNonNull(message, "message");
    return engine.push(userId, message);
  }

  /**
   * Pushes a message that was accepted and acknowledged elsewhere, keeping the {@code msg_id} and
   * server time of that {@code SendAck}: what a business service consuming the uplink stream uses,
   * so that every delivery of one send carries the id its sender was told. Otherwise as {@link
   * #push(String, Message)}.
   *
   * @param msgId 1..256 characters; failed with {@code INVALID_ARGUMENT} otherwise
   */
  public CompletionStage<Push> push(String userId, String msgId, long serverTimeMs, Message message) {
    Objects.requireNonNull(message, "message");
    return engine.pushAccepted(userId, msgId, serverTimeMs, message);
  }

  /**
   * Pushes several messages to {@code userId} at once, with consecutive seqs in list order, as
   * {@link #push} would one by one but with one store round trip: what a backend uses to hand a
   * user a burst (an offline batch, a multi-part message), and on TCP they leave in one flush.
   * The list is delivered once all of it is in the inbox: if another push to the same user is
   * delivered first, a device fills the gap from the inbox, and a list longer than about a
   * quarter of the inbox may have pushed its own start out by then (the device is told {@code
   * RESYNC_REQUIRED}). Hand a longer burst over in several calls.
   *
   * @return the pushes as delivered, in order; failed as {@link #push} fails
   */
  public CompletionStage<List<Push>> pushAll(String userId, List<Message> messages) {
    Objects.requireNonNull(messages, "messages");
    return engine.pushAll(userId, List.copyOf(messages));
  }

  /**
   * Sends {@code message} to the current subscribers of {@code room}: best effort, seq 0, encoded
   * once and shared by every local subscriber; other nodes sharing the store deliver to theirs.
   *
   * @return how many local subscribers took it
   */
  public CompletionStage<Integer> publishToRoom(String room, Message message) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(message, "message");
    return engine.publishToRoom(room, message);
  }

  /**
   * Publishes a room message accepted and acknowledged elsewhere, keeping its {@code msg_id} and
   * server time (see {@link #push(String, String, long, Message)}).
   */
  public CompletionStage<Integer> publishToRoom(String room, String msgId, long serverTimeMs, Message message) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(message, "message");
    return engine.publishAccepted(room, msgId, serverTimeMs, message);
  }

  /**
   * {@link #push Pushes} {@code message} to every user with a connected device (each in their own
   * seq space).
   *
   * @return how many users it was pushed to
   */
  public CompletionStage<Integer> broadcast(Message message) {
    Objects.requireNonNull(message, "message");
    return engine.broadcast(message);
  }

  /** The user's connected devices, on any node (through a short-lived cache). */
  public CompletionStage<List<DeviceSession>> sessionsOf(String userId) {
    Objects.requireNonNull(userId, "userId");
    return engine.sessionsOf(userId);
  }

  public CompletionStage<Boolean> isOnline(String userId) {
    return sessionsOf(userId).thenApply(s -> !s.isEmpty());
  }

  /**
   * How the near cache in front of the session registry did since start: lookups ({@link
   * #sessionsOf}, forwarding of device frames) it answered, and those that went to the store.
   */
  public SessionCacheStats sessionCacheStats() {
    long[] hm = engine.sessionCacheHitsAndMisses();
    return new SessionCacheStats(hm[0], hm[1]);
  }

  /** Hits and misses of the session near cache. */
  public record SessionCacheStats(long hits, long misses) {
    /** Hits over lookups; 0 before the first lookup. */
    public double hitRate() {
      long n = hits + misses;
      return n == 0 ? 0 : (double) hits / n;
    }
  }

  /**
   * The send dedup window now: the answers it keeps, the sends it dropped to make room before
   * their {@link Builder#dedupTtl} (a retry of one of those is handled as a new send), and how far
   * back it reaches. For a node's metrics; the window is this router's, not shared with others.
   */
  public DedupWindowStats dedupWindowStats() {
    return engine.dedupWindowStats();
  }

  /**
   * @param answers answers kept now, of sends in flight or acked
   * @param earlyDrops sends dropped since the start to make room while younger than the ttl: with
   *     the defaults, every send past about 170 a second
   * @param shortDrops of those, the sends dropped younger than 30 s, the time within which the
   *     client SDK retries a send by default: a retry of one may be delivered twice
   * @param reach how long ago the latest send dropped early arrived, at most the ttl: a retry of a
   *     send older than this may be delivered again. Below the time within which clients retry,
   *     raise {@link Builder#dedupCapacity}
   */
  public record DedupWindowStats(long answers, long earlyDrops, long shortDrops, Duration reach) {}

  /** Downlinks attached to this router now. */
  public int localDownlinkCount() {
    return engine.localDownlinkCount();
  }

  /**
   * Sends a {@code GoAway} with {@code reason} to the user's downlinks (one device's, or all when
   * {@code deviceId} is null), on whichever node holds them, and closes them. A kicked client
   * reconnects (to this or another node) unless its token is revoked.
   *
   * @return how many downlinks were told
   */
  public CompletionStage<Integer> kick(String userId, String deviceId, String reason) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(reason, "reason");
    return engine.kick(userId, deviceId, reason);
  }

  /** A room with members on this node, and how many. */
  public record RoomMembers(String room, int members) {}

  /** This node's rooms with members, ordered by name: a page from {@code offset}. */
  public List<RoomMembers> localRooms(int offset, int limit) {
    if (offset < 0 || limit < 0) {
      throw new IllegalArgumentException("offset and limit must not be negative");
    }
    return engine.localRooms(offset, limit).stream().map(e -> new RoomMembers(e.getKey(), e.getValue())).toList();
  }

  /** Room memberships on this router now, all rooms together (walks the rooms: not for hot paths). */
  public long localRoomMemberCount() {
    return engine.localRoomMemberCount();
  }

  /** Rooms with at least one subscriber on this router now. */
  public int localRoomCount() {
    return engine.localRoomCount();
  }

  /**
   * Sends {@code goAway} on every local downlink and closes them; refuses new downlinks from then
   * on. Used when the node shuts down: clients reconnect elsewhere and resume.
   */
  public void drain(GoAway goAway) {
    engine.drain(Objects.requireNonNull(goAway, "goAway"));
  }

  /**
   * Like {@link #drain(GoAway)}, with the GoAways spread evenly over {@code window} (on a thread of
   * the router's own) so that the clients do not all reconnect at once, and each user's made by
   * {@code goAwayFor} (a draining node hints different users towards different nodes). New
   * downlinks are refused from the start.
   *
   * @return completes with the number of downlinks sent away, once the last one was
   */
  public CompletionStage<Integer> drain(Function<String, GoAway> goAwayFor, Duration window) {
    return engine.drain(Objects.requireNonNull(goAwayFor, "goAwayFor"), Objects.requireNonNull(window, "window"));
  }

  /** Closes every local downlink and stops; closes the store if the router created it. Idempotent. */
  @Override
  public void close() {
    engine.close();
  }

  /**
   * Authenticates the {@code Hello} (failure: {@code UNAUTHENTICATED}), checks it ({@code
   * INVALID_ARGUMENT} unless the role is {@code DOWNLINK} and {@code device_id} is set), attaches the
   * device (closing its previous downlink with a {@code GoAway}), sends {@code Welcome} and replays
   * the inbox after {@code resume_from_seq}.
   */
  @Override
  public CompletionStage<DownlinkSession> openDownlink(
      Hello hello, ConnectionInfo info, DownlinkChannel channel) {
    return engine.openDownlink(hello, info, channel);
  }

  /**
   * Authenticates an uplink. Its session answers {@code Send} with the business handler's {@code
   * SendAck} or {@code Error}; {@code PushAck}, {@code Subscribe} and {@code Unsubscribe} apply to
   * the same device's downlink on this node; {@code Ping} gets {@code Pong}.
   */
  @Override
  public CompletionStage<UplinkSession> openUplink(Hello hello, ConnectionInfo info) {
    return engine.openUplink(hello, info);
  }

  /** The transport's events: what the router's {@link RouterEvents#transport} answers for it. */
  @Override
  public TransportEvents events(String transport) {
    return engine.events().transport(transport);
  }

  @Override
  public String toString() {
    return "Router{" + nodeId() + "}";
  }

  /** Builds a {@link Router}. Only {@link #authenticator} is required. */
  public static final class Builder {
    private String nodeId;
    private Authenticator authenticator;
    private int inboxCapacity = 1000;
    private long inboxMaxUsers = 100_000;
    private Duration inboxIdleTtl = Duration.ofHours(24);
    private long dedupCapacity = 100_000;
    private Duration dedupTtl = Duration.ofMinutes(10);
    private long sessionCacheSize = 100_000;
    private Duration sessionCacheTtl = Duration.ofSeconds(2);
    private BusinessHandler businessHandler;
    private RouterStore store;
    private Clock clock = Clock.systemUTC();
    private int maxDevicesPerUser = 32;
    private int maxRoomsPerSession = 64;
    private double sendsPerSecond;
    private int sendBurst;
    private int sessionsPerAddress;
    private double handshakesPerSecondPerAddress;
    private int maxFrameBytes = FrameCodec.DEFAULT_MAX_FRAME_BYTES;
    private RouterEvents events = RouterEvents.NONE;

    private Builder() {}

    /** This node's id, as in {@code Welcome.node_id} and the registry; default random. */
    public Builder nodeId(String nodeId) {
      Objects.requireNonNull(nodeId, "nodeId");
      if (nodeId.isBlank()) {
        throw new IllegalArgumentException("nodeId is blank");
      }
      this.nodeId = nodeId;
      return this;
    }

    /** Required: turns tokens into user ids ({@link Hs256Authenticator} for JWTs). */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
      return this;
    }

    /** Pushes kept per user by the default in-memory store; default 1,000. */
    public Builder inboxCapacity(int inboxCapacity) {
      this.inboxCapacity = positive("inboxCapacity", inboxCapacity);
      return this;
    }

    /**
     * Users whose seq space and inbox the default in-memory store keeps, default 100,000; past it
     * the least recently used are dropped (their epoch changes). Bounds memory at about {@code
     * inboxMaxUsers * inboxCapacity} pushes.
     */
    public Builder inboxMaxUsers(long inboxMaxUsers) {
      this.inboxMaxUsers = positive("inboxMaxUsers", inboxMaxUsers);
      return this;
    }

    /** The default in-memory store drops users not pushed to or resumed for this long; default 24 h. */
    public Builder inboxIdleTtl(Duration inboxIdleTtl) {
      this.inboxIdleTtl = positive("inboxIdleTtl", inboxIdleTtl);
      return this;
    }

    /**
     * How many (user, client_msg_id) answers are kept for idempotent resends, the latest sends
     * first; default 100,000. A resend is recognised for {@link #dedupTtl} only while the window
     * still holds its send: at 3,300 sends a second 100,000 reach back 30 s. See {@link
     * Router#dedupWindowStats}.
     */
    public Builder dedupCapacity(int dedupCapacity) {
      this.dedupCapacity = positive("dedupCapacity", dedupCapacity);
      return this;
    }

    /** How long a resend is recognised; default 10 minutes. */
    public Builder dedupTtl(Duration dedupTtl) {
      this.dedupTtl = positive("dedupTtl", dedupTtl);
      return this;
    }

    /** How long a session lookup is cached; default 2 s (local changes invalidate at once). */
    public Builder sessionCacheTtl(Duration sessionCacheTtl) {
      Objects.requireNonNull(sessionCacheTtl, "sessionCacheTtl");
      if (sessionCacheTtl.isNegative()) {
        throw new IllegalArgumentException("sessionCacheTtl is negative");
      }
      this.sessionCacheTtl = sessionCacheTtl;
      return this;
    }

    /** How many users' session lookups are cached; default 100,000. */
    public Builder sessionCacheSize(long sessionCacheSize) {
      this.sessionCacheSize = positive("sessionCacheSize", sessionCacheSize);
      return this;
    }

    /** Replaces the default handling of {@code Send} (direct messages and rooms). */
    public Builder businessHandler(BusinessHandler businessHandler) {
      this.businessHandler = Objects.requireNonNull(businessHandler, "businessHandler");
      return this;
    }

    /**
     * The store; default a new in-memory one. A store given here is not closed by the router, and
     * its own settings apply instead of {@code inboxCapacity}, {@code inboxMaxUsers} and {@code
     * inboxIdleTtl}.
     */
    public Builder store(RouterStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** The clock behind {@code server_time_ms}; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Downlinks one user may hold on this node at once; default 32. */
    public Builder maxDevicesPerUser(int max) {
      this.maxDevicesPerUser = positive("maxDevicesPerUser", max);
      return this;
    }

    /**
     * Sends one user may make per second on this node, with {@code burst} at once: past it a
     * {@code Send} is answered {@code Error RATE_LIMITED} with {@code retry_after_ms}, nothing is
     * delivered, and the same send may be retried then. Default: no limit (a gateway sets one from
     * {@code limits.sends-per-second}).
     */
    public Builder sendRate(double perSecond, int burst) {
      if (!(perSecond > 0) || Double.isInfinite(perSecond) || burst < 1) {
        throw new IllegalArgumentException("sendRate needs perSecond > 0 and burst >= 1, got " + perSecond + ", " + burst);
      }
      this.sendsPerSecond = perSecond;
      this.sendBurst = burst;
      return this;
    }

    /**
     * Per remote address on this node: sessions held at once and handshakes started per second
     * (bursts of twice that), on every transport; past either a handshake is refused with {@code
     * RATE_LIMITED}. 0 for no limit; default none. Many honest users may share an address behind
     * a carrier's NAT or an office proxy: set them generously.
     */
    public Builder addressLimits(int sessions, double handshakesPerSecond) {
      if (sessions < 0 || !(handshakesPerSecond >= 0) || Double.isInfinite(handshakesPerSecond)) {
        throw new IllegalArgumentException("address limits must be 0 (none) or positive and finite");
      }
      this.sessionsPerAddress = sessions;
      this.handshakesPerSecondPerAddress = handshakesPerSecond;
      return this;
    }

    /** Rooms one downlink may be subscribed to at once; default 64. */
    public Builder maxRoomsPerSession(int max) {
      this.maxRoomsPerSession = positive("maxRoomsPerSession", max);
      return this;
    }

    /**
     * The largest frame the transports carry (their {@code Limits.maxFrameBytes}); default 64 KiB.
     * A push whose frame would be larger is refused with {@code FRAME_TOO_LARGE} before it is
     * stored: stored, it could never be delivered, and every resume would stumble on it again.
     */
    public Builder maxFrameBytes(int maxFrameBytes) {
      this.maxFrameBytes = positive("maxFrameBytes", maxFrameBytes);
      return this;
    }

    /** Told of handshakes, sends and pushes as they happen, for metrics; default none. */
    public Builder events(RouterEvents events) {
      this.events = Objects.requireNonNull(events, "events");
      return this;
    }

    /**
     * @throws IllegalStateException if no authenticator was set
     */
    public Router build() {
      if (authenticator == null) {
        throw new IllegalStateException(
            "Router needs an authenticator (for example new Hs256Authenticator(secret))");
      }
      boolean ownsStore = store == null;
      RouterStore s = ownsStore ? RouterStore.inMemory(inboxCapacity, inboxMaxUsers, inboxIdleTtl) : store;
      return new Router(
          new RouterConfig(
              nodeId != null ? nodeId : Ids.randomNodeId(),
              authenticator,
              s,
              ownsStore,
              clock,
              businessHandler,
              dedupCapacity,
              dedupTtl,
              sessionCacheSize,
              sessionCacheTtl,
              maxDevicesPerUser,
              maxRoomsPerSession,
              maxFrameBytes,
              events,
              sendsPerSecond,
              sendBurst,
              sessionsPerAddress,
              handshakesPerSecondPerAddress));
    }

    private static int positive(String what, int v) {
      if (v <= 0) {
        throw new IllegalArgumentException(what + " must be positive, got " + v);
      }
      return v;
    }

    private static long positive(String what, long v) {
      if (v <= 0) {
        throw new IllegalArgumentException(what + " must be positive, got " + v);
      }
      return v;
    }

    private static Duration positive(String what, Duration d) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + d);
      }
      return d;
    }
  }
}
