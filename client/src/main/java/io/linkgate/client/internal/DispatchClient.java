package io.linkgate.client.internal;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ConnectOutcome;
import io.linkgate.api.proto.DispatchReport;
import io.linkgate.api.proto.DispatchResponse;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Role;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks a dispatch endpoint ({@code GET {url}/v1/dispatch}, protobuf {@code DispatchResponse}) where
 * to connect, and tells it how connecting went ({@code POST {url}/v1/dispatch/report}, the pending
 * {@code ConnectOutcome}s, sent after each answered ask).
 *
 * <p>Which list a connection uses: the cached one while younger than its TTL; else a new answer,
 * trying the URLs in turn; else the cached one even if stale; else none, meaning the configured
 * endpoints. A 401 or 403 is a token problem and fails the call like a refused handshake. The list
 * is refreshed in the background at 80% of its TTL, so a reconnect rarely waits for dispatch.
 * Thread-safe.
 */
public final class DispatchClient implements EndpointSource {
  private static final Logger log = LoggerFactory.getLogger(DispatchClient.class);
  private static final String PROTOBUF = "application/x-protobuf";
  /** A dispatch answer is a few endpoints; anything near this is not one. */
  private static final int MAX_BODY_BYTES = 1 << 20;
  /** For an answer without a TTL. */
  static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
  /** Refreshes never come closer than this, whatever TTL a server sends. */
  private static final long MIN_REFRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final List<URI> urls;
  private final Duration timeout;
  private final Set<String> knownTransports;
  private final Scheduler scheduler;
  private final TokenSource tokens;
  private final OutcomeLog outcomes;
  private final ExecutorService executor;
  private final HttpClient http;

  // Guarded by this.
  private Cached cached;
  private CompletableFuture<Lists> fetching;
  private ScheduledFuture<?> refresh;
  private boolean closed;

  /** The client's dispatch, from its settings. */
  public static DispatchClient of(
      ClientConfig config, Scheduler scheduler, OutcomeLog outcomes, String threadName) {
    return new DispatchClient(config.dispatchUrls(), config.dispatchTimeout(),
        config.knownTransports(), config.transportOptions().proxy(),
        new TokenSource(config.token(), config.tokenRefreshable()), scheduler, outcomes, threadName);
  }

  /**
   * @param urls the dispatch base URLs, tried in order ({@code http://host:port})
   * @param timeout the bound on one ask of one URL
   * @param knownTransports endpoints of other transports are left out of the lists
   * @param tokens the token for background refreshes
   */
  DispatchClient(
      List<URI> urls,
      Duration timeout,
      Set<String> knownTransports,
      Optional<InetSocketAddress> proxy,
      TokenSource tokens,
      Scheduler scheduler,
      OutcomeLog outcomes,
      String threadName) {
    this.urls = List.copyOf(urls);
    this.timeout = timeout;
    this.knownTransports = Set.copyOf(knownTransports);
    this.scheduler = scheduler;
    this.tokens = tokens;
    this.outcomes = outcomes;
    this.executor = Executors.newSingleThreadExecutor(Threads.daemon(threadName));
    HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(timeout).executor(executor);
    proxy.ifPresent(p -> http.proxy(ProxySelector.of(p)));
    this.http = http.build();
  }

