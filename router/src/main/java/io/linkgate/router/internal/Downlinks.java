package io.linkgate.router.internal;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.Frames;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.GoAway;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Welcome;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.DownlinkChannel;
import io.linkgate.api.transport.DownlinkSession;
import io.linkgate.router.DeviceSession;
import io.linkgate.router.store.Inboxes;
import io.linkgate.router.store.SessionRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's downlinks: the handshake, in-order delivery with gap filling, acks, and cleanup.
 *
 * <p>Ordering: everything written to one user's channels (Welcome, replay, live pushes, fills) is
 * written while holding that user's {@link LocalUser} monitor, and a push is only written when its
 * seq directly follows the last one the session got. A session is attached (HANDSHAKING) before the
 * inbox is read, so a push that races the handshake is either in what the read returns or is seen
 * by the session and then fetched by a fill: nothing is lost, nothing is sent twice.
 *
 * <p>A gap fill starts (its inbox read is issued) under the user's monitor, in the same hold that
 * found the gap: see {@link #fill}.
 *
 * <p>Lock order: a user's monitor, then a session's monitor, then map bins, and the store's own
 * locks (a fill reads the inbox under the user's monitor). Nothing here takes a user's monitor
 * inside a map operation, and the store calls nothing of ours under its locks, so a channel closing
 * re-entrantly cannot deadlock.
 */
final class Downlinks {
  private static final Logger log = LoggerFactory.getLogger(Downlinks.class);

  static final CompletionStage<Frame> EMPTY =
      CompletableFuture.completedStage(Frame.getDefaultInstance());
  static final String REPLACED = "replaced by a newer connection of the same device";
  /** A fill that returns nothing new is retried this many times before waiting for the next push. */
  private static final int MAX_FILL_RETRIES = 3;

  private final String nodeId;
  private final Inboxes inboxes;
  private final SessionRegistry registry;
  private final Consumer<String> sessionsChanged;
  private final Rooms rooms;
  private final int maxDevices;
  private final io.linkgate.router.RouterEvents events;
  private final Ids sessionIds;
  private final ConcurrentHashMap<String, LocalUser> users = new ConcurrentHashMap<>();
  private final AtomicInteger count = new AtomicInteger();
  private volatile boolean closing;

  Downlinks(
      String nodeId,
      Inboxes inboxes,
      SessionRegistry registry,
      Consumer<String> sessionsChanged,
      Rooms rooms,
      int maxDevices,
      io.linkgate.router.RouterEvents events) {
    this.events = events;
    this.nodeId = nodeId;
    this.inboxes = inboxes;
    this.registry = registry;
    this.sessionsChanged = sessionsChanged;
    this.rooms = rooms;
    this.maxDevices = maxDevices;
    this.sessionIds = new Ids(nodeId, "d");
  }

  /** Attaches a downlink of an authenticated, validated {@code Hello}; see {@code openDownlink}. */
  CompletionStage<DownlinkSession> open(
      String userId, Hello hello, ConnectionInfo info, DownlinkChannel channel) {
    if (closing) {
      return CompletableFuture.failedFuture(
          new GatewayException(ErrorCode.UNAVAILABLE, "node is draining; reconnect elsewhere"));
    }
    String deviceId = hello.getDeviceId();
    LocalDownlink s;
    LocalDownlink old;
    while (true) {
      LocalUser u = users.computeIfAbsent(userId, LocalUser::new);
      synchronized (u) {
        if (u.retired) {
          users.remove(userId, u);
          continue;
        }
        old = u.find(deviceId);
        if (old == null && u.sessions().length >= maxDevices) {
          log.debug("refused device {} of {}: {} devices connected", deviceId, userId, maxDevices);
          return CompletableFuture.failedFuture(
              new GatewayException(
                  ErrorCode.RATE_LIMITED,
                  "too many devices connected for this user (limit " + maxDevices + ")"));
        }
        s = new LocalDownlink(u, deviceId, sessionIds.next(), info.transport(), channel, this);
        if (old != null) {
          u.remove(old);
          old.replaced = true;
          if (old.state == LocalDownlink.LIVE) {
            old.state = LocalDownlink.DEAD;
            old.channel.close(
                Frame.newBuilder().setGoAway(GoAway.newBuilder().setReason(REPLACED)).build());
          }
          // A handshaking session notices `replaced` when its handshake finishes and fails it.
        }
        u.add(s);
      }
      break;
    }
    if (old == null) {
      count.incrementAndGet();
    } else {
      log.debug("{} replaced by {}", old, s.sessionId);
    }
    sessionsChanged.accept(userId);
    long requested = hello.getResumeFromSeq() < 0 ? Long.MAX_VALUE : hello.getResumeFromSeq();
    String clientEpoch = hello.getResumeEpoch();
    CompletableFuture<DownlinkSession> result = new CompletableFuture<>();
    registry
        .register(new DeviceSession(userId, deviceId, s.sessionId, nodeId, 0, s.transport, System.currentTimeMillis()))
        .thenCompose(v -> inboxes.readAfter(userId, requested))
        .thenCompose(slice -> restartIfEpochChanged(userId, clientEpoch, requested, slice))
        .whenComplete(
            (slice, err) -> {
              // A seq from another epoch acknowledges nothing in this one.
              boolean sameSpace =
                  clientEpoch.isEmpty() || (slice != null && clientEpoch.equals(slice.epoch()));
              long resumeFrom = sameSpace ? requested : 0;
              finishHandshake(s, resumeFrom, info, slice, err, result);
            });
    return result;
  }

  /**
   * A client resuming in an epoch the store no longer has (its seq space was lost and restarted)
   * gets everything the inbox holds and {@code resumed = false}: its seq says nothing here.
   */
  private CompletionStage<Inboxes.Slice> restartIfEpochChanged(
      String userId, String clientEpoch, long requested, Inboxes.Slice slice) {
    if (clientEpoch.isEmpty() || clientEpoch.equals(slice.epoch())) {
      return CompletableFuture.completedFuture(slice);
    }
    if (requested == 0) {
      return CompletableFuture.completedFuture(withComplete(slice, false));
    }
    return inboxes.readAfter(userId, 0).thenApply(all -> withComplete(all, false));
  }

  private static Inboxes.Slice withComplete(Inboxes.Slice slice, boolean complete) {
    return new Inboxes.Slice(slice.pushes(), slice.lastSeq(), slice.epoch(), complete);
  }

  private void finishHandshake(
      LocalDownlink s,
      long resumeFrom,
      ConnectionInfo info,
      Inboxes.Slice slice,
      Throwable err,
      CompletableFuture<DownlinkSession> result) {
    LocalUser u = s.user;
    GatewayException failure = null;
    boolean fill = false;
    boolean paced = false;
    boolean opened = false;
    long acked = 0;
    synchronized (u) {
      if (err != null) {
        failure = storeFailure("could not open the downlink", err);
      } else if (s.replaced) {
        failure = new GatewayException(ErrorCode.UNAVAILABLE, REPLACED);
      } else if (closing) {
        failure = new GatewayException(ErrorCode.UNAVAILABLE, "node is draining; reconnect elsewhere");
      } else {
        s.epoch = slice.epoch();
        Frame welcome =
            Frame.newBuilder()
                .setWelcome(
                    Welcome.newBuilder()
                        .setSessionId(s.sessionId)
                        .setNodeId(nodeId)
                        .setUserId(u.userId)
                        .setHeartbeatMs(info.heartbeatMs())
                        .setLastSeq(slice.lastSeq())
                        .setResumed(slice.complete())
                        .setEpoch(slice.epoch()))
                .build();
        List<Push> backlog = slice.pushes();
        int sent = s.send(EncodedFrame.of(welcome)) ? sendChunk(s, backlog, 0) : -1;
        if (sent >= 0 && sent < backlog.size()) {
          // The rest follows as the connection drains (paced: see sendChunk).
          s.lastDelivered = backlog.get(sent - 1).getSeq();
          s.wanted = Math.max(s.wanted, slice.lastSeq());
          paced = true;
        } else {
          s.lastDelivered = slice.lastSeq();
        }
        // A resume point past the last seq (another epoch, or garbage) acknowledges nothing.
        s.acked = resumeFrom <= slice.lastSeq() ? resumeFrom : 0;
        acked = s.acked;
        if (s.state == LocalDownlink.HANDSHAKING) {
          s.state = LocalDownlink.LIVE;
          s.opened = true;
          opened = true;
          if (paced) {
            s.filling = true;
          } else {
            // Not marked filling yet: nothing may be dropped on the strength of a fill that has
            // not started (see fill). Until this thread starts it below, an offer that finds the
            // gap fills it itself.
            fill = s.wanted > s.lastDelivered;
          }
        }
      }
    }
    if (failure != null) {
      release(s);
      result.completeExceptionally(failure);
      return;
    }
    if (acked > 0) {
      recordAck(s, acked);
    }
    events.resumed(slice.complete());
    if (opened) {
      events.downlinkOpened(s.transport);
    }
    // Key-value pairs, so that structured logs carry the session's identity as fields: one grep
    // (or one query) follows a session.
    log.atDebug()
        .addKeyValue("session", s.sessionId)
        .addKeyValue("user", u.userId)
        .addKeyValue("device", s.deviceId)
        .addKeyValue("transport", s.transport)
        .addKeyValue("remote", info.remoteAddress())
        .log("{} open: last_seq {}, resumed {} from {}, replayed {}",
            s, slice.lastSeq(), slice.complete(), resumeFrom, slice.pushes().size());
    result.complete(s);
    if (fill) {
      synchronized (u) {
        if (s.state == LocalDownlink.LIVE && !s.filling && s.wanted > s.lastDelivered) {
          s.filling = true;
          fill(s);
        }
      }
    } else if (paced) {
      s.channel.whenWritable(() -> fillWhenWritable(s));
    }
  }

  /**
   * Sends {@code pushes} from index {@code from} on, stopping once {@link #REPLAY_CHUNK_BYTES} went
   * out (at least one push always goes): a backlog larger than the transport's outbound bound would
   * otherwise be queued at once and close a client that reads perfectly well as a slow consumer.
   * Guarded by user.
   *
   * @return the index after the last push sent, or -1 if the channel refused one (it is closing)
   */
  private static int sendChunk(LocalDownlink s, List<Push> pushes, int from) {
    long bytes = 0;
    int i = from;
    while (i < pushes.size() && (i == from || bytes < REPLAY_CHUNK_BYTES)) {
      EncodedFrame frame = EncodedFrame.ofPush(pushes.get(i), 0);
      if (!s.send(frame)) {
        return -1;
      }
      bytes += frame.size();
      i++;
    }
    return i;
  }

  /**
   * Delivers pushes already in {@code userId}'s inbox, all of one epoch and in seq order, to the
   * user's local downlinks: one lookup and one lock for the batch. {@code acceptedNanos} is when the
   * router took them ({@link EncodedFrame#acceptedNanos()}), so transports can time them. A push the
   * store encoded already goes out as those bytes.
   */
  void deliver(String userId, List<Inboxes.Appended> pushes, long acceptedNanos) {
    LocalUser u = users.get(userId);
    if (u == null) {
      return;
    }
    synchronized (u) {
      LocalDownlink[] sessions = u.sessions();
      if (sessions.length == 0) {
        return;
      }
      for (int p = 0; p < pushes.size(); p++) {
        Inboxes.Appended push = pushes.get(p);
        EncodedFrame encoded = encoded(push, acceptedNanos);
        long seq = push.seq();
        for (LocalDownlink s : sessions) {
          int r = s.offer(seq, encoded, push.epoch());
          if (r == LocalDownlink.OFFER_FILL) {
            fill(s); // now, before the monitor is let go: see fill
          } else if (r == LocalDownlink.OFFER_RESYNC) {
            resync(s, "this user's message history was reset");
          }
        }
      }
    }
  }


  /** One encoding shared by the user's devices, made now: every transport writes the bytes. */
  private static EncodedFrame encoded(Inboxes.Appended push, long acceptedNanos) {
    if (push.frame() != null) {
      return push.frame().acceptedAt(acceptedNanos);
    }
    return EncodedFrame.ofPush(push.push(), acceptedNanos);
  }

  /**
   * Reads the inbox after the session's last delivered seq and sends what follows, in order.
   * Guarded by user: the caller holds the monitor from the moment it set {@code filling} until the
   * read has started, and with a store that answers at once (the in-memory one) the answer is sent
   * before the monitor is let go, as the callback runs in line.
   *
   * <p>While {@code filling} is set, every other thread's offer to the session is dropped, on the
   * promise that the fill fetches it from the inbox; the appenders themselves go on. A fill started
   * after the monitor was let go left that promise open for as long as the thread that found the
   * gap took to get the monitor back, from appenders that kept taking it, and to fill the user's
   * other sessions first: with three senders on two cores, tens of milliseconds, in which they
   * appended more than the inbox holds. The read then began past an evicted seq and told devices
   * that read everything to resync. Started under the monitor, the fill is pending only while a
   * store is really answering (a remote one); the appenders wait at the monitor meanwhile.
   */
  private void fill(LocalDownlink s) {
    LocalUser u = s.user;
    long from = s.lastDelivered;
    CompletionStage<Inboxes.Slice> read;
    try {
      read = inboxes.readAfter(u.userId, from);
    } catch (RuntimeException e) {
      // Failed as a failed read would: the caller may be offering to the user's other sessions.
      read = CompletableFuture.failedFuture(e);
    }
    read
        .whenComplete(
            (slice, err) -> {
              boolean paced = false;
              synchronized (u) {
                s.filling = false;
                if (s.state != LocalDownlink.LIVE) {
                  return;
                }
                if (err != null) {
                  storeFailure("gap fill failed", err);
                  s.state = LocalDownlink.DEAD;
                  s.channel.close(
                      Frames.error(ErrorCode.UNAVAILABLE, "message store unavailable; reconnect and resume"));
                  return;
                }
                if (!slice.epoch().equals(s.epoch)) {
                  resync(s, "this user's message history was reset");
                  return;
                }
                long before = s.lastDelivered;
                long bytes = 0;
                for (Push p : slice.pushes()) {
                  long seq = p.getSeq();
                  if (seq <= s.lastDelivered) {
                    continue;
                  }
                  if (seq != s.lastDelivered + 1) {
                    resync(s, "messages were dropped from the inbox before delivery");
                    return;
                  }
                  if (bytes >= REPLAY_CHUNK_BYTES) {
                    // Enough for now: go on when the connection has drained (see sendChunk).
                    s.filling = true;
                    s.wanted = Math.max(s.wanted, slice.lastSeq());
                    paced = true;
                    break;
                  }
                  EncodedFrame frame = EncodedFrame.ofPush(p, 0);
                  if (!s.send(frame)) {
                    return;
                  }
                  bytes += frame.size();
                  s.lastDelivered = seq;
                }
                if (paced) {
                  // nothing more here: the drained channel calls fill again
                } else if (s.wanted > s.lastDelivered) {
                  // Pushes appended after the read started: read again. A read that brought
                  // nothing new is retried a few times, then the next push starts a fill.
                  s.fillRetries = s.lastDelivered > before ? 0 : s.fillRetries + 1;
                  if (s.fillRetries <= MAX_FILL_RETRIES) {
                    s.filling = true;
                    fill(s); // still under the monitor, as fill asks
                  } else {
                    s.fillRetries = 0;
                    log.debug("{}: gap up to {} not in the inbox yet", s, s.wanted);
                  }
                } else {
                  s.fillRetries = 0;
                }
              }
              if (paced) {
                s.channel.whenWritable(() -> fillWhenWritable(s));
              }
            });
  }

  /** Goes on with a paced fill once the channel has drained. */
  private void fillWhenWritable(LocalDownlink s) {
    synchronized (s.user) {
      fill(s);
    }
  }

  /** Closes a session whose seq space changed under it; the client reconnects and resyncs. Guarded by user. */
  private static void resync(LocalDownlink s, String why) {
    log.debug("{}: resync required: {}", s, why);
    s.state = LocalDownlink.DEAD;
    s.channel.close(Frames.error(ErrorCode.RESYNC_REQUIRED, why + "; reconnect and resync"));
  }

  /** PushAck, Subscribe, Unsubscribe (and Ping) from the client, on the downlink or the uplink. */
  CompletionStage<Frame> onClientFrame(LocalDownlink s, Frame frame) {
    switch (frame.getKindCase()) {
      case PUSH_ACK:
        ack(s, frame.getPushAck().getUpToSeq());
        return EMPTY;
      case SUBSCRIBE:
        return answer(rooms.join(s, frame.getSubscribe().getRoom()));
      case UNSUBSCRIBE:
        return answer(rooms.leave(s, frame.getUnsubscribe().getRoom()));
      case PING:
        return CompletableFuture.completedStage(Frames.pong(frame.getPing().getNonce()));
      default:
        log.debug("{}: unexpected {} frame", s, frame.getKindCase());
        return CompletableFuture.completedStage(
            Frames.error(
                ErrorCode.BAD_FRAME,
                Frames.isUnknownKind(frame)
                    ? "unknown frame kind"
                    : "unexpected " + frame.getKindCase() + " frame on a downlink"));
    }
  }

  private static CompletionStage<Frame> answer(Frame error) {
    return error == null ? EMPTY : CompletableFuture.completedStage(error);
  }

  private void ack(LocalDownlink s, long upTo) {
    long record = 0;
    synchronized (s.user) {
      // A device cannot hold more than it was sent; uint64 values past Long.MAX_VALUE are negative.
      long v = upTo < 0 ? s.lastDelivered : Math.min(upTo, s.lastDelivered);
      if (v > s.acked) {
        s.acked = v;
        record = v;
      }
    }
    if (record > 0) {
      recordAck(s, record);
    }
  }

  private void recordAck(LocalDownlink s, long seq) {
    registry
        .recordAck(s.user.userId, s.deviceId, s.sessionId, seq)
        .whenComplete(
            (v, err) -> {
              if (err != null) {
                log.debug("could not record ack {} of {}: {}", seq, s, err.toString());
              } else {
                // So that sessionsOf() on this node shows the ack at once.
                sessionsChanged.accept(s.user.userId);
              }
            });
  }

  /**
   * Closes this node's downlink {@code sessionId} of the device with a {@code GoAway}: the same
   * device connected to another node, which displaced it. A handshaking session fails its
   * handshake instead. Does nothing if the session is gone already.
   */
  void displace(String userId, String deviceId, String sessionId) {
    LocalUser u = users.get(userId);
    if (u == null) {
      return;
    }
    synchronized (u) {
      LocalDownlink s = u.find(deviceId);
      if (s == null || !s.sessionId.equals(sessionId)) {
        return;
      }
      s.replaced = true;
      if (s.state == LocalDownlink.LIVE) {
        s.state = LocalDownlink.DEAD;
        s.channel.close(Frame.newBuilder().setGoAway(GoAway.newBuilder().setReason(REPLACED)).build());
      }
    }
    log.debug("downlink {} of {}/{} displaced by a connection on another node", sessionId, userId, deviceId);
  }

  /**
   * Sends {@code goAway} to this node's downlinks of the user (of one device, or all when {@code
   * deviceId} is null) and closes them.
   *
   * @return how many were closed
   */
  int kick(String userId, String deviceId, Frame goAway) {
    LocalUser u = users.get(userId);
    if (u == null) {
      return 0;
    }
    int n = 0;
    synchronized (u) {
      for (LocalDownlink s : u.sessions()) {
        if ((deviceId == null || s.deviceId.equals(deviceId)) && s.state != LocalDownlink.DEAD) {
          s.replaced = true; // a handshaking session fails its handshake
          if (s.state == LocalDownlink.LIVE) {
            s.state = LocalDownlink.DEAD;
            s.channel.close(goAway);
          }
          n++;
        }
      }
    }
    return n;
  }

  /** The downlink of {@code userId}'s device {@code deviceId} on this node, or null. */
  LocalDownlink find(String userId, String deviceId) {
    LocalUser u = users.get(userId);
    if (u == null) {
      return null;
    }
    synchronized (u) {
      LocalDownlink s = u.find(deviceId);
      return s == null || s.state == LocalDownlink.DEAD ? null : s;
    }
  }

  /** Detaches a session: from its user, its rooms and the registry. Idempotent. */
  void release(LocalDownlink s) {
    LocalUser u = s.user;
    boolean removed;
    boolean retired = false;
    boolean wasOpened;
    synchronized (u) {
      wasOpened = s.opened;
      s.opened = false;
      s.state = LocalDownlink.DEAD;
      removed = u.remove(s);
      if (removed && u.sessions().length == 0) {
        u.retired = true;
        retired = true;
      }
    }
    if (removed) {
      count.decrementAndGet();
    }
    if (retired) {
      users.remove(u.userId, u);
    }
    if (wasOpened) {
      events.downlinkClosed(s.transport);
    }
    Set<String> held = s.markReleased();
    if (held == null) {
      return;
    }
    rooms.leaveAll(s, held);
    registry
        .unregister(new DeviceSession(u.userId, s.deviceId, s.sessionId, nodeId, 0))
        .whenComplete(
            (v, err) -> {
              if (err != null) {
                log.warn("could not unregister {}: {}", s, err.toString());
              }
            });
    sessionsChanged.accept(u.userId);
    log.atDebug()
        .addKeyValue("session", s.sessionId)
        .addKeyValue("user", u.userId)
        .addKeyValue("device", s.deviceId)
        .addKeyValue("transport", s.transport)
        .log("{} closed", s);
  }

  /**
   * Refuses new downlinks from now on and returns one closer per live downlink, each sending the
   * frame {@code lastFrameFor} makes for its user and closing the downlink unless it ended
   * meanwhile: a drain spread over time runs them a slice at a time.
   */
  List<Runnable> beginDrain(java.util.function.Function<String, Frame> lastFrameFor) {
    closing = true;
    List<Runnable> closers = new ArrayList<>();
    for (LocalUser u : users.values()) {
      synchronized (u) {
        for (LocalDownlink s : u.sessions()) {
          if (s.state == LocalDownlink.LIVE) {
            closers.add(() -> {
              synchronized (u) {
                if (s.state != LocalDownlink.LIVE) {
                  return;
                }
                s.state = LocalDownlink.DEAD;
              }
              s.channel.close(lastFrameFor.apply(u.userId));
            });
          }
        }
      }
    }
    return closers;
  }

  /** Refuses new downlinks and closes every local one with {@code lastFrame} (null for none). */
  int closeAll(Frame lastFrame) {
    closing = true;
    int n = 0;
    for (LocalUser u : users.values()) {
      synchronized (u) {
        for (LocalDownlink s : u.sessions()) {
          if (s.state == LocalDownlink.LIVE) {
            s.state = LocalDownlink.DEAD;
            s.channel.close(lastFrame);
            n++;
          }
        }
      }
    }
    return n;
  }

  int count() {
    return count.get();
  }

  /**
   * Bytes of replayed or gap-filled pushes sent before waiting for the connection to drain. Well
   * under any sensible outbound bound, so live pushes arriving meanwhile still fit.
   */
  static final int REPLAY_CHUNK_BYTES = 16 * 1024;

  private static GatewayException storeFailure(String what, Throwable err) {
    GatewayException g = GatewayException.from(err);
    if (g.code() == ErrorCode.INTERNAL) {
      log.warn("{}: store failure", what, err);
      return new GatewayException(ErrorCode.UNAVAILABLE, what + ": message store unavailable");
    }
    return g;
  }
}
