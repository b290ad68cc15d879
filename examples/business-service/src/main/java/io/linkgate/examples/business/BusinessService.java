package io.linkgate.examples.business;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.router.Router;
import io.linkgate.router.store.RedisRouterStore;
import io.linkgate.router.store.RouterStore;
import io.linkgate.router.stream.StreamConsumer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A business service beside a Linkgate cluster, with no framework: an embedded {@link Router} on the
 * cluster's Redis (it takes no connections, it only pushes, to users on any gateway node), and a
 * {@link StreamConsumer} reading the sends the gateways store with {@code sends.handler:
 * redis-stream}, each handed to the {@link UplinkHandler} and so to the {@link TimeBot}.
 *
 * <p>Run {@code java -jar business-service.jar --help} for the settings. Stops on SIGTERM (or
 * Ctrl-C): the consumer first, so the entries being handled finish and are acked (what does not
 * finish in a few seconds stays pending and is handed out again), then the router and the store.
 */
public final class BusinessService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BusinessService.class);
  /** What the tests (and a supervisor) wait for on standard output. */
  static final String READY = "business-service ready";
  static final String STOPPED = "business-service stopped";
  /**
   * How long an entry stays with a consumer that took it before another may claim it: longer than
   * handling one takes (a few Redis round trips), short enough that a crashed instance's entries
   * are not late by much.
   */
  private static final Duration CLAIM_MIN_IDLE = Duration.ofSeconds(30);
  /** How long the ledger remembers a send's pushes: the longest outage the stream should ride out. */
  private static final Duration LEDGER_KEEP = Duration.ofHours(24);

  private final ServiceConfig config;
  /** What was opened, in order: closed in reverse. */
  private final List<AutoCloseable> parts;
  private final AtomicBoolean closed = new AtomicBoolean();

  private BusinessService(ServiceConfig config, List<AutoCloseable> parts) {
    this.config = config;
    this.parts = parts;
  }

  /**
   * Connects to Redis, creates the consumer group if missing and starts consuming.
   *
   * @throws io.lettuce.core.RedisException if Redis cannot be reached now
   */
  public static BusinessService start(ServiceConfig config, Clock clock) {
    List<AutoCloseable> parts = new ArrayList<>();
    try {
      RouterStore store = RedisRouterStore.builder(config.redisUri()).keyPrefix(config.keyPrefix()).connect();
      parts.add(store);
      Router router =
          Router.builder()
              .nodeId("business-" + config.consumer())
              .store(store)
              .maxFrameBytes(config.maxFrameBytes())
              // No transport is attached: no client ever presents a token to this router.
              .authenticator(
                  token -> CompletableFuture.failedFuture(
                      new GatewayException(ErrorCode.UNAUTHENTICATED, "the business service takes no connections")))
              .build();
      parts.add(router);
      DeliveryLedger ledger =
          new DeliveryLedger(
              config.redisUri(), config.keyPrefix() + "biz:" + config.group() + ":", CLAIM_MIN_IDLE, LEDGER_KEEP);
      parts.add(ledger);
      UplinkHandler handler =
          new UplinkHandler(router, ledger, new TimeBot(clock), config.botUser(), config.maxFrameBytes());
      StreamConsumer consumer =
          StreamConsumer.builder(config.redisUri(), config.group())
              .stream(config.stream())
              .consumerName(config.consumer())
              .claimMinIdle(CLAIM_MIN_IDLE)
              .start(handler);
      parts.add(consumer);
    } catch (RuntimeException e) {
      closeAll(parts);
      throw e;
    }
    log.info("consuming {}", config);
    return new BusinessService(config, parts);
  }

  public ServiceConfig config() {
    return config;
  }

  /** Stops consuming (letting the entries in hand finish), then closes the router and the store. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      closeAll(parts);
      log.info("stopped");
    }
  }

  private static void closeAll(List<AutoCloseable> parts) {
    for (int i = parts.size() - 1; i >= 0; i--) {
      try {
        parts.get(i).close();
      } catch (Exception e) {
        log.warn("closing {} failed: {}", parts.get(i), e.toString());
      }
    }
  }

  public static void main(String[] args) throws InterruptedException {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.print(ServiceConfig.usage());
      return;
    }
    ServiceConfig config;
    try {
      config = ServiceConfig.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("business-service: " + e.getMessage());
      System.exit(2);
      return;
    }
    BusinessService service;
    try {
      service = start(config, Clock.systemUTC());
    } catch (RuntimeException e) {
      System.err.println("business-service: cannot start on " + config + ": " + e);
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      service.close();
      System.out.println(STOPPED);
      System.out.flush();
      stopped.countDown();
      // After SIGTERM the JVM exits 143 even when every hook went well; a clean stop says 0, which
      // is what service managers read as stopped on purpose.
      Runtime.getRuntime().halt(0);
    }, "business-service-shutdown"));
    System.out.println(READY + ": " + config);
    System.out.flush();
    stopped.await();
  }
}
