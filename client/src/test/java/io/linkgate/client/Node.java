package io.linkgate.client;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.DownlinkTransport;
import io.linkgate.api.transport.Limits;
import io.linkgate.api.transport.Transport;
import io.linkgate.api.transport.TransportSettings;
import io.linkgate.api.transport.UplinkTransport;
import io.linkgate.router.BusinessHandler;
import io.linkgate.router.Hs256Authenticator;
import io.linkgate.router.Router;
import io.linkgate.transport.tcp.TcpTransportProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A real node in the test's JVM: a Router behind the TCP downlink and uplink transports. */
final class Node implements AutoCloseable {
  static final byte[] SECRET = "client-tests-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final String HOST = "127.0.0.1";

  final Router router;
  private final Limits limits;
  private final DownlinkTransport.Factory downlinkFactory;
  private final UplinkTransport.Factory uplinkFactory;
  private DownlinkTransport downlink;
  private UplinkTransport uplink;

  private Node(Router router, Limits limits) throws Exception {
    this.router = router;
    this.limits = limits;
    Injector injector = Guice.createInjector(new TcpTransportProvider().module());
    this.downlinkFactory = injector.getInstance(
        Key.get(new TypeLiteral<Map<String, DownlinkTransport.Factory>>() {})).get("tcp");
    this.uplinkFactory = injector.getInstance(
        Key.get(new TypeLiteral<Map<String, UplinkTransport.Factory>>() {})).get("tcp");
    this.downlink = downlinkFactory.create(settings(Role.DOWNLINK, 0), router);
    this.uplink = uplinkFactory.create(settings(Role.UPLINK, 0), router);
    downlink.start();
    uplink.start();
  }

  static Node start() throws Exception {
    return start(null);
  }

  /** A node whose Sends go to {@code handler} instead of the default handling, if not null. */
  static Node start(BusinessHandler handler) throws Exception {
    Router.Builder b = Router.builder().authenticator(new Hs256Authenticator(SECRET));
    if (handler != null) {
      b.businessHandler(handler);
    }
    return new Node(b.build(), Limits.defaults());
  }

  /** A node whose transports enforce {@code limits} (heartbeat bounds, ...). */
  static Node withLimits(Limits limits) throws Exception {
    return new Node(Router.builder().authenticator(new Hs256Authenticator(SECRET)).build(), limits);
  }

  static String token(String userId) {
    return Hs256Authenticator.mint(SECRET, userId, Duration.ofMinutes(10));
  }

  private TransportSettings settings(Role role, int port) {
    return TransportSettings.of("test-node", role, HOST, List.of(port)).withLimits(limits);
  }

  synchronized Endpoint downlinkEndpoint() {
    return endpoint(downlink, Role.DOWNLINK);
  }

  synchronized Endpoint uplinkEndpoint() {
    return endpoint(uplink, Role.UPLINK);
  }

  private static Endpoint endpoint(Transport t, Role role) {
    return Endpoints.of("tcp", role, HOST, t.endpoints().get(0).getPort());
  }

  /** Closes every downlink connection by stopping the transport, then listens on the same port. */
  synchronized void restartDownlink() throws Exception {
    int port = downlinkEndpoint().getPort();
    downlink.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    downlink = downlinkFactory.create(settings(Role.DOWNLINK, port), router);
    downlink.start();
  }

  /** The same for uplinks. */
  synchronized void restartUplink() throws Exception {
    int port = uplinkEndpoint().getPort();
    uplink.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    uplink = uplinkFactory.create(settings(Role.UPLINK, port), router);
    uplink.start();
  }

  @Override
  public synchronized void close() throws IOException {
    try {
      downlink.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
      uplink.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("the node did not stop cleanly", e);
    } finally {
      router.close();
    }
  }
}
