package io.linkgate.bench.dispatch;

import io.linkgate.server.WarmHeap;
import io.linkgate.bench.internal.BenchLogging;
import io.linkgate.bench.internal.ServerMain;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The baseline of the dispatch benchmark, a process of its own: a Jetty 12 core handler answering
 * {@code GET /v1/dispatch} with fixed bytes (a real node's protobuf answer, given by the driver),
 * with no authentication, no ranking, no encoding. The Jetty server is set up as the node's
 * dispatch listener is ({@code HttpListener}: a {@link QueuedThreadPool} of at most 16 threads, one
 * acceptor, one selector, 15 s idle timeout), so the difference is the handler's work.
 *
 * <p>Arguments ({@code key=value}): {@code body} (base64). Prints {@code @@ READY port=.. pid=..}
 * and runs until {@code QUIT} or the end of stdin.
 */
public final class RawDispatchServer {
  private RawDispatchServer() {}

  public static void main(String[] argv) throws Exception {
    BenchLogging.quiet();
    WarmHeap.startIfZgc(); // the JVM setup a node has, for Linkgate and raw servers alike
    Map<String, String> args = ServerMain.parseArgs(argv, new HashMap<>());
    byte[] body = Base64.getDecoder().decode(args.get("body"));
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("raw-dispatch");
    threads.setDaemon(true);
    Server server = new Server(threads);
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    connector.setIdleTimeout(15_000);
    server.addConnector(connector);
    server.setHandler(new Fixed(body));
    server.start();
    System.out.println("@@ READY port=" + connector.getLocalPort() + " pid=" + ProcessHandle.current().pid());
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null && !line.trim().equals("QUIT")) {
      System.out.println("@@ error=unknown");
      System.out.flush();
    }
    server.stop();
    System.exit(0);
  }

  /** The same headers as the node's answer: status, content type, no-store. */
  private static final class Fixed extends Handler.Abstract {
    private final byte[] body;

    Fixed(byte[] body) {
      this.body = body;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      if (!Request.getPathInContext(request).equals("/v1/dispatch")) {
        return false; // Jetty answers 404
      }
      response.setStatus(200);
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/x-protobuf");
      response.write(true, ByteBuffer.wrap(body), callback);
      return true;
    }
  }
}
