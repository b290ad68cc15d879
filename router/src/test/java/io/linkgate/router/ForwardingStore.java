package io.linkgate.router;

import io.linkgate.router.store.Inboxes;
import io.linkgate.router.store.NodeDirectory;
import io.linkgate.router.store.NoticeBus;
import io.linkgate.router.store.RouterStore;
import io.linkgate.router.store.SessionRegistry;

/** A store that hands every part to another: test stores override the part they bend. */
abstract class ForwardingStore implements RouterStore {
  protected final RouterStore delegate;

  ForwardingStore(RouterStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public NodeDirectory nodes() {
    return delegate.nodes();
  }

  @Override
  public SessionRegistry sessions() {
    return delegate.sessions();
  }

  @Override
  public Inboxes inboxes() {
    return delegate.inboxes();
  }

  @Override
  public NoticeBus notices() {
    return delegate.notices();
  }
}
