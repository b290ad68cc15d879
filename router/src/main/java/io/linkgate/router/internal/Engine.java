package io.linkgate.router.internal;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.Frames;
import io.linkgate.api.GatewayException;
import io.linkgate.api.auth.Identity;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.GoAway;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Send;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.DownlinkChannel;
import io.linkgate.api.transport.DownlinkSession;
import io.linkgate.api.transport.UplinkSession;
import io.linkgate.router.DeviceSession;
import io.linkgate.router.Message;
import io.linkgate.router.Router;
import io.linkgate.router.RouterEvents;
import io.linkgate.router.SendContext;
import io.linkgate.router.store.Inboxes;
import io.linkgate.router.store.NoticeBus;
import io.linkgate.router.store.PendingPush;
import io.linkgate.router.store.RouterStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The router's machinery behind the public {@link Router} facade. */
public final class Engine implements NoticeBus.Listener {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);
  static final int MAX_ID_LENGTH = 256;

  private final Router router;
  private final RouterConfig config;
  private final String nodeId;
  private final Clock clock;
  private final RouterStore store;
  private final Inboxes inboxes;
  private final NoticeBus notices;
  private final SessionCache sessionCache;
  private final Rooms rooms;
  private final Downlinks downlinks;
  private final Sends sends;
  private final SendDedup dedup;
  /** Null when neither address limit is set. */
  private final AddressLimits addressLimits;
  private final Ids msgIds;
  private final Ids uplinkIds;
  private final AutoCloseable subscription;
  private volatile boolean closed;

  public Engine(Router router, RouterConfig config) {
    this.router = router;
    this.config = config;
    this.nodeId = config.nodeId();
    this.clock = config.clock();
    this.store = config.store();
    this.inboxes = store.inboxes();
    this.notices = store.notices();
    this.sessionCache =
        new SessionCache(store.sessions(), config.sessionCacheSize(), config.sessionCacheTtl());
    this.rooms = new Rooms(config.maxRoomsPerSession(), store.notices()::roomMembershipChanged);
    this.downlinks =
        new Downlinks(
            nodeId,
            inboxes,
            store.sessions(),
            sessionCache::invalidate,
            rooms,
            config.maxDevicesPerUser(),
            config.events());
    this.msgIds = new Ids(nodeId, "m");
    this.dedup = new SendDedup(config.dedupCapacity(), config.dedupTtl(), System::nanoTime, msgIds);
    dedup.events(config.events());
    this.sends =
        new Sends(
            dedup,
            store.sendAnswers().orElse(null),
            config.dedupTtl(),
            config.events(),
            config.businessHandler() != null
                ? config.businessHandler()
                : new DefaultBusinessHandler(this, inboxes.capacity()),
            config.sendsPerSecond() > 0
                ? new SendRateLimiter(config.sendsPerSecond(), config.sendBurst(), System::nanoTime)
                : null);
    this.addressLimits =
        config.sessionsPerAddress() > 0 || config.handshakesPerSecondPerAddress() > 0
            ? new AddressLimits(config.sessionsPerAddress(), config.handshakesPerSecondPerAddress(), System::nanoTime)
            : null;
    this.uplinkIds = new Ids(nodeId, "u");
    store.sessions().addChangeListener(sessionCache::invalidate);
    this.subscription = notices.subscribe(nodeId, this);
  }

  Router router() {
    return router;
  }

  Downlinks downlinks() {
    return downlinks;
  }

  Clock clock() {
    return clock;
  }

  String nextMsgId() {
    return msgIds.next();
  }

  String nextUplinkId() {
    return uplinkIds.next();
  }

  public String nodeId() {
    return nodeId;
  }

  public RouterEvents events() {
    return config.events();
  }

  // ---- transports ----

  public CompletionStage<DownlinkSession> openDownlink(
      Hello hello, ConnectionInfo info, DownlinkChannel channel) {
    Runnable release;
    try {
      release = admit(info);
    } catch (GatewayException e) {
      return unwrapped(CompletableFuture.failedFuture(e), Role.DOWNLINK);
    }
    return counted(openCheckedDownlink(hello, info, channel), release, s -> new CountedSessions.Downlink(s, release));
  }

  private CompletionStage<DownlinkSession> openCheckedDownlink(
      Hello hello, ConnectionInfo info, DownlinkChannel channel) {
    return unwrapped(
        authenticate(hello)
            .thenCompose(
                identity -> {
                  if (hello.getRole() != Role.DOWNLINK) {
                    throw invalid("Hello.role must be DOWNLINK on a downlink, got " + hello.getRole());
                  }
                  if (hello.getDeviceId().isEmpty()) {
                    throw invalid("Hello.device_id is required on a downlink");
                  }
                  checkId("device_id", hello.getDeviceId());
                  return downlinks.open(identity.userId(), hello, info, channel);
                }),
        Role.DOWNLINK);
  }

  public CompletionStage<UplinkSession> openUplink(Hello hello, ConnectionInfo info) {
    Runnable release;
    try {
      release = admitUplink(info);
    } catch (GatewayException e) {
      return unwrapped(CompletableFuture.failedFuture(e), Role.UPLINK);
    }
    CompletionStage<UplinkSession> opening = openCheckedUplink(hello, info);
    if (addressLimits != null && !Stages.succeeded(opening)) {
      opening =
          opening.whenComplete(
              (s, err) -> {
                if (err != null) {
                  addressLimits.uplinkRefused(info.remoteAddress());
                }
              });
    }
    return counted(opening, release, s -> new CountedSessions.Uplink(s, release));
  }

  /** As {@link #admit}, but only a refused uplink handshake counts toward the address's rate. */
  private Runnable admitUplink(ConnectionInfo info) {
    if (addressLimits == null) {
      return null;
    }
    return addressLimits.admitUplink(info.remoteAddress());
  }

  /** The address limits' say on a new connection: what to run when its session ends, or a refusal. */
  private Runnable admit(ConnectionInfo info) {
    if (addressLimits == null) {
      return null;
    }
    return addressLimits.admit(info.remoteAddress());
  }

  /** With address limits on, the session gives its slot back when it closes, or at once if it never opened. */
  private static <S> CompletionStage<S> counted(
      CompletionStage<S> opening, Runnable release, java.util.function.UnaryOperator<S> wrap) {
    if (release == null) {
      return opening;
    }
    return opening.handle((s, err) -> {
      if (err != null) {
        release.run();
        throw err instanceof java.util.concurrent.CompletionException c ? c : new java.util.concurrent.CompletionException(err);
      }
      return wrap.apply(s);
    });
  }

  private CompletionStage<UplinkSession> openCheckedUplink(Hello hello, ConnectionInfo info) {
    return unwrapped(
        authenticate(hello)
            .thenApply(
                identity -> {
                  if (hello.getRole() != Role.UPLINK) {
                    throw invalid("Hello.role must be UPLINK on an uplink, got " + hello.getRole());
                  }
                  if (!hello.getDeviceId().isEmpty()) {
                    checkId("device_id", hello.getDeviceId());
                  }
                  // Uplinks carry no seq state: opening one costs no store access (the HTTP
                  // tunnel opens one per request).
                  config.events().uplinkOpened(info.transport());
                  return new Uplink(this, identity, hello.getDeviceId(), info.heartbeatMs());
                }),
        Role.UPLINK);
  }

  private CompletionStage<Identity> authenticate(Hello hello) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new GatewayException(ErrorCode.UNAVAILABLE, "router closed"));
    }
    try {
      CompletionStage<Identity> stage = config.authenticator().authenticate(hello.getToken());
      return stage != null
          ? stage
          : CompletableFuture.failedFuture(new IllegalStateException("authenticator returned null"));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Fails the result with the bare {@link GatewayException}, logging what is not the client's fault. */
  private <T> CompletionStage<T> unwrapped(CompletionStage<T> stage, Role role) {
    String what = role == Role.DOWNLINK ? "downlink" : "uplink";
    CompletableFuture<T> out = new CompletableFuture<>();
    stage.whenComplete(
        (value, err) -> {
          if (err == null) {
            out.complete(value);
            return;
          }
          GatewayException g = GatewayException.from(err);
          config.events().handshakeRefused(role, g.code());
          if (g.code() == ErrorCode.INTERNAL) {
            log.warn("could not open a {}", what, err);
          } else {
            log.debug("refused a {}: {} {}", what, g.code(), g.getMessage());
          }
          out.completeExceptionally(g);
        });
    return out;
  }

  /** Handles a client's {@code Send}: idempotent, and always answered with a frame. */
  CompletionStage<Frame> send(SendContext ctx, Send send) {
    return sends.handle(ctx, send);
  }

  List<CompletionStage<Frame>> sendAll(SendContext ctx, List<Send> batch) {
    return sends.handleAll(ctx, batch);
  }

  // ---- delivery ----

  public CompletionStage<Push> push(String userId, Message message) {
    try {
      checkId("user id", userId);
    } catch (GatewayException e) {
      return CompletableFuture.failedFuture(e);
    }
    return push(userId, msgIds.next(), clock.millis(), message);
  }

  public CompletionStage<Push> pushAccepted(String userId, String msgId, long timeMs, Message message) {
    try {
      checkId("user id", userId);
      checkId("msg id", msgId);
    } catch (GatewayException e) {
      return CompletableFuture.failedFuture(e);
    }
    return push(userId, msgId, timeMs, message);
  }

  public CompletionStage<Integer> publishAccepted(String room, String msgId, long timeMs, Message message) {
    try {
      checkId("msg id", msgId);
    } catch (GatewayException e) {
      return CompletableFuture.failedFuture(e);
    }
    return publishToRoom(room, msgId, timeMs, message);
  }

  CompletionStage<Push> push(String userId, String msgId, long timeMs, Message message) {
    PendingPush push = userPush(userId, msgId, timeMs, message);
    return push(userId, push).thenApply(appended -> builtFrom(push, appended));
  }

  /**
   * The push a caller of the public API gets back: a store that kept only the frame gets it built
   * from the fields, which is cheaper than parsing the frame.
   */
  private static Push builtFrom(PendingPush push, Inboxes.Appended appended) {
    return appended.frame() == null ? appended.push() : push.toPush(appended.seq());
  }

  /**
   * Appends to the user's inbox, then delivers locally and tells the other nodes holding devices.
   * {@code push} may go to several users (a sender's copy): its encoding is made once for all.
   */
  CompletionStage<Inboxes.Appended> push(String userId, PendingPush push) {
    long accepted = System.nanoTime(); // where push latency starts (see EncodedFrame.acceptedNanos)
    GatewayException tooLarge = refuseUndeliverable(push);
    if (tooLarge != null) {
      return CompletableFuture.failedFuture(tooLarge);
    }
    CompletionStage<Inboxes.Appended> appending = inboxes.append(userId, push);
    if (Stages.succeeded(appending)) {
      // Stored already (the in-memory store): the same steps as below, without a stage for them.
      // Events that throw fail the stage, as they do from handle, not the caller's call.
      try {
        stored(userId, Stages.value(appending), null, accepted);
        return appending;
      } catch (RuntimeException e) {
        return Stages.failed(e);
      }
    }
    return appending.handle((appended, err) -> stored(userId, appended, err, accepted));
  }

  /** What follows an append, whichever way it completed: counted, then delivered if it stored. */
  private Inboxes.Appended stored(
      String userId, Inboxes.Appended appended, Throwable err, long acceptedNanos) {
    countStored(appended, err);
    if (err != null) {
      throw err instanceof CompletionException c ? c : new CompletionException(err);
    }
    deliverStored(userId, List.of(appended), acceptedNanos);
    return appended;
  }

  /** Pushes several messages with consecutive seqs: one store round trip for the batch. */
  public CompletionStage<List<Push>> pushAll(String userId, List<Message> messages) {
    try {
      checkId("user id", userId);
    } catch (GatewayException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (messages.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    long now = clock.millis();
    List<PendingPush> pending = new ArrayList<>(messages.size());
    for (Message m : messages) {
      PendingPush push = userPush(userId, msgIds.next(), now, m);
      GatewayException tooLarge = checkDeliverable(push);
      if (tooLarge != null) {
        return CompletableFuture.failedFuture(tooLarge);
      }
      pending.add(push);
    }
    return push(userId, pending)
        .thenApply(
            all -> {
              List<Push> pushes = new ArrayList<>(all.size());
              for (int i = 0; i < all.size(); i++) {
                pushes.add(builtFrom(pending.get(i), all.get(i)));
              }
              return pushes;
            });
  }

  /**
   * Appends deliverable pushes ({@link #refuseUndeliverable}) to the user's inbox in one store
   * round trip, with consecutive seqs, then delivers them together: a device gets them in one
   * write. As {@link #push(String, PendingPush)}, a push may go to several users.
   */
  CompletionStage<List<Inboxes.Appended>> push(String userId, List<PendingPush> pending) {
    long accepted = System.nanoTime();
    CompletionStage<List<Inboxes.Appended>> appending = inboxes.appendAllPending(userId, pending);
    if (Stages.succeeded(appending)) {
      try {
        storedAll(userId, Stages.value(appending), null, accepted);
        return appending;
      } catch (RuntimeException e) {
        return Stages.failed(e);
      }
    }
    return appending.handle((all, err) -> storedAll(userId, all, err, accepted));
  }

  private List<Inboxes.Appended> storedAll(
      String userId, List<Inboxes.Appended> all, Throwable err, long acceptedNanos) {
    if (err != null) {
      config.events().pushRefused(GatewayException.from(err).code());
      throw err instanceof CompletionException c ? c : new CompletionException(err);
    }
    config.events().pushesStored(all.size());
    if (all.isEmpty()) {
      return all;
    }
    boolean oneEpoch = true;
    for (Inboxes.Appended appended : all) {
      oneEpoch &= appended.epoch().equals(all.get(0).epoch());
    }
    if (oneEpoch) {
      deliverStored(userId, all, acceptedNanos);
    } else {
      for (Inboxes.Appended appended : all) {
        deliverStored(userId, List.of(appended), acceptedNanos);
      }
    }
    return all;
  }

  /** The refusal of a push too large for the transports, counted as refused; null if it fits. */
  GatewayException refuseUndeliverable(PendingPush push) {
    GatewayException tooLarge = checkDeliverable(push);
    if (tooLarge != null) {
      config.events().pushRefused(tooLarge.code());
    }
    return tooLarge;
  }

  private void countStored(Inboxes.Appended appended, Throwable err) {
    if (err != null) {
      config.events().pushRefused(GatewayException.from(err).code());
    } else {
      config.events().pushesStored(1);
    }
  }

  /**
   * Refuses a push whose frame would not fit the transports' frame limit. The seq is not set yet,
   * so room is left for the largest one; the frame wrapper adds a tag and a length.
   */
  private GatewayException checkDeliverable(PendingPush push) {
    int frameBytes = push.sizeWithoutSeq() + MAX_SEQ_FIELD_BYTES + FRAME_WRAPPER_BYTES;
    if (frameBytes <= config.maxFrameBytes()) {
      return null;
    }
    return new GatewayException(
        ErrorCode.FRAME_TOO_LARGE,
        "the push would be a frame of " + frameBytes + " bytes, over the limit of "
            + config.maxFrameBytes() + "; send a smaller payload");
  }

  /** Tag plus the longest varint of a uint64 field. */
  private static final int MAX_SEQ_FIELD_BYTES = 1 + 10;

  /** Frame's oneof tag plus the longest varint32 length of the embedded Push. */
  private static final int FRAME_WRAPPER_BYTES = 1 + 5;

  /** The push of {@code message} to {@code userId}: the same for every user when it names its {@code to}. */
  static PendingPush userPush(String userId, String msgId, long timeMs, Message message) {
    return messagePush(message.to().isEmpty() ? "user:" + userId : message.to(), msgId, timeMs, message);
  }

  private static PendingPush messagePush(String to, String msgId, long timeMs, Message message) {
    return PendingPush.of(msgId, message.from(), to, message.payload(), timeMs, message.headers());
  }

  /** Delivers stored pushes of one epoch, in seq order, here and to the other nodes. */
  private void deliverStored(String userId, List<Inboxes.Appended> appended, long acceptedNanos) {
    try {
      downlinks.deliver(userId, appended, acceptedNanos);
      for (Inboxes.Appended a : appended) {
        forward(userId, a);
      }
    } catch (RuntimeException e) {
      // The pushes are stored: devices get them on their next fill or resume.
      log.warn("delivering seq {}.. of {} failed", appended.get(0).push().getSeq(), userId, e);
    }
  }

  private void forward(String userId, Inboxes.Appended appended) {
    if (notices.forwardsOnAppend() || !notices.hasOtherNodes(nodeId)) {
      return;
    }
    CompletableFuture<List<DeviceSession>> sessions = sessionCache.get(userId);
    if (sessions.isDone() && !sessions.isCompletedExceptionally()) {
      forwardTo(sessions.join(), userId, appended);
    } else {
      sessions.whenComplete(
          (list, err) -> {
            if (err != null) {
              log.debug("session lookup of {} failed: {}", userId, err.toString());
            } else {
              forwardTo(list, userId, appended);
            }
          });
    }
  }

  private void forwardTo(List<DeviceSession> sessions, String userId, Inboxes.Appended appended) {
    for (int i = 0; i < sessions.size(); i++) {
      String node = sessions.get(i).nodeId();
      if (node.equals(nodeId) || seenBefore(sessions, i, node)) {
        continue;
      }
      notices
          .sendUserPush(node, userId, appended.push(), appended.epoch())
          .whenComplete(
              (v, err) -> {
                if (err != null) {
                  log.debug("notice to {} failed: {}", node, err.toString());
                }
              });
    }
  }

  private static boolean seenBefore(List<DeviceSession> sessions, int i, String node) {
    for (int j = 0; j < i; j++) {
      if (sessions.get(j).nodeId().equals(node)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Hands a device frame from an uplink here to the node holding that device's downlink.
   *
   * @return false if the device has no downlink on any node
   */
  CompletionStage<Boolean> forwardDeviceFrame(String userId, String deviceId, Frame frame) {
    if (!notices.hasOtherNodes(nodeId)) {
      return CompletableFuture.completedFuture(false);
    }
    return sessionCache
        .get(userId)
        .thenApply(
            sessions -> {
              for (DeviceSession s : sessions) {
                if (s.deviceId().equals(deviceId) && !s.nodeId().equals(nodeId)) {
                  notices
                      .sendDeviceFrame(s.nodeId(), userId, deviceId, frame)
                      .whenComplete(
                          (v, err) -> {
                            if (err != null) {
                              log.debug("device frame to {} failed: {}", s.nodeId(), err.toString());
                            }
                          });
                  return true;
                }
              }
              return false;
            })
        .exceptionally(err -> false);
  }

  public CompletionStage<Integer> publishToRoom(String room, Message message) {
    return publishToRoom(room, msgIds.next(), clock.millis(), message);
  }

  CompletionStage<Integer> publishToRoom(String room, String msgId, long timeMs, Message message) {
    long accepted = System.nanoTime();
    Frame bad = Rooms.checkName(room);
    if (bad != null) {
      return CompletableFuture.failedFuture(
          new GatewayException(bad.getError().getCode(), bad.getError().getMessage()));
    }
    PendingPush pending = messagePush(message.to().isEmpty() ? "room:" + room : message.to(), msgId, timeMs, message);
    GatewayException tooLarge = checkDeliverable(pending);
    if (tooLarge != null) {
      return CompletableFuture.failedFuture(tooLarge);
    }
    Push push = pending.toPush(0);
    int local =
        rooms.hasMembers(room) ? deliverRoom(room, EncodedFrame.ofBytes(pending.frame(0), accepted)) : 0;
    notices
        .publishRoom(nodeId, room, push)
        .whenComplete(
            (v, err) -> {
              if (err != null) {
                log.debug("room notice for {} failed: {}", room, err.toString());
              }
            });
    return CompletableFuture.completedFuture(local);
  }

  /** {@code frame} is encoded once and shared by every member's channel. */
  private int deliverRoom(String room, EncodedFrame frame) {
    int n = rooms.deliver(room, frame);
    config.events().roomDelivered(n);
    return n;
  }

  public CompletionStage<Integer> broadcast(Message message) {
    return store
        .sessions()
        .onlineUsers()
        .thenCompose(
            users -> {
              AtomicInteger reached = new AtomicInteger();
              CompletableFuture<?>[] all = new CompletableFuture<?>[users.size()];
              for (int i = 0; i < all.length; i++) {
                all[i] =
                    push(users.get(i), message)
                        .toCompletableFuture()
                        .thenRun(reached::incrementAndGet);
              }
              return CompletableFuture.allOf(all).handle((v, err) -> reached.get());
            });
  }

  public CompletionStage<List<DeviceSession>> sessionsOf(String userId) {
    return sessionCache.get(userId).minimalCompletionStage();
  }

  public long[] sessionCacheHitsAndMisses() {
    return sessionCache.hitsAndMisses();
  }

  public Router.DedupWindowStats dedupWindowStats() {
    SendDedup.Reach r = dedup.reach();
    return new Router.DedupWindowStats(r.answers(), r.earlyDrops(), r.shortDrops(), r.reach());
  }

  /**
   * Kicks the user's devices on every node: a {@code GoAway} with {@code reason}, then the close.
   *
   * @return how many downlinks were told (here, or a notice sent to their node)
   */
  public CompletionStage<Integer> kick(String userId, String deviceId, String reason) {
    Frame goAway = Frame.newBuilder().setGoAway(GoAway.newBuilder().setReason(reason)).build();
    int here = downlinks.kick(userId, deviceId, goAway);
    return store
        .sessions()
        .lookup(userId)
        .thenApply(
            sessions -> {
              int told = here;
              for (DeviceSession s : sessions) {
                if (!s.nodeId().equals(nodeId) && (deviceId == null || s.deviceId().equals(deviceId))) {
                  notices.sendDeviceFrame(s.nodeId(), userId, s.deviceId(), goAway);
                  told++;
                }
              }
              return told;
            });
  }

  public List<java.util.Map.Entry<String, Integer>> localRooms(int offset, int limit) {
    return rooms.page(offset, limit);
  }

  public int localDownlinkCount() {
    return downlinks.count();
  }

  public long localRoomMemberCount() {
    return rooms.memberCount();
  }

  public int localRoomCount() {
    return rooms.roomCount();
  }

  public void drain(GoAway goAway) {
    int n = downlinks.closeAll(Frame.newBuilder().setGoAway(goAway).build());
    log.info("drained {} downlinks: {}", n, goAway.getReason());
  }

  /**
   * Like {@link #drain(GoAway)}, but each user's downlinks get the GoAway {@code goAwayFor} makes for
   * that user (so hints can spread users over other nodes), in slices spread evenly over {@code
   * window}, so the clients do not all reconnect (and resume from the store) in the same second.
   * New downlinks are refused from the start.
   */
  public CompletableFuture<Integer> drain(Function<String, GoAway> goAwayFor, Duration window) {
    List<Runnable> closers =
        downlinks.beginDrain(user -> Frame.newBuilder().setGoAway(goAwayFor.apply(user)).build());
    CompletableFuture<Integer> done = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        DrainPacer.run(closers, window);
        log.info("drained {} downlinks over {} ms", closers.size(), window.toMillis());
      } finally {
        done.complete(closers.size());
      }
    }, "linkgate-drain");
    t.setDaemon(true);
    t.start();
    return done;
  }

  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    downlinks.closeAll(null);
    try {
      subscription.close();
    } catch (Exception e) {
      log.warn("could not unsubscribe from store notices", e);
    }
    if (config.ownsStore()) {
      store.close();
    }
  }

  // ---- notices from other nodes ----

  @Override
  public void onUserPush(String userId, Push push, String epoch) {
    // Another node accepted it; this JVM's clock starts when its notice arrives.
    downlinks.deliver(userId, List.of(new Inboxes.Appended(push, epoch)), System.nanoTime());
  }

  @Override
  public void onUserAppended(String userId, List<Inboxes.Appended> pushes) {
    downlinks.deliver(userId, pushes, System.nanoTime());
  }

  @Override
  public void onRoomPush(String room, Push push) {
    if (rooms.hasMembers(room)) {
      deliverRoom(room, EncodedFrame.ofPush(push, System.nanoTime()));
    }
  }

  @Override
  public void onDeviceFrame(String userId, String deviceId, Frame frame) {
    Frame.KindCase kind = frame.getKindCase();
    if (kind == Frame.KindCase.GO_AWAY) {
      // An operator kicked the device through another node.
      downlinks.kick(userId, deviceId.isEmpty() ? null : deviceId, frame);
      return;
    }
    if (kind != Frame.KindCase.PUSH_ACK && kind != Frame.KindCase.SUBSCRIBE && kind != Frame.KindCase.UNSUBSCRIBE) {
      log.debug("ignored a {} handed over by another node", kind);
      return;
    }
    LocalDownlink s = downlinks.find(userId, deviceId);
    if (s == null) {
      log.debug("{} from another node for {}/{}: no downlink here any more", frame.getKindCase(), userId, deviceId);
      return;
    }
    downlinks.onClientFrame(s, frame);
  }

  @Override
  public void onDisplaced(String userId, String deviceId, String sessionId) {
    downlinks.displace(userId, deviceId, sessionId);
  }

  @Override
  public boolean hasRoomMembers(String room) {
    return rooms.hasMembers(room);
  }

  // ---- validation ----

  static void checkId(String what, String id) {
    if (id == null || id.isEmpty()) {
      throw invalid(what + " is empty");
    }
    if (id.length() > MAX_ID_LENGTH) {
      throw invalid(what + " longer than " + MAX_ID_LENGTH + " characters");
    }
  }

  private static GatewayException invalid(String message) {
    return new GatewayException(ErrorCode.INVALID_ARGUMENT, message);
  }

  static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