  @Override
  public CompletionStage<Lists> current(String token) {
    synchronized (this) {
      if (cached != null && !cached.isStale()) {
        return CompletableFuture.completedFuture(cached.lists);
      }
    }
    return fetch(token).handle((lists, error) -> {
      if (error == null) {
        return CompletableFuture.completedFuture(lists);
      }
      if (Failures.isRefusal(error)) {
        return CompletableFuture.<Lists>failedFuture(Failures.unwrap(error));
      }
      synchronized (this) {
        if (cached != null) {
          log.debug("{}; using the list of {} ms ago", Failures.describe(error), cached.ageMillis());
          return CompletableFuture.completedFuture(cached.lists);
        }
      }
      log.debug("{}; using the configured endpoints", Failures.describe(error));
      return CompletableFuture.completedFuture(Lists.EMPTY);
    }).thenCompose(Function.identity());
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      if (refresh != null) {
        refresh.cancel(false);
      }
    }
    executor.shutdownNow();
  }

  /** One ask at a time: callers that come while one is out share its answer. */
  private CompletableFuture<Lists> fetch(String token) {
    CompletableFuture<Lists> f;
    synchronized (this) {
      if (fetching != null) {
        return fetching;
      }
      f = new CompletableFuture<>();
      fetching = f;
    }
    f.whenComplete((lists, error) -> {
      synchronized (this) {
        fetching = null;
      }
    });
    ask(0, token, f, new ArrayList<>());
    return f;
  }

  private void ask(int index, String token, CompletableFuture<Lists> result, List<String> failures) {
    if (index == urls.size()) {
      result.completeExceptionally(
          new IOException("dispatch did not answer: " + String.join("; ", failures)));
      return;
    }
    URI base = urls.get(index);
    CompletableFuture<HttpResponse<byte[]>> response;
    try {
      HttpRequest request = HttpRequest.newBuilder(at(base, "/v1/dispatch"))
          .timeout(timeout)
          .header("Authorization", "Bearer " + token)
          .header("Accept", PROTOBUF)
          .GET()
          .build();
      response = http.sendAsync(request, LimitedBody.handler(MAX_BODY_BYTES))
          .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      response = CompletableFuture.failedFuture(e);
    }
    response.whenComplete((r, error) -> {
      if (error != null) {
        failures.add(base + " (" + Failures.describe(error) + ")");
        ask(index + 1, token, result, failures);
        return;
      }
      int status = r.statusCode();
      if (status == 401 || status == 403) {
        result.completeExceptionally(new GatewayException(
            status == 401 ? ErrorCode.UNAUTHENTICATED : ErrorCode.FORBIDDEN,
            "dispatch at " + base + " refused the token (HTTP " + status + ")"));
        return;
      }
      Lists lists;
      try {
        if (status != 200) {
          throw new IOException("HTTP " + status);
        }
        lists = store(DispatchResponse.parseFrom(r.body()));
      } catch (IOException e) {
        failures.add(base + " (" + Failures.describe(e) + ")");
        ask(index + 1, token, result, failures);
        return;
      }
      report(base, token);
      result.complete(lists);
    });
  }

  private Lists store(DispatchResponse response) {
    Lists lists = new Lists(
        usable(response.getDownlinkList(), Role.DOWNLINK), usable(response.getUplinkList(), Role.UPLINK),
        Integer.toUnsignedLong(response.getHeartbeatMinMs()),
        Integer.toUnsignedLong(response.getHeartbeatMaxMs()));
    long ttlNanos = response.getTtlMs() > 0
        ? TimeUnit.MILLISECONDS.toNanos(response.getTtlMs())
        : DEFAULT_TTL.toNanos();
    synchronized (this) {
      cached = new Cached(lists, System.nanoTime(), ttlNanos);
      if (refresh != null) {
        refresh.cancel(false);
      }
      refresh = null;
      if (!closed) {
        try {
          refresh = scheduler.schedule(
              Threads.guarded(this::refresh),
              Math.max(MIN_REFRESH_NANOS, ttlNanos / 5 * 4),
              TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException clientClosing) {
          // nothing to refresh for
        }
      }
    }
    return lists;
  }

  private void refresh() {
    String token;
    try {
      token = tokens.current();
    } catch (GatewayException e) {
      log.debug("not refreshing the dispatch list: {}", e.getMessage());
      return;
    }
    fetch(token).whenComplete((lists, error) -> {
      if (error != null) {
        log.debug("refreshing the dispatch list failed: {}", Failures.describe(error));
      }
    });
  }

  /** Sends what is pending to the dispatch that just answered; kept for next time if it fails. */
  private void report(URI base, String token) {
    List<ConnectOutcome> pending = outcomes.drain();
    if (pending.isEmpty()) {
      return;
    }
    byte[] body = DispatchReport.newBuilder().addAllOutcomes(pending).build().toByteArray();
    HttpRequest request = HttpRequest.newBuilder(at(base, "/v1/dispatch/report"))
        .timeout(timeout)
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", PROTOBUF)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((r, error) -> {
          // 429: dispatch has heard enough for now; these are dropped, not retried.
          if (error != null || (r.statusCode() / 100 != 2 && r.statusCode() != 429)) {
            log.debug("reporting {} outcomes failed: {}", pending.size(),
                error != null ? Failures.describe(error) : "HTTP " + r.statusCode());
            outcomes.putBack(pending);
          }
        });
  }

  /** Endpoints this client can use, in the role asked for, without the load level. */
  private List<Endpoint> usable(List<Endpoint> endpoints, Role role) {
    List<Endpoint> out = new ArrayList<>();
    for (Endpoint e : endpoints) {
      if (knownTransports.contains(e.getTransport()) && !e.getHost().isEmpty() && e.getPort() > 0) {
        // Load levels change between answers; the same endpoint must compare equal across them.
        out.add(e.toBuilder().setRole(role).clearLoadLevel().build());
      }
    }
    return out;
  }

  private static URI at(URI base, String path) {
    String b = base.toString();
    return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path);
  }

  private record Cached(Lists lists, long fetchedAt, long ttlNanos) {
    boolean isStale() {
      return System.nanoTime() - fetchedAt >= ttlNanos;
    }

    long ageMillis() {
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fetchedAt);
    }
  }
}
