package io.linkgate.client.internal;

import io.linkgate.api.Frames;
import io.linkgate.api.GatewayException;
import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.GoAway;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.PushAck;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Subscribe;
import io.linkgate.api.proto.Unsubscribe;
import io.linkgate.api.proto.Welcome;
import io.linkgate.client.ConnectionState;
import io.linkgate.client.Cursor;
import io.linkgate.client.Endpoints;
import io.linkgate.client.PushListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The downlink's lifecycle: connect, resume from the last contiguous seq, deliver pushes in order
 * exactly once, ack in batches, heartbeat, and reconnect with backoff when anything goes wrong.
 *
 * <p>All state lives on the scheduler thread: transport callbacks and app calls hop onto it, so
 * nothing here needs a lock and no transport thread ever waits. Each connection attempt is an
 * {@link Attempt}; events from an attempt that is no longer current are ignored, which is what
 * makes late callbacks from a dropped connection harmless.
 */
public final class DownlinkManager {
  private static final Logger log = LoggerFactory.getLogger(DownlinkManager.class);

  private enum Phase { IDLE, CONNECTING, CONNECTED, WAITING, STOPPED }

  /** What to do after losing a connection. */
  private enum Then { BACKOFF, PROMPTLY, AFTER_DRAIN }

  private final ClientConfig config;
  private final Scheduler scheduler;
  private final Callbacks callbacks;
  private final Connector connector;
  private final EndpointSource endpoints;
  private final TokenSource tokens;
  private final StateReporter state;
  private final Consumer<List<Endpoint>> uplinkRedirect;
  private final Candidates candidates;
  private final PushSequencer sequencer;
  private final DownlinkHeartbeat heartbeat;
  private final AckBatcher acks;
  /** The last contiguous seq the app's listener returned from; read from any thread. */
  private final AtomicReference<Cursor> delivered;

  // Scheduler thread only from here on.
  private final Set<String> rooms = new LinkedHashSet<>();
  private Phase phase = Phase.IDLE;
  private Attempt current;
  /** connect() callers waiting for the next Welcome. */
  private final List<CompletableFuture<Welcome>> welcomeWaiters = new ArrayList<>();
  private boolean closed;
  private ScheduledFuture<?> retryTimer;
  private int failures;
  /** Connection attempts since the last connection (or connect()), for state events. */
  private int attempts;
  private long connectedAt;
  private long lastAckSent;

  public DownlinkManager(
      ClientConfig config,
      Scheduler scheduler,
      Callbacks callbacks,
      Connector connector,
      EndpointSource endpoints,
      Consumer<List<Endpoint>> uplinkRedirect) {
    this.config = config;
    this.scheduler = scheduler;
    this.callbacks = callbacks;
    this.connector = connector;
    this.endpoints = endpoints;
    this.tokens = new TokenSource(config.token(), config.tokenRefreshable());
    this.heartbeat = new DownlinkHeartbeat(scheduler,
        new HeartbeatLearner(HeartbeatLearner.Settings.of(config), System::nanoTime),
        config::network);
    this.state = new StateReporter(
        callbacks, config.stateListener(), ConnectionState.STOPPED, heartbeat::intervalMs);
    this.uplinkRedirect = uplinkRedirect;
    this.candidates = Candidates.of(config, config.downlinks());
    this.sequencer = new PushSequencer(config.resumeFrom());
    this.acks = new AckBatcher(
        scheduler, config.ackBatchSize(), config.ackDelay().toMillis(), this::flushAck);
    this.delivered = new AtomicReference<>(config.resumeFrom());
  }

  public Cursor cursor() {
    return delivered.get();
  }

  public ConnectionState state() {
    return state.state();
  }

  /** Starts the downlink if it is not running; completes with the next Welcome. */
  public CompletionStage<Welcome> connect() {
    CompletableFuture<Welcome> result = new CompletableFuture<>();
    try {
      scheduler.execute(Threads.guarded(() -> start(result)));
    } catch (RejectedExecutionException closedAlready) {
      result.completeExceptionally(
          new GatewayException(ErrorCode.UNAVAILABLE, "the client is closed"));
    }
    return result;
  }

  public void subscribe(String room) {
    Threads.post(scheduler, () -> {
      if (rooms.add(room) && phase == Phase.CONNECTED) {
        current.link.send(Frame.newBuilder().setSubscribe(Subscribe.newBuilder().setRoom(room)).build());
      }
    });
  }

  public void unsubscribe(String room) {
    Threads.post(scheduler, () -> {
      if (rooms.remove(room) && phase == Phase.CONNECTED) {
        current.link.send(
            Frame.newBuilder().setUnsubscribe(Unsubscribe.newBuilder().setRoom(room)).build());
      }
    });
  }

