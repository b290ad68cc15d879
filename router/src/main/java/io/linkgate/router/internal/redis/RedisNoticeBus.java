package io.linkgate.router.internal.redis;

import com.google.protobuf.InvalidProtocolBufferException;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.linkgate.api.EncodedFrame;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import io.linkgate.router.store.Inboxes;
import io.linkgate.router.store.NoticeBus;
import io.linkgate.router.store.PendingPush;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices between nodes over Redis pub/sub: one channel per node for direct pushes, one channel per
 * room, and one for registry changes.
 *
 * <p>Why pub/sub and not a Stream per node: a notice only wakes the receiving node up sooner; the
 * push itself is already in the user's inbox, and a lost notice (a node reconnecting to Redis, a
 * full output buffer) is repaired by the receiving node's gap fill on the next push or by the
 * client's resume. A Stream would cost a write, a trim and an ack per notice to make durable what
 * the inbox already holds. Direct pushes are published by the append script itself, to the nodes
 * named in the user's registry entries only, so they cost no extra round trip.
 *
 * <p>Rooms: a node subscribes to a room's channel while it has local members, so Redis hands each
 * node with members one copy of each message and nodes without members none.
 */
final class RedisNoticeBus implements NoticeBus {
  private static final Logger log = LoggerFactory.getLogger(RedisNoticeBus.class);

  private final RedisContext redis;
  private final StatefulRedisPubSubConnection<byte[], byte[]> pubsub;
  private final RedisSessionRegistry registry;
  private final Runnable onSubscribe;
  /** Rooms whose channel this node is subscribed to. Guarded by itself. */
  private final Set<String> rooms = new HashSet<>();
  private volatile Listener listener;

  RedisNoticeBus(
      RedisContext redis,
      StatefulRedisPubSubConnection<byte[], byte[]> pubsub,
      RedisSessionRegistry registry,
      Runnable onSubscribe) {
    this.redis = redis;
    this.pubsub = pubsub;
    this.registry = registry;
    this.onSubscribe = onSubscribe;
  }

