package io.linkgate.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Free loopback ports for nodes a test starts in another process, and whether one listens yet. */
final class LoopbackPorts {
  private LoopbackPorts() {}

  /**
   * Ports handed out already. The kernel may give a port it just gave back to the next bind of
   * port 0, and a node's config gets several at once: one CI run had the gRPC downlink and a
   * plugin's downlink both told 44665, and the node failed to start.
   */
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  /**
   * A port free now and not handed out before by this JVM (another process may take it before
   * the node binds it: rare on loopback).
   */
  static int free() throws IOException {
    while (true) {
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress("127.0.0.1", 0));
        if (HANDED_OUT.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      }
    }
  }

  static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