  /** Sends a final ack, closes the connection and stops for good. Runs on the scheduler thread. */
  public void shutdown() {
    if (phase == Phase.CONNECTED) {
      flushAck();
    }
    closed = true;
    Attempt a = current;
    current = null;
    cancelRetry();
    heartbeat.stop();
    if (a != null && a.link != null) {
      a.link.close();
    }
    if (phase != Phase.STOPPED) {
      phase = Phase.STOPPED;
      state.report(ConnectionState.STOPPED, "closed by the application", null, 0);
    }
    failWaiters(new GatewayException(ErrorCode.UNAVAILABLE, "the client was closed"));
  }

  // ---------------------------------------------------------------- connecting

  private void start(CompletableFuture<Welcome> result) {
    if (closed) {
      callbacks.run(() -> result.completeExceptionally(
          new GatewayException(ErrorCode.UNAVAILABLE, "the client was closed")));
      return;
    }
    if (phase == Phase.CONNECTED) {
      Welcome welcome = current.link.welcome();
      callbacks.run(() -> result.complete(welcome));
      return;
    }
    welcomeWaiters.add(result);
    if (phase != Phase.IDLE && phase != Phase.STOPPED) {
      return; // already on its way
    }
    failures = 0;
    attempts = 0;
    state.report(ConnectionState.CONNECTING,
        config.downlinks().isEmpty() ? "asking dispatch where to connect"
            : "connecting to " + describe(config.downlinks()),
        null, 1);
    attempt();
  }

  private void attempt() {
    retryTimer = null;
    if (closed) {
      return;
    }
    phase = Phase.CONNECTING;
    attempts++;
    Attempt a = new Attempt();
    current = a;
    try {
      a.token = tokens.current();
    } catch (GatewayException e) {
      stop("cannot connect: " + e.getMessage(), e);
      return;
    }
    a.resumeFrom = sequencer.received();
    candidates.connect(endpoints, a.token, scheduler, this::downlinks,
            list -> connector.openDownlink(list, hello(a), a))
        .whenComplete((opened, error) -> scheduler.runOrPost(() -> opened(a, opened, error)));
  }

  /** Dispatch's downlinks; its heartbeat bounds go into the next proposal. */
  private List<Endpoint> downlinks(EndpointSource.Lists lists) {
    heartbeat.nodeBounds(lists.heartbeatMinMs(), lists.heartbeatMaxMs());
    return lists.downlinks();
  }

  private Hello hello(Attempt a) {
    a.proposedHeartbeatMs = heartbeat.proposal();
    return Hello.newBuilder()
        .setToken(a.token)
        .setDeviceId(config.deviceId())
        .setRole(Role.DOWNLINK)
        .setResumeFromSeq(a.resumeFrom)
        .setResumeEpoch(sequencer.epoch())
        .setHeartbeatMs((int) a.proposedHeartbeatMs)
        .setClientVersion(config.clientVersion())
        .build();
  }

  private void opened(Attempt a, Connector.Opened<ClientDownlink> opened, Throwable error) {
    if (a != current) {
      if (opened != null) {
        opened.link().close();
      }
      return;
    }
    if (error != null) {
      current = null;
      if (Failures.isRefusal(error)) {
        refused(a.token, (GatewayException) Failures.unwrap(error));
      } else {
        failures++;
        retryAfter(backoff(), "connecting failed: " + Failures.describe(error));
      }
      return;
    }
    a.link = opened.link();
    a.endpoint = opened.endpoint();
    candidates.succeeded(opened.endpoint());
    Welcome welcome = a.link.welcome();
    phase = Phase.CONNECTED;
    connectedAt = System.nanoTime();
    if (sequencer.onWelcome(welcome)) {
      lastAckSent = 0;
      Cursor reset = new Cursor(sequencer.received(), sequencer.epoch());
      PushListener listener = config.pushListener();
      callbacks.run(() -> {
        delivered.set(reset);
        listener.onResyncRequired(welcome);
      });
    } else {
      lastAckSent = a.resumeFrom;
    }
    for (String room : rooms) {
      a.link.send(Frame.newBuilder().setSubscribe(Subscribe.newBuilder().setRoom(room)).build());
    }
    heartbeat.start(a.proposedHeartbeatMs, welcome.getHeartbeatMs(),
        nonce -> a.link.send(Frames.ping(nonce)),
        reason -> lost(a, reason, Then.BACKOFF));
    state.report(ConnectionState.CONNECTED,
        "node " + welcome.getNodeId() + " via " + Endpoints.describe(opened.endpoint())
            + (welcome.getResumed() ? ", resumed after seq " + a.resumeFrom : ", not resumed"),
        opened.endpoint(), attempts);
    attempts = 0;
    List<CompletableFuture<Welcome>> waiters = List.copyOf(welcomeWaiters);
    welcomeWaiters.clear();
    if (!waiters.isEmpty()) {
      callbacks.run(() -> waiters.forEach(w -> w.complete(welcome)));
    }
    List<Frame> early = a.early;
    a.early = null;
    for (Frame f : early) {
      if (current != a) {
        return;
      }
      frame(a, f);
    }
    if (a.closedEarly) {
      closed(a, a.closeCause);
    }
  }

