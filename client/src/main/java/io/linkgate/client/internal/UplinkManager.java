package io.linkgate.client.internal;

import io.linkgate.api.GatewayException;
import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Send;
import io.linkgate.api.proto.SendAck;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends over short-lived uplink connections: opened on the first send, pipelined, closed by the
 * client after an idle period (before the server's own idle close can race a send), and reopened
 * when needed. A send keeps its client_msg_id across retries, so a resend after a lost connection is
 * answered by the server's dedup with the original SendAck instead of delivering twice.
 *
 * <p>State lives on the scheduler thread, as in {@link DownlinkManager}. Results complete on the
 * callback thread, so the app's continuations never run on a transport or timer thread.
 */
public final class UplinkManager {
  private static final Logger log = LoggerFactory.getLogger(UplinkManager.class);

  private final ClientConfig config;
  private final Scheduler scheduler;
  private final Callbacks callbacks;
  private final Connector connector;
  private final EndpointSource endpoints;
  private final TokenSource tokens;
  private final Candidates candidates;
  /** Sends accepted and not yet answered, counted on the caller's thread to enforce the bound. */
  private final AtomicInteger outstanding = new AtomicInteger();

  // Scheduler thread only from here on.
  private final Deque<PendingSend> waiting = new ArrayDeque<>();
  /** Every send not yet finished, wherever it is (waiting, in flight, or between retries). */
  private final Set<PendingSend> live = new LinkedHashSet<>();
  private Connection connection;
  private ScheduledFuture<?> retryTimer;
  private ScheduledFuture<?> idleTimer;
  private int openFailures;
  private boolean closed;

  public UplinkManager(
      ClientConfig config,
      Scheduler scheduler,
      Callbacks callbacks,
      Connector connector,
      EndpointSource endpoints) {
    this.config = config;
    this.scheduler = scheduler;
    this.callbacks = callbacks;
    this.connector = connector;
    this.endpoints = endpoints;
    this.tokens = new TokenSource(config.token(), config.tokenRefreshable());
    this.candidates = Candidates.of(config, config.uplinks());
  }

  /** Sends one message; the stage completes on the callback thread. Any thread. */
  public CompletionStage<SendAck> send(String to, byte[] payload, Map<String, String> headers) {
    Send send = Send.newBuilder()
        .setClientMsgId(UUID.randomUUID().toString())
        .setTo(to)
        .setPayload(com.google.protobuf.ByteString.copyFrom(payload))
        .putAllHeaders(headers)
        .build();
    Frame frame = Frame.newBuilder().setSend(send).build();
    CompletableFuture<SendAck> result = new CompletableFuture<>();
    int max = config.transportOptions().maxFrameBytes();
    if (frame.getSerializedSize() > max) {
      result.completeExceptionally(new GatewayException(ErrorCode.FRAME_TOO_LARGE,
          "message of " + frame.getSerializedSize() + " bytes encoded exceeds the frame limit of "
              + max, send.getClientMsgId()));
      return result;
    }
    if (outstanding.incrementAndGet() > config.maxPendingSends()) {
      outstanding.decrementAndGet();
      result.completeExceptionally(new GatewayException(ErrorCode.RATE_LIMITED,
          "too many sends awaiting an answer (limit " + config.maxPendingSends()
              + "); wait for some to complete", send.getClientMsgId()));
      return result;
    }
    PendingSend p = new PendingSend(frame, result, System.nanoTime() + config.sendTimeout().toNanos());
    try {
      scheduler.execute(Threads.guarded(() -> accept(p)));
    } catch (RejectedExecutionException closedAlready) {
      outstanding.decrementAndGet();
      result.completeExceptionally(new GatewayException(
          ErrorCode.UNAVAILABLE, "the client is closed", send.getClientMsgId()));
    }
    return result;
  }

  /** Endpoints a GoAway named for uplinks: tried first on the next open. */
  public void redirect(List<Endpoint> endpoints) {
    Threads.post(scheduler, () -> candidates.redirect(endpoints));
  }

  /** Fails what is waiting, closes the connection. Runs on the scheduler thread. */
  public void shutdown() {
    closed = true;
    cancelRetry();
    cancelIdle();
    GatewayException gone = new GatewayException(ErrorCode.UNAVAILABLE, "the client was closed");
    for (PendingSend p : List.copyOf(live)) {
      fail(p, gone);
    }
    waiting.clear();
    if (connection != null) {
      connection.close();
      connection = null;
    }
  }

  // ---------------------------------------------------------------- flow

  private void accept(PendingSend p) {
    if (closed) {
      fail(p, new GatewayException(ErrorCode.UNAVAILABLE, "the client was closed"));
      return;
    }
    p.timeout = scheduler.schedule(
        Threads.guarded(() -> timedOut(p)), p.deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    live.add(p);
    waiting.addLast(p);
    pump();
  }

  /** Moves waiting sends onto the connection, opening one if needed. */
  private void pump() {
    if (closed || waiting.isEmpty()) {
      armIdleTimer();
      return;
    }
    cancelIdle();
    if (connection != null && connection.link != null && !connection.link.isOpen()) {
      connectionLost(connection, "the uplink was closed");
      return;
    }
    if (connection == null) {
      if (retryTimer == null) {
        open();
      }
      return;
    }
    if (connection.link == null) {
      return; // opening
    }
    Connection c = connection;
    while (!waiting.isEmpty()) {
      PendingSend p = waiting.pollFirst();
      p.on = c;
      p.attempts++;
      c.inFlight.add(p);
      c.link.call(p.frame).whenComplete(
          (answer, error) -> Threads.post(scheduler, () -> answered(c, p, answer, error)));
    }
  }

  private void open() {
    Connection c = new Connection();
    connection = c;
    try {
      c.token = tokens.current();
    } catch (GatewayException e) {
      connection = null;
      failAllWaiting(e);
      return;
    }
    Hello hello = Hello.newBuilder()
        .setToken(c.token)
        .setDeviceId(config.deviceId())
        .setRole(Role.UPLINK)
        .setClientVersion(config.clientVersion())
        .build();
    candidates.connect(endpoints, c.token, scheduler, EndpointSource.Lists::uplinks,
            list -> connector.openUplink(list, hello))
        .whenComplete((opened, error) -> scheduler.runOrPost(() -> opened(c, opened, error)));
  }

  private void opened(Connection c, Connector.Opened<ClientUplink> opened, Throwable error) {
    if (c != connection) {
      if (opened != null) {
        opened.link().close();
      }
      return;
    }
    if (error == null) {
      c.link = opened.link();
      candidates.succeeded(opened.endpoint());
      openFailures = 0;
      pump();
      return;
    }
    connection = null;
    if (Failures.isRefusal(error)) {
      GatewayException refusal = (GatewayException) Failures.unwrap(error);
      if (tokens.replacementFor(c.token).isPresent()) {
        openFailures++;
        retryLater(delay(openFailures));
      } else {
        failAllWaiting(refusal);
      }
      return;
    }
    openFailures++;
    log.debug("opening an uplink failed: {}", Failures.describe(error));
    // Each failed open counts as an attempt for every send that waited on it.
    for (PendingSend p : List.copyOf(waiting)) {
      p.attempts++;
      giveUpIfSpent(p, "could not open an uplink: " + Failures.describe(error));
    }
    retryLater(delay(openFailures));
  }

  private void answered(Connection c, PendingSend p, Frame answer, Throwable error) {
    if (p.on != c || p.isDone()) {
      return; // already retried elsewhere, timed out, or failed
    }
    if (error != null) {
      connectionLost(c, Failures.describe(error));
      return;
    }
    c.inFlight.remove(p);
    p.on = null;
    switch (answer.getKindCase()) {
      case SEND_ACK -> {
        SendAck ack = answer.getSendAck();
        if (ack.getClientMsgId().equals(p.clientMsgId())) {
          complete(p, ack);
        } else {
          // Answers out of step with requests: nothing on this connection can be trusted.
          waiting.addFirst(p);
          connectionLost(c, "SendAck for another message (" + ack.getClientMsgId() + ")");
          return;
        }
      }
      case ERROR -> {
        io.linkgate.api.proto.Error e = answer.getError();
        GatewayException failure = new GatewayException(e.getCode(), e.getMessage(), p.clientMsgId());
        if (e.getCode() == ErrorCode.UNAVAILABLE || e.getCode() == ErrorCode.RATE_LIMITED) {
          if (!giveUpIfSpent(p, e.getCode(), "server said " + e.getCode() + ": " + e.getMessage())) {
            // Never sooner than the node said the same send may succeed.
            long waitNanos = Math.max(delay(p.attempts).toNanos(), TimeUnit.MILLISECONDS.toNanos(e.getRetryAfterMs()));
            scheduler.schedule(Threads.guarded(() -> {
              if (!p.isDone()) {
                waiting.addLast(p);
                pump();
              }
            }), waitNanos, TimeUnit.NANOSECONDS);
          }
        } else {
          fail(p, failure);
        }
      }
      default -> {
        waiting.addFirst(p);
        connectionLost(c, "unexpected answer " + answer.getKindCase() + " to a Send");
        return;
      }
    }
    pump();
  }

  /** The connection died: its unanswered sends go back to the front of the line, in order. */
  private void connectionLost(Connection c, String reason) {
    if (c != connection) {
      return;
    }
    connection = null;
    c.close();
    log.debug("uplink lost: {}; {} sends to retry", reason, c.inFlight.size());
    List<PendingSend> retry = new ArrayList<>(c.inFlight);
    c.inFlight.clear();
    int worst = 0;
    for (int i = retry.size() - 1; i >= 0; i--) {
      PendingSend p = retry.get(i);
      p.on = null;
      if (!giveUpIfSpent(p, "uplink lost: " + reason)) {
        waiting.addFirst(p);
        worst = Math.max(worst, p.attempts);
      }
    }
    if (waiting.isEmpty()) {
      return;
    }
    // The first resend goes out at once (a server idle close, a node restart); later ones back off.
    if (worst <= 1) {
      pump();
    } else {
      retryLater(delay(worst - 1));
    }
  }

  private void retryLater(Duration delay) {
    cancelRetry();
    retryTimer = scheduler.schedule(Threads.guarded(() -> {
      retryTimer = null;
      pump();
    }), delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void timedOut(PendingSend p) {
    if (p.isDone()) {
      return;
    }
    waiting.remove(p);
    Connection c = p.on;
    fail(p, new GatewayException(ErrorCode.UNAVAILABLE,
        "no SendAck within " + config.sendTimeout().toMillis() + " ms", p.clientMsgId()));
    if (c != null) {
      // An answer this late means the connection is stuck; a fresh one serves the rest better.
      connectionLost(c, "no answer within the send timeout");
    }
  }

  private boolean giveUpIfSpent(PendingSend p, String reason) {
    return giveUpIfSpent(p, ErrorCode.UNAVAILABLE, reason);
  }

  /** @param code what the send fails with if it is spent: the node's own refusal, when it gave one */
  private boolean giveUpIfSpent(PendingSend p, ErrorCode code, String reason) {
    if (p.attempts < config.maxSendAttempts() && System.nanoTime() < p.deadline) {
      return false;
    }
    waiting.remove(p);
    fail(p, new GatewayException(code,
        "send not confirmed after " + p.attempts + " attempts: " + reason, p.clientMsgId()));
    return true;
  }

  private void failAllWaiting(GatewayException cause) {
    for (PendingSend p : List.copyOf(waiting)) {
      fail(p, new GatewayException(cause.code(), cause.getMessage(), p.clientMsgId()));
    }
    waiting.clear();
  }

  private void armIdleTimer() {
    Connection c = connection;
    if (c == null || c.link == null || !c.inFlight.isEmpty() || idleTimer != null) {
      return;
    }
    idleTimer = scheduler.schedule(Threads.guarded(() -> {
      idleTimer = null;
      if (connection == c && c.inFlight.isEmpty() && waiting.isEmpty()) {
        log.debug("closing the idle uplink");
        connection = null;
        c.close();
      }
    }), config.uplinkIdleTimeout().toNanos(), TimeUnit.NANOSECONDS);
  }

  private Duration delay(int failures) {
    return config.backoff().delay(Math.max(1, failures), ThreadLocalRandom.current().nextDouble());
  }

  private void complete(PendingSend p, SendAck ack) {
    if (p.finish()) {
      live.remove(p);
      outstanding.decrementAndGet();
      callbacks.run(() -> p.result.complete(ack));
    }
  }

  private void fail(PendingSend p, GatewayException e) {
    if (p.finish()) {
      live.remove(p);
      outstanding.decrementAndGet();
      if (p.on != null) {
        p.on.inFlight.remove(p);
        p.on = null;
      }
      callbacks.run(() -> p.result.completeExceptionally(e));
    }
  }

  private void cancelRetry() {
    if (retryTimer != null) {
      retryTimer.cancel(false);
      retryTimer = null;
    }
  }

  private void cancelIdle() {
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
  }

  /** One uplink connection: opening while {@code link} is null. */
  private static final class Connection {
    String token;
    ClientUplink link;
    /** Sent and not yet answered, in the order sent. */
    final Set<PendingSend> inFlight = new LinkedHashSet<>();

    void close() {
      if (link != null) {
        link.close();
      }
    }
  }

  /** One message on its way; its client_msg_id stays the same across retries. */
  private static final class PendingSend {
    final Frame frame;
    final CompletableFuture<SendAck> result;
    final long deadline;
    int attempts;
    Connection on;
    ScheduledFuture<?> timeout;
    private boolean done;

    PendingSend(Frame frame, CompletableFuture<SendAck> result, long deadline) {
      this.frame = frame;
      this.result = result;
      this.deadline = deadline;
    }

    String clientMsgId() {
      return frame.getSend().getClientMsgId();
    }

    boolean isDone() {
      return done;
    }

    /** Marks the send finished; false if it already was. */
    boolean finish() {
      if (done) {
        return false;
      }
      done = true;
      if (timeout != null) {
        timeout.cancel(false);
      }
      return true;
    }
  }
}
