package io.linkgate.transport.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.UplinkSession;
import io.linkgate.transport.tunnel.internal.server.ServerProbe;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The tunnel's handlers never block, so Jetty runs a request on the selector thread that read it:
 * the selectors are the threads that do the requests' work, one per core by default (Jetty's own
 * default, half the cores, left one of two cores idle under uplink load).
 */
class SelectorsTest {
  private final Set<String> uplinkThreads = ConcurrentHashMap.newKeySet();

  private SessionHandler recording(SessionHandler router) {
    return new ForwardingSessionHandler(router) {
      @Override
      public CompletionStage<UplinkSession> openUplink(Hello hello, ConnectionInfo info) {
        uplinkThreads.add(Thread.currentThread().getName());
        return core.openUplink(hello, info);
      }
    };
  }

  @Test
  void eachPortRunsOneSelectorPerCoreByDefault() throws Exception {
    // At most a quarter of the default 64 threads, on a machine of more than 16 cores.
    int expected = Math.min(Runtime.getRuntime().availableProcessors(), 64 / 4);
    try (TestNode node = TestNode.start()) {
      assertThat(ServerProbe.selectorCounts(node.uplinkTransport())).containsExactly(expected);
      assertThat(ServerProbe.selectorCounts(node.downlinkTransport())).containsExactly(expected);
    }
  }

  @Test
  void uplinkPostsOfSeveralConnectionsAreWorkedOnByAsManyThreadsAsSelectors() throws Exception {
    try (TestNode node =
        TestNode.builder().option("selectors", "3").core(this::recording).start()) {
      assertThat(ServerProbe.selectorCounts(node.uplinkTransport())).containsExactly(3);
      List<Socket> sockets = new ArrayList<>();
      try {
        for (int i = 0; i < 6; i++) {
          sockets.add(new Socket("127.0.0.1", node.port(Role.UPLINK)));
        }
        for (Socket s : sockets) {
          assertThat(node.pingOverUplink(s)).isEqualTo(200);
        }
      } finally {
        for (Socket s : sockets) {
          s.close();
        }
      }
      // Connections are spread over the selectors in turn, and each runs its requests itself.
      assertThat(uplinkThreads).hasSize(3);
    }
  }

  @Test
  void selectorsThatLeaveNoThreadForRequestsAreRefusedByName() {
    assertThatThrownBy(
            () -> TestNode.builder().option("threads", "8").option("selectors", "7").start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'selectors' (7)")
        .hasMessageContaining("'threads' (8)");
  }
}
