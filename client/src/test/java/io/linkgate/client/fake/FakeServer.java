package io.linkgate.client.fake;

import io.linkgate.api.Frames;
import io.linkgate.api.GatewayException;
import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.SendAck;
import io.linkgate.api.proto.Welcome;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;

/** A scripted server for the fake transport. Listener calls run on one thread, like a real one. */
public final class FakeServer implements AutoCloseable {
  public static final String TRANSPORT = "fake";
  private static final Map<Integer, FakeServer> BY_PORT = new ConcurrentHashMap<>();
  private static final AtomicInteger NEXT_PORT = new AtomicInteger(20_000);

  private final int port = NEXT_PORT.incrementAndGet();
  private final ExecutorService io = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "fake-server-" + port);
    t.setDaemon(true);
    return t;
  });
  public final LinkedBlockingQueue<Downlink> downlinks = new LinkedBlockingQueue<>();
  public final LinkedBlockingQueue<Uplink> uplinks = new LinkedBlockingQueue<>();
  public final List<Hello> hellos = new CopyOnWriteArrayList<>();

  /** Answers a downlink Hello: a Welcome, or a GatewayException to refuse. */
  public volatile Function<Hello, Object> welcomer =
      hello -> welcome(hello, true, "e1", 0);

  /** Answers one uplink frame; the default acks every Send. */
  public volatile BiFunction<Uplink, Frame, CompletionStage<Frame>> uplinkHandler =
      (up, f) -> CompletableFuture.completedFuture(ack(f));

  public volatile boolean autoPong = true;

  /** Runs on the server's thread once a downlink is open: a place to script replays. */
  public volatile java.util.function.Consumer<Downlink> onDownlink = d -> {};

  private FakeServer() {}

  public static FakeServer start() {
    FakeServer s = new FakeServer();
    BY_PORT.put(s.port, s);
    return s;
  }

  static FakeServer at(int port) {
    return BY_PORT.get(port);
  }

  public Endpoint endpoint(Role role) {
    return Endpoint.newBuilder().setTransport(TRANSPORT).setRole(role).setHost("fake").setPort(port).build();
  }

  public static Welcome welcome(Hello hello, boolean resumed, String epoch, long lastSeq) {
    return Welcome.newBuilder()
        .setSessionId("s-" + System.nanoTime())
        .setNodeId("fake")
        .setUserId("u")
        .setHeartbeatMs(hello.getHeartbeatMs())
        .setResumed(resumed)
        .setEpoch(epoch)
        .setLastSeq(lastSeq)
        .build();
  }

  public static Frame ack(Frame send) {
    return Frame.newBuilder().setSendAck(SendAck.newBuilder()
        .setClientMsgId(send.getSend().getClientMsgId())
        .setMsgId("m-" + send.getSend().getClientMsgId())).build();
  }

  public static Frame push(long seq) {
    return Frame.newBuilder().setPush(Push.newBuilder().setSeq(seq).setMsgId("m" + seq)).build();
  }

  /** The next downlink the client opens, waiting up to 10 s. */
  public Downlink nextDownlink() throws InterruptedException {
    Downlink d = downlinks.poll(10, TimeUnit.SECONDS);
    if (d == null) {
      throw new AssertionError("the client opened no downlink within 10 s");
    }
    return d;
  }

  public Uplink nextUplink() throws InterruptedException {
    Uplink u = uplinks.poll(10, TimeUnit.SECONDS);
    if (u == null) {
      throw new AssertionError("the client opened no uplink within 10 s");
    }
    return u;
  }

  CompletionStage<ClientDownlink> openDownlink(Hello hello, ClientDownlink.Listener listener) {
    hellos.add(hello);
    CompletableFuture<ClientDownlink> result = new CompletableFuture<>();
    io.execute(() -> {
      Object answer = welcomer.apply(hello);
      if (answer instanceof GatewayException g) {
        result.completeExceptionally(g);
        return;
      }
      Downlink d = new Downlink(hello, (Welcome) answer, listener);
      result.complete(d);
      downlinks.add(d);
      onDownlink.accept(d);
    });
    return result;
  }

  CompletionStage<ClientUplink> openUplink(Hello hello) {
    hellos.add(hello);
    CompletableFuture<ClientUplink> result = new CompletableFuture<>();
    io.execute(() -> {
      Object answer = welcomer.apply(hello);
      if (answer instanceof GatewayException g) {
        result.completeExceptionally(g);
        return;
      }
      Uplink u = new Uplink((Welcome) answer);
      result.complete(u);
      uplinks.add(u);
    });
    return result;
  }

  @Override
  public void close() {
    BY_PORT.remove(port);
    io.shutdownNow();
  }

  /** The server's end of one downlink. */
  public final class Downlink implements ClientDownlink {
    public final Hello hello;
    private final Welcome welcome;
    private final Listener listener;
    public final LinkedBlockingQueue<Frame> fromClient = new LinkedBlockingQueue<>();
    private volatile boolean open = true;
    public final CompletableFuture<Void> closedByClient = new CompletableFuture<>();

    Downlink(Hello hello, Welcome welcome, Listener listener) {
      this.hello = hello;
      this.welcome = welcome;
      this.listener = listener;
    }

    /** Sends frames to the client, in order, on the server's thread. */
    public void deliver(Frame... frames) {
      io.execute(() -> {
        for (Frame f : frames) {
          if (open) {
            listener.onFrame(f);
          }
        }
      });
    }

    public void pushSeqs(long... seqs) {
      for (long s : seqs) {
        deliver(push(s));
      }
    }

    /** The server drops the connection. */
    public void drop() {
      io.execute(() -> {
        if (open) {
          open = false;
          listener.onClosed(new IOException("connection reset"));
        }
      });
    }

    @Override
    public Welcome welcome() {
      return welcome;
    }

    @Override
    public void send(Frame frame) {
      if (!open) {
        return;
      }
      fromClient.add(frame);
      if (frame.hasPing() && autoPong) {
        deliver(Frames.pong(frame.getPing().getNonce()));
      }
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      io.execute(() -> {
        if (open) {
          open = false;
          closedByClient.complete(null);
          listener.onClosed(null);
        }
      });
    }
  }

  /** The server's end of one uplink. */
  public final class Uplink implements ClientUplink {
    private final Welcome welcome;
    public final LinkedBlockingQueue<Frame> fromClient = new LinkedBlockingQueue<>();
    private final List<CompletableFuture<Frame>> pending = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;
    public final CompletableFuture<Void> closedByClient = new CompletableFuture<>();

    Uplink(Welcome welcome) {
      this.welcome = welcome;
    }

    @Override
    public Welcome welcome() {
      return welcome;
    }

    @Override
    public CompletionStage<Frame> call(Frame frame) {
      if (!open) {
        return CompletableFuture.failedFuture(new IOException("uplink closed"));
      }
      fromClient.add(frame);
      CompletableFuture<Frame> answer = new CompletableFuture<>();
      pending.add(answer);
      uplinkHandler.apply(this, frame).whenComplete((f, e) -> io.execute(() -> {
        if (e != null) {
          answer.completeExceptionally(e);
        } else {
          answer.complete(f);
        }
      }));
      return answer;
    }

    /** The server drops the connection: unanswered calls fail. */
    public void drop() {
      io.execute(() -> {
        open = false;
        for (CompletableFuture<Frame> f : pending) {
          f.completeExceptionally(new IOException("connection reset"));
        }
      });
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
      closedByClient.complete(null);
      drop();
    }
  }
}
