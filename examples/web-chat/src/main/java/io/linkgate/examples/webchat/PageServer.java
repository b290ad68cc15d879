package io.linkgate.examples.webchat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * Serves the chat page: the static files under {@code web/} on the class path, {@code /config.json}
 * (where the page finds the node's tunnel and WebSocket listeners), and the development token
 * endpoint ({@link DevTokens}). It is a plain Jetty 12 core server, not the node's: the page and the tunnel are on different
 * origins, as they usually are, which is what the tunnel's {@code cors-origins} option is for.
 */
final class PageServer implements AutoCloseable {
  private final Server server;
  private final List<ServerConnector> connectors = new ArrayList<>();

  /**
   * @param bindHost the address to listen on
   * @param ports one listener per port (0 picks a free one); every one serves the same page, so a
   *     test can load it from a second origin
   * @param node where the page's library connects, asked on each request for {@code /config.json}
   *     (so that the page server may start before the node it points to)
   * @param tokens the development token endpoint's minter
   */
  PageServer(
      String bindHost, List<Integer> ports, Supplier<NodeAddress> node, DevTokens tokens) {
    server = new Server();
    for (int port : ports) {
      ServerConnector c = new ServerConnector(server);
      c.setHost(bindHost);
      c.setPort(port);
      server.addConnector(c);
      connectors.add(c);
    }
    ResourceHandler files = new ResourceHandler();
    files.setBaseResource(ResourceFactory.of(server).newClassLoaderResource("web/"));
    files.setDirAllowed(false);
    files.setWelcomeFiles("index.html");
    files.setCacheControl("no-cache"); // a rebuilt linkgate.js is picked up on reload
    server.setHandler(
        new Handler.Wrapper(files) {
          @Override
          public boolean handle(Request request, Response response, Callback callback)
              throws Exception {
            String path = request.getHttpURI().getPath();
            if (DevTokens.PATH.equals(path)) {
              tokens.handle(request, response, callback);
              return true;
            }
            if ("/config.json".equals(path)) {
              response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
              text(response, callback, 200, node.get().json(Request.getServerName(request)));
              return true;
            }
            return super.handle(request, response, callback);
          }
        });
  }

  PageServer start() throws Exception {
    server.start();
    return this;
  }

  /** The port of the {@code i}th listener, as bound. */
  int port(int i) {
    return connectors.get(i).getLocalPort();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }

  static void text(Response response, Callback callback, int status, String body) {
    response.setStatus(status);
    if (!response.getHeaders().contains(HttpHeader.CONTENT_TYPE)) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    }
    response.write(true, BufferUtil.toBuffer(body.getBytes(StandardCharsets.UTF_8)), callback);
  }

  /**
   * Where the page finds the node: its ports, on the host the page itself was loaded from (so the
   * same server works for {@code localhost}, {@code 127.0.0.1} or a LAN address).
   *
   * @param downlinkPort the tunnel's downlink listener (or a proxy in front of it)
   * @param uplinkPort the tunnel's uplink listener
   * @param wsDownlinkPort the WebSocket downlink listener, 0 for none
   * @param wsUplinkPort the WebSocket uplink listener, 0 for none
   */
  record NodeAddress(int downlinkPort, int uplinkPort, int wsDownlinkPort, int wsUplinkPort) {
    /** The tunnel only. */
    NodeAddress(int downlinkPort, int uplinkPort) {
      this(downlinkPort, uplinkPort, 0, 0);
    }

    String json(String host) {
      String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
      StringBuilder json =
          new StringBuilder()
              .append("{\"downlinkUrl\": \"http://" + h + ":" + downlinkPort + "\"")
              .append(", \"uplinkUrl\": \"http://" + h + ":" + uplinkPort + "\"");
      if (wsDownlinkPort != 0) {
        json.append(", \"wsDownlinkUrl\": \"ws://" + h + ":" + wsDownlinkPort + "\"")
            .append(", \"wsUplinkUrl\": \"ws://" + h + ":" + wsUplinkPort + "\"");
      }
      return json.append("}\n").toString();
    }
  }
}
