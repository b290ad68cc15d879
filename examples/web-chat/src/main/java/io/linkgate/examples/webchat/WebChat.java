package io.linkgate.examples.webchat;

import io.linkgate.api.proto.Role;
import io.linkgate.server.LinkgateServer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Runs the web chat: a Linkgate node (the HTTP tunnel and the WebSocket transport) and the page
 * server, in one process.
 *
 * <pre>
 * java -jar examples/web-chat/target/web-chat.jar [--page-port 8000] [--downlink-port 8080]
 *     [--uplink-port 8081] [--ws-downlink-port 8090] [--ws-uplink-port 8091] [--bind 127.0.0.1]
 *     [--cors-origin http://chat.example:8000]...
 * </pre>
 *
 * <p>The node verifies tokens with {@code $LINKGATE_AUTH_SECRET} when it is set (so {@code
 * linkgate.jar listen --user bob} can join from a terminal with the same variable), else with a
 * random secret made at startup, which only this process's development token endpoint knows.
 */
public final class WebChat {
  private WebChat() {}

  public static void main(String[] args) throws Exception {
    Map<String, List<String>> opts = options(args);
    String bind = one(opts, "bind", "127.0.0.1");
    int pagePort = Integer.parseInt(one(opts, "page-port", "8000"));
    int downPort = Integer.parseInt(one(opts, "downlink-port", "8080"));
    int upPort = Integer.parseInt(one(opts, "uplink-port", "8081"));
    int wsDownPort = Integer.parseInt(one(opts, "ws-downlink-port", "8090"));
    int wsUpPort = Integer.parseInt(one(opts, "ws-uplink-port", "8091"));
    List<String> origins = new ArrayList<>(opts.getOrDefault("cors-origin", List.of()));
    origins.add("http://localhost:" + pagePort);
    origins.add("http://127.0.0.1:" + pagePort);
    String secret = secret();

    LinkgateServer node =
        ChatNode.start(
            bind,
            ChatNode.Ports.withWebSocket(downPort, upPort, wsDownPort, wsUpPort),
            secret,
            origins);
    PageServer.NodeAddress address =
        new PageServer.NodeAddress(
            ChatNode.port(node, ChatNode.TUNNEL, Role.DOWNLINK),
            ChatNode.port(node, ChatNode.TUNNEL, Role.UPLINK),
            ChatNode.port(node, ChatNode.WEBSOCKET, Role.DOWNLINK),
            ChatNode.port(node, ChatNode.WEBSOCKET, Role.UPLINK));
    PageServer page;
    try {
      page = new PageServer(bind, List.of(pagePort), () -> address, new DevTokens(secret)).start();
    } catch (Exception e) {
      node.close(); // the page's port is taken, say: do not leave a node running without it
      throw e;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    page.close();
                  } catch (Exception e) {
                    // exiting anyway
                  }
                  node.close();
                }));
    System.out.println();
    System.out.println(
        "web chat: open http://localhost:" + pagePort + "/ (two windows: two users)");
    System.out.println(
        "           tunnel downlink :"
            + address.downlinkPort()
            + ", uplink :"
            + address.uplinkPort()
            + "; websocket downlink :"
            + address.wsDownlinkPort()
            + ", uplink :"
            + address.wsUplinkPort()
            + " (?transport=websocket); origins allowed "
            + origins);
    System.out.println("           /dev/token mints a token for anyone: development only");
    node.awaitTermination();
  }

  private static String secret() {
    String env = System.getenv("LINKGATE_AUTH_SECRET");
    if (env != null && !env.isEmpty()) {
      return env;
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  /** {@code --name value} pairs; a name may repeat. */
  private static Map<String, List<String>> options(String[] args) {
    Map<String, List<String>> out = new java.util.HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 == args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got " + List.of(args));
      }
      out.computeIfAbsent(args[i].substring(2), k -> new ArrayList<>()).add(args[i + 1]);
    }
    return out;
  }

  private static String one(Map<String, List<String>> opts, String name, String fallback) {
    List<String> values = opts.get(name);
    return values == null ? fallback : values.get(values.size() - 1);
  }
}
