package io.linkgate.router;

import io.linkgate.api.proto.Push;
import io.linkgate.router.store.NoticeBus;
import io.linkgate.router.store.RouterStore;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/** A store whose node loses the direct-push notices it is told to, as a flaky pub/sub would. */
final class LossyStore extends ForwardingStore {
  private final AtomicInteger toDrop = new AtomicInteger();
  private final AtomicInteger dropped = new AtomicInteger();

  LossyStore(RouterStore delegate) {
    super(delegate);
  }

  void dropNextNotices(int n) {
    toDrop.set(n);
  }

  int dropped() {
    return dropped.get();
  }

  @Override
  public NoticeBus notices() {
    NoticeBus bus = delegate.notices();
    return new NoticeBus() {
      @Override
      public AutoCloseable subscribe(String nodeId, Listener listener) {
        return bus.subscribe(
            nodeId,
            new Listener() {
              @Override
              public void onUserPush(String userId, Push push, String epoch) {
                if (toDrop.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                  dropped.incrementAndGet();
                  return;
                }
                listener.onUserPush(userId, push, epoch);
              }

              @Override
              public void onRoomPush(String room, Push push) {
                listener.onRoomPush(room, push);
              }
            });
      }

      @Override
      public CompletionStage<Void> sendUserPush(String nodeId, String userId, Push push, String epoch) {
        return bus.sendUserPush(nodeId, userId, push, epoch);
      }

      @Override
      public CompletionStage<Void> publishRoom(String fromNodeId, String room, Push push) {
        return bus.publishRoom(fromNodeId, room, push);
      }
    };
  }
}
