package io.linkgate.transport.tunnel.internal.client;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.transport.tunnel.internal.ErrorStatus;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Sends frames as POSTs, pipelined the HTTP way: one POST in flight at a time, and every frame
 * queued meanwhile rides in the next one, up to the server's limits on frames and bytes per request
 * (a frame larger than the byte limit still goes, alone). Answers complete the callers' futures in
 * the order the frames were queued. Frames the server left unanswered (it stopped at a bad frame
 * before them) go again in the next POST.
 *
 * <p>A server with lower limits than ours refuses a batch whole with 413, having processed none of
 * it: the batch is then split, sent again, and the limits halved for the POSTs that follow. Only a
 * single frame refused so fails.
 *
 * <p>A batch whose connection broke under it goes again on a new one, up to the frames' most
 * sends; a refused connection or one that timed out ends the poster.
 */
final class FramePoster {
  /** How often a frame is sent before it is given up as never answered. */
  private static final int MAX_ATTEMPTS = 3;

  /** A POST's answers may wait on the core; this only bounds a server that never answers. */
  private static final Duration MIN_ANSWER_TIMEOUT = Duration.ofSeconds(30);

  private static final int TOO_LARGE = 413;
  private static final int NOT_FOUND = 404;

  private static final class Call {
    final Frame frame;
    final int bytes; // as sent: the frame and its length prefix
    final CompletableFuture<Frame> answer = new CompletableFuture<>();
    int attempts;

    Call(Frame frame) {
      this.frame = frame;
      int size = frame.getSerializedSize();
      this.bytes = FrameCodec.headerSize(size) + size;
    }
  }

  private final ClientContext ctx;
  private final URI uri;
  private final String token;
  private final Consumer<Throwable> ended;
  private final Object lock = new Object();
  private final ArrayDeque<Call> waiting = new ArrayDeque<>();
  private List<Call> inFlight; // guarded by lock
  private CompletableFuture<?> exchange; // guarded by lock
  private Throwable closed; // guarded by lock
  private int maxFrames; // guarded by lock
  private long maxBytes; // guarded by lock

  /**
   * @param ended told, once, why the poster ended itself (a lost or refused connection, a refused
   *     token, an unknown path or session); not when it is closed from outside
   */
  FramePoster(ClientContext ctx, URI uri, String token, Consumer<Throwable> ended) {
    this.ctx = ctx;
    this.uri = uri;
    this.token = token;
    this.ended = ended;
    this.maxFrames = ctx.settings().maxFramesPerRequest();
    this.maxBytes = ctx.settings().maxRequestBytes();
  }

  CompletableFuture<Frame> call(Frame frame) {
    Call c = new Call(frame);
    Throwable refused;
    synchronized (lock) {
      refused = closed;
      if (refused == null) {
        waiting.add(c);
      }
    }
    if (refused != null) {
      c.answer.completeExceptionally(refused);
      return c.answer;
    }
    pump();
    return c.answer;
  }

  boolean isOpen() {
    synchronized (lock) {
      return closed == null;
    }
  }

  /**
   * Fails every call not yet answered with {@code cause}, and every later one. Idempotent: false if
   * the poster was closed already.
   */
  boolean close(Throwable cause) {
    List<Call> toFail = new ArrayList<>();
    CompletableFuture<?> pending;
    synchronized (lock) {
      if (closed != null) {
        return false;
      }
      closed = cause;
      toFail.addAll(waiting);
      waiting.clear();
      if (inFlight != null) {
        toFail.addAll(inFlight);
      }
      pending = exchange;
    }
    for (Call c : toFail) {
      c.answer.completeExceptionally(cause);
    }
    if (pending != null) {
      pending.cancel(true);
    }
    return true;
  }

  private void pump() {
    List<Call> batch = new ArrayList<>();
    synchronized (lock) {
      if (closed != null || inFlight != null || waiting.isEmpty()) {
        return;
      }
      long bytes = 0;
      while (!waiting.isEmpty()
          && batch.size() < maxFrames
          && (batch.isEmpty() || bytes + waiting.peek().bytes <= maxBytes)) {
        Call c = waiting.poll();
        c.attempts++;
        bytes += c.bytes;
        batch.add(c);
      }
      inFlight = batch;
    }
    List<Frame> frames = new ArrayList<>(batch.size());
    for (Call c : batch) {
      frames.add(c.frame);
    }
    Duration connect = ctx.options().connectTimeout();
    HttpRequest request =
        ClientRequests.post(uri, token, frames)
            .timeout(
                connect.multipliedBy(3).compareTo(MIN_ANSWER_TIMEOUT) > 0
                    ? connect.multipliedBy(3)
                    : MIN_ANSWER_TIMEOUT)
            .build();
    HttpResponse.BodyHandler<List<Frame>> answers =
        Responses.answers(ctx.options().maxFrameBytes(), batch.size());
    AtomicInteger status = new AtomicInteger();
    CompletableFuture<HttpResponse<List<Frame>>> sent =
        ctx.http()
            .sendAsync(
                request,
                info -> {
                  status.set(info.statusCode());
                  return answers.apply(info);
                });
    synchronized (lock) {
      if (inFlight == batch) {
        exchange = sent;
      }
    }
    sent.whenComplete((response, failure) -> answered(batch, status.get(), response, failure));
  }

