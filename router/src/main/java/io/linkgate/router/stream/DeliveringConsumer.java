package io.linkgate.router.stream;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.router.Message;
import io.linkgate.router.Router;
import io.linkgate.router.store.RedisRouterStore;
import io.linkgate.router.store.RouterStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StreamConsumer.Handler} that delivers each uplink message as the router's default
 * handling would, through an embedded {@link Router}: {@code user:X} is pushed to X and a copy to
 * the sender (in the sender's own seq space, to all the sender's devices), {@code room:R} is
 * published to the room. {@code Push.from} is the sender the gateway authenticated.
 *
 * <p>The pushes carry the {@code msg_id} and server time of the sender's {@code SendAck}, so a
 * client recognises its own message, and can drop a repeat (delivery from the stream is at least
 * once).
 *
 * <p>Each user's pushes are made one after the other, in stream order: the seqs a recipient sees
 * follow the order the gateways stored the sends in, which concurrent pushes would not promise.
 * Different users' pushes run concurrently (up to the consumer's {@code maxInFlight}). A message
 * retried after a failure may arrive after later ones.
 *
 * <p>A message the router refuses for good ({@code INVALID_ARGUMENT}, {@code FRAME_TOO_LARGE}) is
 * logged and dropped; any other failure (the store unreachable) leaves the entry to be retried.
 *
 * <p>Also a runnable service: {@code java -cp ... io.linkgate.router.stream.DeliveringConsumer
 * redis://host:6379 [node-id] [stream]} starts an embedded router on the cluster's Redis (no
 * transport: it only pushes) and consumes the stream (default {@code lg:uplink}) in the group
 * {@value #GROUP} until the process is stopped. Run as many as needed; each entry goes to one.
 */
public final class DeliveringConsumer implements StreamConsumer.Handler {
  private static final Logger log = LoggerFactory.getLogger(DeliveringConsumer.class);

  /** The consumer group {@link #main} consumes in. */
  public static final String GROUP = "lg-delivery";

  private static final String USER = "user:";
  private static final String ROOM = "room:";

  private final Router router;
  /** Per user, the last push started: the next one for that user waits for it. */
  private final Map<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

  /** @param router delivers; typically embedded, on the same store as the gateways */
  public DeliveringConsumer(Router router) {
    this.router = router;
  }

  @Override
  public CompletionStage<?> onMessage(UplinkMessage m) {
    Message message = new Message(m.from(), m.to(), m.payload(), m.headers());
    CompletionStage<?> done;
    if (m.to().startsWith(USER)) {
      String target = m.to().substring(USER.length());
      CompletionStage<?> toTarget = inOrder(target, () -> router.push(target, m.msgId(), m.serverTimeMs(), message));
      done =
          target.equals(m.from())
              ? toTarget
              : toTarget.thenCombine(inOrder(m.from(), () -> router.push(m.from(), m.msgId(), m.serverTimeMs(), message)), (a, b) -> a);
    } else if (m.to().startsWith(ROOM)) {
      done = router.publishToRoom(m.to().substring(ROOM.length()), m.msgId(), m.serverTimeMs(), message);
    } else {
      // The gateway's handler refuses such a send; an entry like this came from elsewhere.
      log.warn("entry {}: cannot route to '{}'; dropped", m.id(), m.to());
      return CompletableFuture.completedFuture(null);
    }
    return done.exceptionallyCompose(
        err -> {
          ErrorCode code = GatewayException.from(err).code();
          if (code == ErrorCode.INVALID_ARGUMENT || code == ErrorCode.FRAME_TOO_LARGE) {
            log.warn("entry {} from {} to {} refused for good ({}); dropped", m.id(), m.from(), m.to(), code);
            return CompletableFuture.completedFuture(null);
          }
          return CompletableFuture.failedFuture(err);
        });
  }

  /** Starts {@code push} once the user's previous push is done, whichever way it ended. */
  private CompletionStage<?> inOrder(String user, Supplier<CompletionStage<?>> push) {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> previous = tails.put(user, mine);
    CompletionStage<?> pushed =
        (previous == null ? CompletableFuture.completedFuture(null) : previous).thenCompose(x -> push.get());
    pushed.whenComplete(
        (v, err) -> {
          tails.remove(user, mine);
          mine.complete(null);
        });
    return pushed;
  }

  /**
   * Runs the delivery service until the process is stopped.
   *
   * @param args {@code <redis-uri> [node-id] [stream]}; the node id (default random) also names the
   *     consumer in the group, so a restarted service takes up what it had not acked
   */
  public static void main(String[] args) throws InterruptedException {
    if (args.length < 1 || args.length > 3) {
      System.err.println("usage: DeliveringConsumer <redis-uri> [node-id] [stream]");
      System.exit(2);
    }
    String uri = args[0];
    RouterStore store = RedisRouterStore.builder(uri).connect();
    Router.Builder rb =
        Router.builder()
            .store(store)
            // No transport is attached, so no client ever presents a token here.
            .authenticator(
                token ->
                    CompletableFuture.failedFuture(
                        new GatewayException(ErrorCode.UNAUTHENTICATED, "this router takes no connections")));
    if (args.length > 1) {
      rb.nodeId(args[1]);
    }
    Router router = rb.build();
    StreamConsumer.Builder cb = StreamConsumer.builder(uri, GROUP).consumerName(router.nodeId());
    if (args.length > 2) {
      cb.stream(args[2]);
    }
    StreamConsumer consumer = cb.start(new DeliveringConsumer(router));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // Consumer first, so the handlers in flight still have a router to finish on.
                  consumer.close();
                  router.close();
                  store.close();
                  stopped.countDown();
                },
                "linkgate-delivery-shutdown"));
    System.out.println("delivering " + consumer + " as node " + router.nodeId());
    stopped.await();
  }
}
