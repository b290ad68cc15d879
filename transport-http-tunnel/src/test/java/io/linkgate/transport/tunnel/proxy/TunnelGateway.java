package io.linkgate.transport.tunnel.proxy;

import com.google.inject.Guice;
import com.google.protobuf.ByteString;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.linkgate.api.client.ClientTransport;
import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Send;
import io.linkgate.api.transport.DownlinkTransport;
import io.linkgate.api.transport.Limits;
import io.linkgate.api.transport.TransportSettings;
import io.linkgate.api.transport.UplinkTransport;
import io.linkgate.router.Hs256Authenticator;
import io.linkgate.router.Message;
import io.linkgate.router.Router;
import io.linkgate.transport.tunnel.HttpTunnelClientTransportProvider;
import io.linkgate.transport.tunnel.HttpTunnelTransportProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The gateway behind the proxy: an in-memory router and the tunnel's two servers on 127.0.0.1,
 * port 0, made through the public provider as the assembly makes them. (The module's {@code
 * TestNode} does the same but is package-private to the package above.)
 */
final class TunnelGateway implements AutoCloseable {
  private final byte[] secret = new byte[32];
  private final Router router;
  private final DownlinkTransport downlink;
  private final UplinkTransport uplink;

  private TunnelGateway(Map<String, String> options) throws IOException {
    new SecureRandom().nextBytes(secret);
    router =
        Router.builder().nodeId("proxy-test").authenticator(new Hs256Authenticator(secret)).build();
    var injector = Guice.createInjector(new HttpTunnelTransportProvider().module());
    downlink =
        injector
            .getInstance(Key.get(new TypeLiteral<Map<String, DownlinkTransport.Factory>>() {}))
            .get("http-tunnel")
            .create(settings(Role.DOWNLINK, options), router);
    uplink =
        injector
            .getInstance(Key.get(new TypeLiteral<Map<String, UplinkTransport.Factory>>() {}))
            .get("http-tunnel")
            .create(settings(Role.UPLINK, options), router);
    downlink.start();
    uplink.start();
  }

  /** Starts a gateway with the tunnel's default options. */
  static TunnelGateway start() throws IOException {
    return start(Map.of());
  }

  /** Starts a gateway with these tunnel options ({@code TransportSettings.options}). */
  static TunnelGateway start(Map<String, String> options) throws IOException {
    return new TunnelGateway(options);
  }

  private static TransportSettings settings(Role role, Map<String, String> options) {
    // Short handshake and heartbeats from 200 ms, so that tests can ask for fast pings.
    Limits limits =
        new Limits(64 * 1024, 64 * 1024, Duration.ofSeconds(2), 200, 20_000, 10_000, 2.5,
            Duration.ofSeconds(60));
    return new TransportSettings(
        "proxy-test", role, "127.0.0.1", List.of(0), Optional.empty(), limits, options);
  }

  Endpoint endpoint(Role role) {
    return (role == Role.DOWNLINK ? downlink : uplink).endpoints().get(0);
  }

  int port(Role role) {
    return endpoint(role).getPort();
  }

  /** Both ports: what squid must be allowed to reach, and what direct access must not. */
  int[] ports() {
    return new int[] {port(Role.DOWNLINK), port(Role.UPLINK)};
  }

  Hello hello(String user, String device) {
    return Hello.newBuilder()
        .setToken(Hs256Authenticator.mint(secret, user, Duration.ofMinutes(10)))
        .setDeviceId(device)
        .build();
  }

  /** A Hello that resumes after {@code resumeFromSeq} of epoch {@code epoch} ("" for none). */
  Hello hello(String user, String device, long resumeFromSeq, String epoch, int heartbeatMs) {
    return hello(user, device).toBuilder()
        .setResumeFromSeq(resumeFromSeq)
        .setResumeEpoch(epoch)
        .setHeartbeatMs(heartbeatMs)
        .build();
  }

  /** A tunnel client that sends every request through {@code proxy}. */
  ClientTransport clientVia(InetSocketAddress proxy, Map<String, String> options) {
    return client(Optional.of(proxy), options);
  }

  /**
   * A tunnel client with no proxy configured. (The JVM's default selector, which it falls back
   * to, goes direct: no proxy properties are set in the tests, and it never proxies loopback.)
   */
  ClientTransport directClient(Map<String, String> options) {
    return client(Optional.empty(), options);
  }

  private static ClientTransport client(
      Optional<InetSocketAddress> proxy, Map<String, String> options) {
    return new HttpTunnelClientTransportProvider()
        .create(
            new ClientTransportOptions(65_536, Duration.ofSeconds(5), proxy, false, options));
  }

  /** Pushes a message to {@code user} from the server side, bypassing any uplink. */
  Push push(String user, String text) {
    return join(
        router.push(
            user, Message.of("test", "user:" + user, text.getBytes(StandardCharsets.UTF_8))));
  }

  /** A Send of {@code text} to {@code to} ("user:..." or "room:..."), as a client puts it. */
  static Frame send(String clientMsgId, String to, String text) {
    return Frame.newBuilder()
        .setSend(Send.newBuilder()
            .setClientMsgId(clientMsgId)
            .setTo(to)
            .setPayload(ByteString.copyFromUtf8(text)))
        .build();
  }

  boolean isOnline(String user) {
    return join(router.isOnline(user));
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
    try {
      join(downlink.shutdown());
      join(uplink.shutdown());
    } finally {
      router.close();
    }
  }
}