  @Override
  public AutoCloseable subscribe(String nodeId, Listener l) {
    redis.bindNode(nodeId);
    this.listener = l;
    RedisKeys keys = redis.keys();
    byte[] nodeChannel = keys.nodeChannel(nodeId);
    byte[] changes = keys.sessionChanges();
    byte[] deviceChannel = keys.deviceChannel(nodeId);
    pubsub.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(byte[] channel, byte[] message) {
            try {
              if (java.util.Arrays.equals(channel, nodeChannel)) {
                onNodeNotice(message);
              } else if (java.util.Arrays.equals(channel, deviceChannel)) {
                onDeviceNotice(message);
              } else if (java.util.Arrays.equals(channel, changes)) {
                registry.changed(Redis.utf8(message));
              } else if (keys.isRoomChannel(channel)) {
                onRoomNotice(keys.roomOf(channel), message);
              }
            } catch (RuntimeException e) {
              log.warn("dropped a notice on {} that could not be read: {}", Redis.utf8(channel), e.toString());
            }
          }
        });
    // Synchronously: a node must hear its notices before it accepts its first connection.
    pubsub.sync().subscribe(nodeChannel, deviceChannel, changes);
    onSubscribe.run();
    return () -> {
      try {
        pubsub.sync().unsubscribe(nodeChannel, deviceChannel, changes);
      } catch (RuntimeException e) {
        log.debug("unsubscribe failed: {}", e.toString());
      }
    };
  }

  /**
   * A node notice is a run of records, one per user: epoch, first seq, count, user, then the
   * pushes without their seq (see {@code append.lua}). They go on as frame bytes, unparsed: byte
   * transports write them as they are.
   */
  private void onNodeNotice(byte[] message) {
    long arrived = System.nanoTime();
    Fields f = new Fields(message);
    while (f.hasNext()) {
      String epoch = Redis.utf8(f.next());
      long seq = f.nextLong();
      long n = f.nextLong();
      String user = Redis.utf8(f.next());
      List<Inboxes.Appended> pushes = new ArrayList<>((int) Math.min(n, RedisInboxes.MAX_BATCH));
      for (long i = 0; i < n; i++, seq++) {
        f.advance();
        byte[] frame = PendingPush.frameOf(f.data(), f.start(), f.length(), seq);
        pushes.add(Inboxes.Appended.ofFrame(seq, epoch, EncodedFrame.ofBytes(frame, arrived)));
      }
      Listener l = listener;
      if (l != null && !pushes.isEmpty()) {
        l.onUserAppended(user, pushes);
      }
    }
  }

  private void onDeviceNotice(byte[] message) {
    Fields f = new Fields(message);
    String user = Redis.utf8(f.next());
    String device = Redis.utf8(f.next());
    Frame frame;
    try {
      frame = Frame.parseFrom(f.next());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not a frame", e);
    }
    Listener l = listener;
    if (l == null) {
      return;
    }
    if (f.hasNext()) {
      l.onDisplaced(user, device, Redis.utf8(f.next()));
    } else {
      l.onDeviceFrame(user, device, frame);
    }
  }

  /** Tells the node holding {@code old} that the device's newer session elsewhere displaced it. */
  void sendDisplaced(io.linkgate.router.DeviceSession old) {
    publish(
        redis.keys().deviceChannel(old.nodeId()),
        "displacement",
        Redis.utf8(old.userId()),
        Redis.utf8(old.deviceId()),
        new byte[0],
        Redis.utf8(old.sessionId()));
  }

  @Override
  public CompletionStage<Void> sendDeviceFrame(String nodeId, String userId, String deviceId, Frame frame) {
    return publish(
        redis.keys().deviceChannel(nodeId), "device frame", Redis.utf8(userId), Redis.utf8(deviceId), frame.toByteArray());
  }

  private void onRoomNotice(String room, byte[] message) {
    Fields f = new Fields(message);
    String from = Redis.utf8(f.next());
    if (from.equals(redis.nodeId())) {
      return; // this node delivered its own members already
    }
    Listener l = listener;
    if (l != null) {
      l.onRoomPush(room, parse(f.next()));
    }
  }

  @Override
  public boolean forwardsOnAppend() {
    return true;
  }

  @Override
  public CompletionStage<Void> sendUserPush(String nodeId, String userId, Push push, String epoch) {
    byte[] record =
        concat(
            Redis.lengthPrefixed(Redis.utf8(epoch)),
            Redis.lengthPrefixed(Redis.decimal(push.getSeq())),
            Redis.lengthPrefixed(Redis.decimal(1)),
            Redis.lengthPrefixed(Redis.utf8(userId)),
            Redis.lengthPrefixed(push.toBuilder().clearSeq().build().toByteArray()));
    return publish(redis.keys().nodeChannel(nodeId), "notice", record);
  }

  @Override
  public void roomMembershipChanged(String room) {
    Listener l = listener;
    if (l == null) {
      return;
    }
    // Deciding and issuing under one lock keeps SUBSCRIBE and UNSUBSCRIBE of a room in order.
    synchronized (rooms) {
      boolean want = l.hasRoomMembers(room);
      if (want && rooms.add(room)) {
        pubsub.async().subscribe(redis.keys().roomChannel(room));
      } else if (!want && rooms.remove(room)) {
        pubsub.async().unsubscribe(redis.keys().roomChannel(room));
      }
    }
  }

  @Override
  public CompletionStage<Void> publishRoom(String fromNodeId, String room, Push push) {
    return publish(redis.keys().roomChannel(room), "room notice", Redis.utf8(fromNodeId), push.toByteArray());
  }

  private static Push parse(byte[] bytes) {
    try {
      return Push.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not a push", e);
    }
  }

  /** Publishes {@code fields}, each length-prefixed (see {@link Fields}), on {@code channel}. */
  private CompletionStage<Void> publish(byte[] channel, String what, byte[]... fields) {
    byte[][] framed = new byte[fields.length][];
    for (int i = 0; i < fields.length; i++) {
      framed[i] = Redis.lengthPrefixed(fields[i]);
    }
    return Redis.unavailableOnFailure(redis.commands().publish(channel, concat(framed)), what).thenApply(n -> null);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
