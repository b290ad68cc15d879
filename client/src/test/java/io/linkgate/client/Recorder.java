package io.linkgate.client;

import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Welcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a client hands its listeners. */
final class Recorder implements PushListener, ConnectionStateListener {
  final List<Push> pushes = new CopyOnWriteArrayList<>();
  final List<Welcome> resyncs = new CopyOnWriteArrayList<>();
  final List<ConnectionState> states = new CopyOnWriteArrayList<>();
  final List<String> reasons = new CopyOnWriteArrayList<>();
  final List<ConnectionEvent> events = new CopyOnWriteArrayList<>();

  @Override
  public void onPush(Push push) {
    pushes.add(push);
  }

  @Override
  public void onResyncRequired(Welcome welcome) {
    resyncs.add(welcome);
  }

  @Override
  public void onEvent(ConnectionEvent event) {
    events.add(event);
    ConnectionStateListener.super.onEvent(event);
  }

  /** {@code builder} reporting pushes and state changes here. */
  LinkgateClient.Builder listening(LinkgateClient.Builder builder) {
    return builder.pushListener(this).stateListener(this);
  }

  /** The first event of {@code state}, waiting for none. */
  ConnectionEvent first(ConnectionState state) {
    return events.stream().filter(e -> e.state() == state).findFirst()
        .orElseThrow(() -> new AssertionError("no " + state + " event in " + reasons));
  }

  @Override
  public void onStateChanged(ConnectionState state, String reason) {
    states.add(state);
    reasons.add(state + ": " + reason);
  }

  /** The seqs of user pushes (seq > 0), in delivery order. */
  List<Long> seqs() {
    List<Long> out = new ArrayList<>();
    for (Push p : pushes) {
      if (p.getSeq() > 0) {
        out.add(p.getSeq());
      }
    }
    return out;
  }

  long count(ConnectionState state) {
    return states.stream().filter(s -> s == state).count();
  }
}
