package io.linkgate.transport.tunnel;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.client.ClientTransport;
import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.DownlinkTransport;
import io.linkgate.api.transport.Limits;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TlsSettings;
import io.linkgate.api.transport.TransportSettings;
import io.linkgate.api.transport.UplinkTransport;
import io.linkgate.router.Hs256Authenticator;
import io.linkgate.router.Message;
import io.linkgate.router.Router;
import io.linkgate.transport.tunnel.internal.server.TunnelModule;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A node for the module's own tests: an in-memory router and the tunnel's two servers on 127.0.0.1,
 * port 0, created the way the assembly does (through the module's factories).
 */
final class TestNode implements AutoCloseable {
  private final byte[] secret = new byte[32];
  private final Router router;
  private final DownlinkTransport downlink;
  private final UplinkTransport uplink;

  private TestNode(Builder b) throws IOException {
    if (b.secretOf != null) {
      System.arraycopy(b.secretOf.secret, 0, secret, 0, secret.length);
    } else {
      new SecureRandom().nextBytes(secret);
    }
    Router.Builder routerBuilder =
        Router.builder().nodeId("test-node").authenticator(new Hs256Authenticator(secret));
    if (b.sendsPerSecond > 0) {
      routerBuilder.sendRate(b.sendsPerSecond, b.sendBurst);
    }
    router = routerBuilder.build();
    SessionHandler core = b.core.apply(router);
    var injector = Guice.createInjector(new TunnelModule());
    Map<String, DownlinkTransport.Factory> downlinks =
        injector.getInstance(Key.get(new TypeLiteral<Map<String, DownlinkTransport.Factory>>() {}));
    Map<String, UplinkTransport.Factory> uplinks =
        injector.getInstance(Key.get(new TypeLiteral<Map<String, UplinkTransport.Factory>>() {}));
    downlink = downlinks.get("http-tunnel").create(settings(b, Role.DOWNLINK), core);
    uplink = uplinks.get("http-tunnel").create(settings(b, Role.UPLINK), core);
    downlink.start();
    uplink.start();
  }

  private static TransportSettings settings(Builder b, Role role) {
    return new TransportSettings(
        "test-node",
        role,
        "127.0.0.1",
        List.of(0),
        Optional.ofNullable(b.tls),
        b.limits,
        b.options);
  }

  static Builder builder() {
    return new Builder();
  }

  static TestNode start() throws IOException {
    return builder().start();
  }

  static final class Builder {
    private final Map<String, String> options = new HashMap<>();
    private Limits limits = TestNode.limits(Duration.ofSeconds(2), 200);
    private TlsSettings tls;
    private UnaryOperator<SessionHandler> core = r -> r;
    private double sendsPerSecond;
    private int sendBurst;
    private TestNode secretOf;

    Builder option(String key, String value) {
      options.put(key, value);
      return this;
    }

    Builder limits(Limits l) {
      this.limits = l;
      return this;
    }

    Builder tls(TlsSettings t) {
      this.tls = t;
      return this;
    }

    /** Wraps the router as the transports see it (to count or delay what they ask). */
    Builder core(UnaryOperator<SessionHandler> wrap) {
      this.core = wrap;
      return this;
    }

    /** Each user's send rate on the node's router; none by default. */
    Builder sendRate(double perSecond, int burst) {
      this.sendsPerSecond = perSecond;
      this.sendBurst = burst;
      return this;
    }

    /** Verifies tokens with {@code other}'s secret: another node of the same deployment. */
    Builder secretOf(TestNode other) {
      this.secretOf = other;
      return this;
    }

    TestNode start() throws IOException {
      return new TestNode(this);
    }

    private Builder() {}
  }

  /**
   * Test limits: a small outbound queue, a short handshake timeout, heartbeats from {@code
   * minHeartbeatMs}.
   */
  static Limits limits(Duration handshake, int minHeartbeatMs) {
    return new Limits(
        64 * 1024,
        64 * 1024,
        handshake,
        minHeartbeatMs,
        20_000,
        10_000,
        2.5,
        Duration.ofSeconds(60));
  }

  Router router() {
    return router;
  }

  DownlinkTransport downlinkTransport() {
    return downlink;
  }

  UplinkTransport uplinkTransport() {
    return uplink;
  }

  Endpoint endpoint(Role role) {
    return (role == Role.DOWNLINK ? downlink : uplink).endpoints().get(0);
  }

  int port(Role role) {
    return endpoint(role).getPort();
  }

  URI uri(Role role, String pathAndQuery) {
    Endpoint e = endpoint(role);
    return URI.create(
        (e.getTls() ? "https" : "http") + "://127.0.0.1:" + e.getPort() + pathAndQuery);
  }

  String token(String user) {
    return Hs256Authenticator.mint(secret, user, Duration.ofMinutes(10));
  }

  Hello hello(String user, String device) {
    return Hello.newBuilder().setToken(token(user)).setDeviceId(device).build();
  }

  Hello hello(String user, String device, long resumeFromSeq, int heartbeatMs) {
    return hello(user, device).toBuilder()
        .setResumeFromSeq(resumeFromSeq)
        .setHeartbeatMs(heartbeatMs)
        .build();
  }

  ClientTransport client(Map<String, String> options) {
    ClientTransportOptions d = ClientTransportOptions.defaults();
    return new HttpTunnelClientTransportProvider()
        .create(
            new ClientTransportOptions(
                d.maxFrameBytes(), Duration.ofSeconds(5), Optional.empty(), false, options));
  }

  void push(String user, String text) {
    join(
        router.push(
            user, Message.of("test", "user:" + user, text.getBytes(StandardCharsets.UTF_8))));
  }

  boolean isOnline(String user) {
    return join(router.isOnline(user));
  }

  /**
   * Writes an uplink POST of {@code body} as alice's device {@code d} on a connection of the
   * test's own, reading nothing back.
   */
  void writeUplinkPost(java.net.Socket s, byte[] body) throws IOException {
    s.setSoTimeout(5_000);
    HttpWire.request(
        s.getOutputStream(),
        "POST",
        "/v1/tunnel/uplink?device_id=d",
        Map.of(
            "Authorization", "Bearer " + token("alice"),
            "Content-Type", "application/x-linkgate-frames"),
        body);
  }

  /** Sends a Ping in an uplink POST on {@code s} and reads the whole response: its status. */
  int pingOverUplink(java.net.Socket s) throws IOException {
    writeUplinkPost(s, frames(io.linkgate.api.Frames.ping(1)));
    java.io.InputStream in = new java.io.BufferedInputStream(s.getInputStream());
    HttpWire.Head head = HttpWire.readHead(in);
    HttpWire.readBody(in, head);
    return head.status();
  }

  static byte[] frames(Frame... frames) {
    return FrameCodec.encodeAll(List.of(frames));
  }

  static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    join(downlink.shutdown());
    join(uplink.shutdown());
    router.close();
  }
}