  // ---------------------------------------------------------------- frames

  private void received(Attempt a, Frame f) {
    if (a != current) {
      return;
    }
    if (a.early != null) {
      // Frames can overtake the open stage's completion on the way to this thread.
      if (a.early.size() >= config.maxQueuedPushes()) {
        a.link = null; // not ours yet: the open stage will close it
        current = null;
        failures++;
        retryAfter(backoff(), "too many frames before the handshake completed");
        return;
      }
      a.early.add(f);
      return;
    }
    frame(a, f);
  }

  private void frame(Attempt a, Frame f) {
    heartbeat.touch();
    switch (f.getKindCase()) {
      case PUSH -> push(a, f.getPush());
      case PONG -> { }
      case GO_AWAY -> goAway(a, f.getGoAway());
      case ERROR -> serverError(a, f.getError());
      default -> log.debug("ignoring an unexpected {} on the downlink", f.getKindCase());
    }
  }

  private void push(Attempt a, Push p) {
    switch (sequencer.classify(p.getSeq())) {
      case ROOM -> {
        if (!callbacks.offerPush(() -> config.pushListener().onPush(p))) {
          log.debug("dropping a room push: the push listener is behind");
        }
      }
      case DUPLICATE -> log.debug("dropping duplicate push seq {}", p.getSeq());
      case GAP -> {
        log.warn("push seq {} arrived after seq {}: reconnecting so the server replays the gap",
            p.getSeq(), sequencer.received());
        lost(a, "gap in the push sequence after seq " + sequencer.received(), Then.BACKOFF);
      }
      case DELIVER -> {
        Cursor after = new Cursor(p.getSeq(), sequencer.epoch());
        PushListener listener = config.pushListener();
        boolean queued = callbacks.offerPush(() -> {
          try {
            listener.onPush(p);
          } finally {
            delivered.set(after); // a listener that threw was still handed the push
            acks.delivered();
          }
        });
        if (queued) {
          sequencer.accept(p.getSeq());
        } else {
          lost(a, "the push listener is behind; resuming once it catches up", Then.AFTER_DRAIN);
        }
      }
    }
  }

  private void goAway(Attempt a, GoAway g) {
    List<Endpoint> down = new ArrayList<>();
    List<Endpoint> up = new ArrayList<>();
    for (Endpoint e : g.getReconnectToList()) {
      if (!connectorKnows(e)) {
        continue;
      }
      if (e.getRole() != Role.UPLINK) {
        down.add(e.toBuilder().setRole(Role.DOWNLINK).build());
      }
      if (e.getRole() != Role.DOWNLINK) {
        up.add(e.toBuilder().setRole(Role.UPLINK).build());
      }
    }
    candidates.redirect(down);
    if (!up.isEmpty()) {
      uplinkRedirect.accept(List.copyOf(up));
    }
    lost(a, "server going away" + (g.getReason().isEmpty() ? "" : ": " + g.getReason()),
        Then.PROMPTLY);
  }

  private boolean connectorKnows(Endpoint e) {
    boolean known = config.knownTransports().contains(e.getTransport());
    if (!known) {
      log.debug("ignoring GoAway endpoint {}: no such transport here", Endpoints.describe(e));
    }
    return known;
  }

  private void serverError(Attempt a, io.linkgate.api.proto.Error e) {
    if (Failures.isRefusal(e.getCode())) {
      current = null;
      heartbeat.stop();
      a.link.close();
      state.report(ConnectionState.DISCONNECTED, "server refused the token: " + e.getMessage(),
          a.endpoint, 0);
      refused(a.token, new GatewayException(e.getCode(), e.getMessage()));
      return;
    }
    // Not every Error ends the connection (a refused Subscribe does not); one that does is
    // followed by the close, whose reason it then becomes.
    a.lastError = "server error " + e.getCode() + ": " + e.getMessage();
    log.debug("downlink {}", a.lastError);
  }

  private void closed(Attempt a, Throwable cause) {
    if (a != current) {
      return;
    }
    if (a.early != null) {
      // Closed before the open stage was handled here: deal with it once that is done.
      a.closedEarly = true;
      a.closeCause = cause;
      return;
    }
    if (a.lastError == null) {
      heartbeat.lostAbruptly();
    }
    String reason = a.lastError != null ? a.lastError
        : cause == null ? "connection closed" : Failures.describe(cause);
    lost(a, reason, Then.BACKOFF);
  }

