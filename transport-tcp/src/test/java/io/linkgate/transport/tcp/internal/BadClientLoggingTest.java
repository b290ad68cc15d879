package io.linkgate.transport.tcp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.Role;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Misbehaving clients are the peer's problem: nothing above DEBUG with a trace, nothing at ERROR.
 */
class BadClientLoggingTest {
  private final TestCore core = new TestCore();
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private TcpServerTransport plain;
  private TcpServerTransport tls;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    events.start();
    root.addAppender(events);
    plain = Servers.downlink(core, Servers.limits());
    tls =
        Servers.started(
            new TcpUplinkTransport(
                Servers.settings(Role.UPLINK, Servers.limits())
                    .withTls(TestCertificates.write(dir)),
                core));
  }

  @AfterEach
  void stop() throws Exception {
    plain.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    tls.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    root.detachAppender(events);
  }

  /** Connects, writes, and resets the connection (linger 0) without reading. */
  private static void sendAndReset(int port, byte[] bytes) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoLinger(true, 0);
      s.getOutputStream().write(bytes);
      s.getOutputStream().flush();
    }
  }

  @Test
  void garbageOversizeResetsAndPlainTextOnTlsLogNoTrace() throws Exception {
    int plainPort = Servers.port(plain);
    int tlsPort = Servers.port(tls);
    byte[] hello = FrameCodec.encode(RawClient.helloFrame(Role.DOWNLINK, 0));
    sendAndReset(plainPort, new byte[] {5, 1, 2, 3, 4, 5});
    sendAndReset(
        plainPort,
        new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
    sendAndReset(plainPort, new byte[] {(byte) 0xff, (byte) 0xff, 0x7f, 1, 2, 3});
    sendAndReset(plainPort, java.util.Arrays.copyOf(hello, hello.length - 1)); // cut mid-frame
    sendAndReset(plainPort, hello);
    sendAndReset(tlsPort, hello);
    sendAndReset(tlsPort, new byte[] {22, 3, 1, 0, 5, 1, 2, 3, 4, 5}); // a broken TLS record
    try (RawClient client = RawClient.connect(tlsPort)) {
      client.sendRaw("GET / HTTP/1.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      client.readToEnd();
    }
    await().until(() -> plain.connectionCount() == 0 && tls.connectionCount() == 0);

    assertThat(events.list)
        .filteredOn(
            e -> e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getThrowableProxy() != null)
        .isEmpty();
  }
}
