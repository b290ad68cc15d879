package io.linkgate.bench.fanout;

import io.linkgate.server.WarmHeap;
import com.google.protobuf.UnsafeByteOperations;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import io.linkgate.bench.internal.BenchLogging;
import io.linkgate.bench.internal.NodeMain;
import io.linkgate.bench.internal.Payloads;
import io.linkgate.bench.internal.ServerMain;
import io.linkgate.router.Message;
import io.linkgate.router.Router;
import io.linkgate.server.LinkgateConfig;
import io.linkgate.server.LinkgateServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The Linkgate side of the fan-out benchmark: a node composed by the assembly from YAML ({@link
 * NodeMain#yaml}: the TCP downlink transport, in-memory store), and a pushing thread in the same
 * process calling {@link Router#publishToRoom}, as a business service embedding the router
 * would. Prints {@code @@ READY port=.. pid=..}, then takes one command a line on stdin: {@code
 * COUNT} (room memberships on the node), {@code PUBLISH <messages> <bytes>}, {@code NANO}, {@code
 * QUIT}.
 *
 * <p>Arguments ({@code key=value}): those of {@link NodeMain#yaml}, and {@code room}.
 */
public final class FanoutNodeMain {
  static final String FROM = "bench-publisher";

  private FanoutNodeMain() {}

  public static void main(String[] argv) throws Exception {
    BenchLogging.quiet();
    WarmHeap.startIfZgc(); // the JVM setup a node has, for Linkgate and raw servers alike
    Map<String, String> args = ServerMain.parseArgs(argv, new HashMap<>());
    String room = args.getOrDefault("room", "live");
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (LinkgateServer server = LinkgateServer.start(LinkgateConfig.parse(NodeMain.yaml(args)))) {
      int port =
          server.endpoints().stream()
              .filter(e -> e.getRole() == Role.DOWNLINK && e.getTransport().equals("tcp"))
              .mapToInt(Endpoint::getPort)
              .findFirst()
              .orElseThrow();
      out.println("@@ READY port=" + port + " pid=" + ProcessHandle.current().pid());
      Router router = server.router();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.trim().equals("QUIT")) {
        String[] c = line.trim().split("\\s+");
        try {
          out.println(
              switch (c[0]) {
                case "COUNT" -> "@@ count=" + router.localRoomMemberCount();
                case "NANO" -> "@@ nanos=" + System.nanoTime();
                case "PUBLISH" -> "@@ " + publish(router, room, Integer.parseInt(c[1]), Integer.parseInt(c[2]));
                default -> "@@ error=unknown_command";
              });
        } catch (RuntimeException e) {
          System.err.println("command failed: " + line + ": " + e);
          out.println("@@ error=" + e.getClass().getSimpleName());
        }
      }
      out.println("@@ bye=1");
    }
    System.exit(0); // the transports' non-daemon threads must not keep it alive
  }

  /** Publishes back to back, each payload stamped with its send time; the reply's pairs. */
  private static String publish(Router router, String room, int messages, int bytes) {
    String to = "room:" + room;
    long start = System.nanoTime();
    for (int i = 0; i < messages; i++) {
      byte[] payload = Payloads.stamped(System.nanoTime(), bytes);
      // In memory the call delivers before it returns; the stage only reports the member count.
      router.publishToRoom(room, new Message(FROM, to, UnsafeByteOperations.unsafeWrap(payload), Map.of()));
    }
    return "start=" + start + " end=" + System.nanoTime() + " sent=" + messages;
  }
}