  // ---------------------------------------------------------------- losing and retrying

  private void lost(Attempt a, String reason, Then then) {
    if (a != current) {
      return;
    }
    current = null;
    heartbeat.stop();
    a.link.close();
    state.report(ConnectionState.DISCONNECTED, reason, a.endpoint, 0);
    // A connection that stayed up a while ends a run of failures; one that did not extends it.
    // That also damps two instances sharing a device id, each GoAway-ing the other in turn.
    boolean wasHealthy = System.nanoTime() - connectedAt >= config.backoff().resetAfter().toNanos();
    if (wasHealthy) {
      failures = 0;
    }
    switch (then) {
      case PROMPTLY -> {
        if (wasHealthy) {
          // Right away, but spread a little: a draining node sends GoAway to everyone at once.
          long spread = config.backoff().initial().toNanos();
          retryAfter(Duration.ofNanos(ThreadLocalRandom.current().nextLong(spread + 1)), reason);
        } else {
          failures++;
          retryAfter(backoff(), reason);
        }
      }
      case AFTER_DRAIN -> {
        phase = Phase.WAITING;
        state.report(ConnectionState.RECONNECTING, reason, null, attempts + 1);
        callbacks.whenDrained(() -> Threads.post(scheduler, () -> {
          if (phase == Phase.WAITING && retryTimer == null) {
            attempt();
          }
        }));
      }
      case BACKOFF -> {
        failures++;
        retryAfter(backoff(), reason);
      }
    }
  }

  private Duration backoff() {
    return config.backoff().delay(Math.max(1, failures), ThreadLocalRandom.current().nextDouble());
  }

  private void retryAfter(Duration delay, String reason) {
    phase = Phase.WAITING;
    cancelRetry();
    state.report(ConnectionState.RECONNECTING,
        reason + "; retrying in " + delay.toMillis() + " ms", null, attempts + 1);
    retryTimer = scheduler.schedule(Threads.guarded(this::attempt), delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The token was refused: go on only with a different token from the supplier. */
  private void refused(String token, GatewayException refusal) {
    if (tokens.replacementFor(token).isPresent()) {
      failures++;
      retryAfter(backoff(), "token refused (" + refusal.getMessage() + "); trying a new one");
    } else {
      stop("server refused the token: " + refusal.getMessage(), refusal);
    }
  }

  private void stop(String reason, GatewayException cause) {
    current = null;
    cancelRetry();
    heartbeat.stop();
    phase = Phase.STOPPED;
    log.warn("linkgate downlink stopped: {}", reason);
    state.report(ConnectionState.STOPPED, reason, null, attempts);
    failWaiters(cause);
  }

  private void failWaiters(GatewayException cause) {
    List<CompletableFuture<Welcome>> waiters = List.copyOf(welcomeWaiters);
    welcomeWaiters.clear();
    if (!waiters.isEmpty()) {
      callbacks.run(() -> waiters.forEach(w -> w.completeExceptionally(cause)));
    }
  }

  private void cancelRetry() {
    if (retryTimer != null) {
      retryTimer.cancel(false);
      retryTimer = null;
    }
  }

  private void flushAck() {
    acks.reset();
    Attempt a = current;
    Cursor c = delivered.get();
    if (phase != Phase.CONNECTED || a == null || a.link == null
        || !c.epoch().equals(sequencer.epoch()) || c.seq() <= lastAckSent) {
      return;
    }
    lastAckSent = c.seq();
    a.link.send(Frame.newBuilder().setPushAck(PushAck.newBuilder().setUpToSeq(c.seq())).build());
  }

  private static String describe(List<Endpoint> endpoints) {
    List<String> out = new ArrayList<>();
    for (Endpoint e : endpoints) {
      out.add(Endpoints.describe(e));
    }
    return String.join(", ", out);
  }

  /** One connection attempt and, once open, the connection. */
  private final class Attempt implements ClientDownlink.Listener {
    String token;
    long resumeFrom;
    long proposedHeartbeatMs;
    ClientDownlink link;
    Endpoint endpoint;
    /** Frames that arrived before the open stage was handled; null once it was. */
    List<Frame> early = new ArrayList<>();
    boolean closedEarly;
    Throwable closeCause;
    /** The last Error the server sent, the likely reason for a close that follows. */
    String lastError;

    @Override
    public void onFrame(Frame frame) {
      Threads.post(scheduler, () -> received(this, frame));
    }

    @Override
    public void onClosed(Throwable cause) {
      Threads.post(scheduler, () -> closed(this, cause));
    }
  }
}