  private void answered(
      List<Call> batch, int status, HttpResponse<List<Frame>> response, Throwable failure) {
    if (failure != null && status == TOO_LARGE && batch.size() > 1) {
      split(batch);
    } else if (failure != null) {
      failed(batch, status, unwrap(failure));
    } else {
      List<Frame> answers = response.body();
      for (int i = 0; i < answers.size(); i++) {
        batch.get(i).answer.complete(answers.get(i));
      }
      List<Call> retry = new ArrayList<>();
      for (Call c : batch.subList(answers.size(), batch.size())) {
        if (c.attempts < MAX_ATTEMPTS) {
          retry.add(c);
        } else {
          c.answer.completeExceptionally(
              new IOException("the server left the frame unanswered " + c.attempts + " times"));
        }
      }
      synchronized (lock) {
        for (int i = retry.size() - 1; i >= 0; i--) {
          waiting.addFirst(retry.get(i)); // before anything queued later: order is kept
        }
      }
    }
    synchronized (lock) {
      if (inFlight == batch) {
        inFlight = null;
        exchange = null;
      }
    }
    pump();
  }

  /**
   * The server refused {@code batch} as too large, processing none of it: it goes again in smaller
   * POSTs, and so does everything after it.
   */
  private void split(List<Call> batch) {
    long bytes = 0;
    for (Call c : batch) {
      bytes += c.bytes;
    }
    synchronized (lock) {
      if (closed != null) {
        return; // its calls failed with the close
      }
      maxFrames = Math.max(1, Math.min(maxFrames, batch.size() / 2));
      maxBytes = Math.max(1, Math.min(maxBytes, bytes / 2));
      for (int i = batch.size() - 1; i >= 0; i--) {
        Call c = batch.get(i);
        c.attempts--; // not processed: this send does not count
        waiting.addFirst(c);
      }
    }
  }

  /**
   * A POST failed. A request-level refusal of this batch (too large, malformed) fails its calls
   * only; a lost connection, a refused token, an unavailable server or a 404 (no such path, or the
   * downlink session is gone from the server) ends the poster.
   */
  private void failed(List<Call> batch, int status, Throwable cause) {
    if (cause instanceof GatewayException g
        && !ErrorStatus.isRefusal(g.code())
        && g.code() != ErrorCode.UNAVAILABLE
        && status != NOT_FOUND) {
      for (Call c : batch) {
        c.answer.completeExceptionally(g);
      }
      return;
    }
    if (lostWithItsConnection(cause) && sendAgain(batch)) {
      return;
    }
    Throwable end =
        cause instanceof IOException
                || cause instanceof GatewayException g && ErrorStatus.isRefusal(g.code())
            ? cause
            : new IOException("tunnel request failed: " + cause.getMessage(), cause);
    if (close(end)) { // fails this batch too (it is in flight), after marking the poster closed
      ended.accept(end);
    }
  }

  /**
   * The connection broke under the request: most often a kept-alive one the server closed (its
   * idle timeout) as the request went out, unread. Not a refused or timed-out connection: trying
   * again would only wait as long again.
   */
  private static boolean lostWithItsConnection(Throwable cause) {
    return cause instanceof IOException
        && !(cause instanceof ConnectException)
        && !(cause instanceof HttpTimeoutException);
  }

  /**
   * Queues {@code batch} to go again, first, on a new connection; false if a frame of it was sent
   * its most times (the connection keeps breaking) or the poster is closed. A frame the server did
   * handle before the connection broke is answered again from its dedup window.
   */
  private boolean sendAgain(List<Call> batch) {
    synchronized (lock) {
      if (closed != null) {
        return false;
      }
      for (Call c : batch) {
        if (c.attempts >= MAX_ATTEMPTS) {
          return false;
        }
      }
      for (int i = batch.size() - 1; i >= 0; i--) {
        waiting.addFirst(batch.get(i));
      }
      return true;
    }
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
