package io.linkgate.transport.tunnel.proxy;

import io.linkgate.testing.SquidProxy;
import io.linkgate.testing.DirectAccessBlock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves the proxy harness itself, against a plain JDK origin server: squid forwards a chunked
 * response piece by piece, carries binary POSTs, denies CONNECT and anything but the tunnel's
 * port, passes a client's disconnect on to the origin, and {@link DirectAccessBlock} leaves the
 * proxy as the only way in.
 */
class SquidProxyTest {

  private static final int CHUNKS = 10;
  private static final long CHUNK_INTERVAL_MS = 300;
  /** Below the pause between chunks: a chunk squid held until the next one came would fail. */
  private static final long MAX_CHUNK_DELAY_MS = 250;

  private static HttpServer origin;
  private static ExecutorService originThreads;
  private static int originPort;
  private static int closedPort;
  private static SquidProxy squid;
  private static HttpClient viaSquid;
  private static final Map<String, CompletableFuture<Long>> abortsSeen = new ConcurrentHashMap<>();

  @BeforeAll
  static void startOriginAndSquid() throws IOException {
    originThreads = Executors.newCachedThreadPool();
    origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    origin.setExecutor(originThreads);
    origin.createContext("/stream", SquidProxyTest::streamChunks);
    origin.createContext("/echo", SquidProxyTest::echo);
    origin.createContext("/endless", SquidProxyTest::streamUntilClientLeaves);
    origin.start();
    originPort = origin.getAddress().getPort();
    try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = unused.getLocalPort();
    }
    squid = SquidProxy.start(originPort);
    viaSquid = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .proxy(squid.proxySelector())
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  @AfterAll
  static void stopAll() {
    if (squid != null) {
      long pid = squid.pid();
      squid.close();
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
    if (origin != null) {
      origin.stop(0);
      originThreads.shutdownNow();
    }
  }

  @Test
  void squidDropsPrivilegesToUserProxy() {
    // Debian's base-passwd fixes user proxy at uid 13; the tests run as root (CI does).
    assertThat(squid.processUid()).as("squid's effective uid").isEqualTo(13);
  }

  @Test
  void eachChunkOfAStreamedResponseArrivesAsSoonAsTheOriginWritesIt() throws Exception {
    List<Long> delaysMs = readStream(viaSquid);
    System.out.println("per-chunk delay via squid (ms): " + delaysMs);

    assertThat(delaysMs).as("ms from the origin's write to the client's read, per chunk")
        .hasSize(CHUNKS).allSatisfy(delay ->
        assertThat(delay).isLessThan(MAX_CHUNK_DELAY_MS));
    assertThat(squid.accessLog()).contains("GET http://127.0.0.1:" + originPort + "/stream");
  }

  @Test
  void binaryPostBodyRoundTripsThroughSquid() throws Exception {
    byte[] body = new byte[256 * 1024];
    new Random(42).nextBytes(body);

    HttpResponse<byte[]> answer = viaSquid.send(
        HttpRequest.newBuilder(originUri("/echo"))
            .header("Content-Type", "application/x-linkgate-frames")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> empty = viaSquid.send(
        HttpRequest.newBuilder(originUri("/echo"))
            .POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofByteArray());

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo(body);
    assertThat(answer.headers().firstValue("Via")).hasValueSatisfying(via ->
        assertThat(via).contains("linkgate-test-squid"));
    assertThat(empty.statusCode()).isEqualTo(200);
    assertThat(empty.body()).isEmpty();
  }

  @Test
  void connectIsDeniedEvenToTheAllowedPort() throws Exception {
    assertThat(rawStatusLine("CONNECT 127.0.0.1:" + originPort + " HTTP/1.1\r\nHost: 127.0.0.1:"
        + originPort + "\r\n\r\n")).contains(" 403 ");
    assertThatThrownBy(() -> viaSquid.send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + originPort + "/")).build(),
        HttpResponse.BodyHandlers.discarding()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("403");
  }

  @Test
  void otherPortsAndMethodsAreDeniedWhileOptionsPasses() throws Exception {
    HttpResponse<Void> otherPort = viaSquid.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + closedPort + "/")).build(),
        HttpResponse.BodyHandlers.discarding());
    HttpResponse<Void> put = viaSquid.send(
        HttpRequest.newBuilder(originUri("/echo"))
            .PUT(HttpRequest.BodyPublishers.ofString("x")).build(),
        HttpResponse.BodyHandlers.discarding());
    HttpResponse<Void> options = viaSquid.send(
        HttpRequest.newBuilder(originUri("/echo"))
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding());

    assertThat(otherPort.statusCode()).isEqualTo(403);
    assertThat(put.statusCode()).isEqualTo(403);
    assertThat(options.statusCode()).isEqualTo(200);
  }

  @Test
  void aClientLeavingMidStreamEndsTheOriginResponsePromptly() throws Exception {
    String id = Long.toString(System.nanoTime());
    CompletableFuture<Long> aborted = new CompletableFuture<>();
    abortsSeen.put(id, aborted);
    HttpResponse<InputStream> response = viaSquid.send(
        HttpRequest.newBuilder(originUri("/endless?id=" + id)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    BufferedReader lines = new BufferedReader(
        new InputStreamReader(response.body(), StandardCharsets.US_ASCII));
    assertThat(lines.readLine()).isNotNull();

    long leftAt = System.nanoTime();
    response.body().close();

    long noticedAt = aborted.get(5, TimeUnit.SECONDS);
    System.out.println("origin noticed the client leaving after (ms): "
        + TimeUnit.NANOSECONDS.toMillis(noticedAt - leftAt));
  }

  @Test
  void directConnectionsAreRejectedWhileSquidStillGetsThrough() throws Exception {
    try (DirectAccessBlock block = DirectAccessBlock.forPorts(squid, originPort)) {
      assertThat(block.blockedUid()).isNotEqualTo(squid.processUid());
      assertThat(iptablesOutputRules()).contains("--dport " + originPort);

      assertThatThrownBy(() -> new Socket().connect(
          new InetSocketAddress("127.0.0.1", originPort), 2000))
          .isInstanceOf(ConnectException.class);
      HttpResponse<byte[]> viaProxy = viaSquid.send(
          HttpRequest.newBuilder(originUri("/echo"))
              .POST(HttpRequest.BodyPublishers.ofString("through")).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(new String(viaProxy.body(), StandardCharsets.US_ASCII)).isEqualTo("through");
    }

    assertThat(iptablesOutputRules()).doesNotContain("linkgate-direct-block");
    try (Socket direct = new Socket()) {
      direct.connect(new InetSocketAddress("127.0.0.1", originPort), 2000);
      assertThat(direct.isConnected()).isTrue();
    }
  }

  // --- the origin ------------------------------------------------------------------------------

  /** Writes CHUNKS lines, each its own chunk, each carrying the nanoTime it was written at. */
  private static void streamChunks(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/plain");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache, no-store");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream body = exchange.getResponseBody()) {
      for (int i = 0; i < CHUNKS; i++) {
        if (i > 0) {
          pause(CHUNK_INTERVAL_MS);
        }
        body.write((i + " " + System.nanoTime() + "\n").getBytes(StandardCharsets.US_ASCII));
        body.flush();
      }
    }
  }

  private static void echo(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
    if ("OPTIONS".equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().set("Allow", "GET, POST, OPTIONS");
    }
    exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Writes a chunk every 100 ms until a write fails, and reports when that happened. */
  private static void streamUntilClientLeaves(HttpExchange exchange) throws IOException {
    String id = exchange.getRequestURI().getQuery().substring("id=".length());
    exchange.sendResponseHeaders(200, 0);
    OutputStream body = exchange.getResponseBody();
    try {
      for (int i = 0; i < 600; i++) {
        body.write(("tick " + i + "\n").getBytes(StandardCharsets.US_ASCII));
        body.flush();
        pause(100);
      }
    } catch (IOException clientGone) {
      abortsSeen.get(id).complete(System.nanoTime());
    } finally {
      exchange.close();
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis); // the origin's pacing, not a wait for an event
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  private static List<Long> readStream(HttpClient client) throws Exception {
    HttpResponse<InputStream> response = client.sendAsync(
        HttpRequest.newBuilder(originUri("/stream")).build(),
        HttpResponse.BodyHandlers.ofInputStream()).get(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    List<Long> delaysMs = new ArrayList<>();
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(response.body(), StandardCharsets.US_ASCII))) {
      for (String line; (line = lines.readLine()) != null; ) {
        long writtenAt = Long.parseLong(line.split(" ")[1]);
        delaysMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - writtenAt));
      }
    }
    return delaysMs;
  }

  private static URI originUri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + originPort + pathAndQuery);
  }

  private static String rawStatusLine(String request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(squid.address(), 2000);
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      return new BufferedReader(new InputStreamReader(
          socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }
  }

  private static String iptablesOutputRules() throws Exception {
    Process process = new ProcessBuilder("iptables", "-w", "10", "-S", "OUTPUT")
        .redirectErrorStream(true).start();
    String rules = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return rules;
  }
}
