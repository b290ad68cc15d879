package io.linkgate.bench.tunnel;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.SendAck;
import io.linkgate.api.proto.Welcome;
import io.linkgate.bench.internal.PushFrames;
import io.linkgate.bench.internal.PushTarget;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The baseline: a Jetty 12 core handler (no servlets) on the tunnel's paths, doing the request work
 * without the router. {@code POST /v1/tunnel/uplink} reads the body, decodes its frames and answers
 * each {@code Send} with a {@code SendAck} of the router's shape (an empty body with a fixed
 * {@code Welcome}); {@code GET /v1/tunnel/downlink?device_id=D} answers a streaming response, a
 * fixed {@code Welcome} first, then the pushes, one write in flight at a time and whatever queued
 * meanwhile in the next one (Jetty allows no more). No authentication, no inbox, no bound, no
 * dedup.
 *
 * <p>Two servers as in Linkgate's node, one per role, each with the tunnel's thread pool and
 * connector settings.
 */
final class RawJettyServer implements PushTarget {
  static final String UPLINK_PATH = "/v1/tunnel/uplink";
  static final String DOWNLINK_PATH = "/v1/tunnel/downlink";
  static final String CONTENT_TYPE = "application/x-linkgate-frames";

  private static final Frame WELCOME_FRAME =
      Frame.newBuilder()
          .setWelcome(
              Welcome.newBuilder().setSessionId("raw").setNodeId("raw-jetty").setHeartbeatMs(300_000))
          .build();
  private static final byte[] WELCOME = FrameCodec.encode(WELCOME_FRAME);
  private static final int MAX_REQUEST_BYTES = 1 << 20;
  private static final int MAX_FRAMES = 64;

  private final AtomicReferenceArray<Stream> streams;
  private final AtomicInteger connected = new AtomicInteger();
  private final PushFrames frames;
  private final String ackIdPrefix =
      "bench-u" + Long.toUnsignedString(new SecureRandom().nextLong() >>> 16, 36) + "-";
  private final AtomicLong ackCounter = new AtomicLong();
  private final Server downServer;
  private final Server upServer;
  private final ServerConnector downConnector;
  private final ServerConnector upConnector;

  RawJettyServer(
      String host, int maxUsers, int threads, int selectors, long idleTimeoutMs, String from)
      throws Exception {
    this.streams = new AtomicReferenceArray<>(maxUsers);
    this.frames = new PushFrames(maxUsers, from);
    this.downServer = new Server(pool(threads, "raw-jetty-down"));
    this.downConnector = connector(downServer, host, selectors, idleTimeoutMs);
    downServer.setHandler(new Downlinks());
    this.upServer = new Server(pool(threads, "raw-jetty-up"));
    this.upConnector = connector(upServer, host, selectors, idleTimeoutMs);
    upServer.setHandler(new Uplinks());
    downServer.start();
    upServer.start();
  }

  private static QueuedThreadPool pool(int threads, String name) {
    QueuedThreadPool pool = new QueuedThreadPool(threads, Math.min(4, threads));
    pool.setName(name);
    return pool;
  }

  /** As the tunnel's: one acceptor, the tunnel's selector count, HTTP/1.1. */
  private static ServerConnector connector(
      Server server, String host, int selectors, long idleTimeoutMs) {
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setRequestHeaderSize(8 * 1024);
    ServerConnector c =
        new ServerConnector(server, 1, selectors, new HttpConnectionFactory(http));
    c.setHost(host);
    c.setPort(0);
    c.setIdleTimeout(idleTimeoutMs);
    c.setReuseAddress(true);
    c.setAcceptQueueSize(4096);
    server.addConnector(c);
    return c;
  }

  @Override
  public int port() {
    return downConnector.getLocalPort();
  }

  int uplinkPort() {
    return upConnector.getLocalPort();
  }

  @Override
  public int connected() {
    return connected.get();
  }

  @Override
  public void push(int user, byte[] payload) {
    Stream s = streams.get(user);
    if (s != null) {
      s.send(FrameCodec.encode(frames.next(user, payload)));
    }
  }

  @Override
  public void pushBurst(int user, byte[][] payloads) {
    Stream s = streams.get(user);
    if (s == null) {
      return;
    }
    List<Frame> burst = new ArrayList<>(payloads.length);
    for (byte[] p : payloads) {
      burst.add(frames.next(user, p));
    }
    s.send(FrameCodec.encodeAll(burst)); // the ideal: the burst as one write
  }

