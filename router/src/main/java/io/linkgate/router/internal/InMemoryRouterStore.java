package io.linkgate.router.internal;

import io.linkgate.router.store.Inboxes;
import io.linkgate.router.store.NodeDirectory;
import io.linkgate.router.store.NoticeBus;
import io.linkgate.router.store.RouterStore;
import io.linkgate.router.store.SessionRegistry;
import java.time.Duration;

/** The default store: everything in this JVM. Several routers may share one (tests, embedding). */
public final class InMemoryRouterStore implements RouterStore {
  private final InMemorySessionRegistry sessions = new InMemorySessionRegistry();
  private final InMemoryInboxes inboxes;
  private final InMemoryNoticeBus notices = new InMemoryNoticeBus();
  private final InMemoryNodeDirectory nodes = new InMemoryNodeDirectory();

  public InMemoryRouterStore(int inboxCapacity, long maxUsers, Duration idleTtl) {
    this.inboxes = new InMemoryInboxes(inboxCapacity, maxUsers, idleTtl);
    sessions.onDisplaced(notices::sendDisplaced);
  }

  @Override
  public SessionRegistry sessions() {
    return sessions;
  }

  @Override
  public Inboxes inboxes() {
    return inboxes;
  }

  @Override
  public NodeDirectory nodes() {
    return nodes;
  }

  @Override
  public NoticeBus notices() {
    return notices;
  }

  /** Forgets a user's seq space as an idle eviction would (for tests of the epoch change). */
  public void forgetUser(String userId) {
    inboxes.evict(userId);
  }
}
