package io.linkgate.server.internal.ops;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.router.Router;
import java.time.Instant;
import java.util.List;

/** What the ops listener reads from, and does to, the node it serves. */
public interface OpsNode {
  String nodeId();

  String version();

  Instant startedAt();

  List<Endpoint> endpoints();

  String storeDescription();

  Router router();

  /** Null when ready, else why not (starting, draining, store unreachable). */
  String notReadyReason();

  /** Stops accepting, sends every downlink a GoAway, and reports not ready from then on. */
  void drain();
}