  @Override
  public void close() {
    try {
      upServer.stop();
      downServer.stop();
    } catch (Exception e) {
      // the process exits next anyway
    }
  }

  private static boolean refuse(Request request, Response response, Callback callback, int status) {
    Response.writeError(request, response, callback, status);
    return true;
  }

  /** {@code POST /v1/tunnel/uplink}: one answer per frame, in order. */
  private final class Uplinks extends Handler.Abstract.NonBlocking {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      if (!UPLINK_PATH.equals(request.getHttpURI().getPath())
          || !HttpMethod.POST.is(request.getMethod())) {
        return refuse(request, response, callback, 404);
      }
      Content.Source.asByteArrayAsync(request, MAX_REQUEST_BYTES)
          .whenComplete(
              (body, failure) -> {
                if (failure != null) {
                  callback.failed(failure);
                  return;
                }
                List<Frame> answers;
                try {
                  answers = answers(FrameCodec.decodeAll(body, FrameCodec.DEFAULT_MAX_FRAME_BYTES, MAX_FRAMES));
                } catch (RuntimeException e) {
                  refuse(request, response, callback, 400);
                  return;
                }
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
                response.write(true, ByteBuffer.wrap(FrameCodec.encodeAll(answers)), callback);
              });
      return true;
    }

    private List<Frame> answers(List<Frame> requests) {
      if (requests.isEmpty()) {
        return List.of(WELCOME_FRAME);
      }
      List<Frame> out = new ArrayList<>(requests.size());
      for (Frame f : requests) {
        out.add(
            f.hasSend()
                ? Frame.newBuilder()
                    .setSendAck(
                        SendAck.newBuilder()
                            .setClientMsgId(f.getSend().getClientMsgId())
                            .setMsgId(ackIdPrefix + Long.toString(ackCounter.incrementAndGet(), 36))
                            .setServerTimeMs(System.currentTimeMillis()))
                    .build()
                : Frame.getDefaultInstance());
      }
      return out;
    }
  }

  /** {@code GET /v1/tunnel/downlink}: the response is the downlink. */
  private final class Downlinks extends Handler.Abstract.NonBlocking {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      if (!DOWNLINK_PATH.equals(request.getHttpURI().getPath())
          || !HttpMethod.GET.is(request.getMethod())) {
        return refuse(request, response, callback, 404);
      }
      String device = Request.extractQueryParameters(request).getValue("device_id");
      int index = device == null ? -1 : PushTarget.userIndex(device);
      if (index < 0 || index >= streams.length()) {
        return refuse(request, response, callback, 400);
      }
      Stream s = new Stream(index, response, callback);
      if (!streams.compareAndSet(index, null, s)) {
        return refuse(request, response, callback, 409);
      }
      connected.incrementAndGet();
      request.addFailureListener(t -> s.gone(t));
      response.setStatus(200);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache, no-store");
      s.send(WELCOME);
      return true;
    }
  }

  /** One streaming response: one write in flight, the rest queued and sent as one. */
  private final class Stream implements Callback {
    private final int user;
    private final Response response;
    private final Callback exchange;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private int queuedBytes;
    private boolean writing;

    Stream(int user, Response response, Callback exchange) {
      this.user = user;
      this.response = response;
      this.exchange = exchange;
    }

    void send(byte[] bytes) {
      synchronized (this) {
        if (writing) {
          queue.add(bytes);
          queuedBytes += bytes.length;
          return;
        }
        writing = true;
      }
      response.write(false, ByteBuffer.wrap(bytes), this);
    }

    @Override
    public void succeeded() {
      ByteBuffer next;
      synchronized (this) {
        if (queue.isEmpty()) {
          writing = false;
          return;
        }
        next = ByteBuffer.allocate(queuedBytes);
        byte[] b;
        while ((b = queue.poll()) != null) {
          next.put(b);
        }
        queuedBytes = 0;
        next.flip();
      }
      response.write(false, next, this);
    }

    @Override
    public void failed(Throwable x) {
      gone(x);
    }

    void gone(Throwable cause) {
      if (streams.compareAndSet(user, this, null)) {
        connected.decrementAndGet();
        exchange.failed(cause);
      }
    }
  }
}
