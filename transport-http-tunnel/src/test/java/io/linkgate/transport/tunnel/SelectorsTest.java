package io.linkgate.transport.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linkgate.api.proto.Role;
import io.linkgate.transport.tunnel.internal.server.ServerProbe;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tunnel's handlers never block, so Jetty mostly runs a request on the selector thread that read
 * it: the selectors are the threads that do the requests' work, one per core by default (Jetty's
 * own default, half the cores, left one of two cores idle under uplink load).
 */
class SelectorsTest {
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
  void theSelectorsOptionSetsEachPortsSelectorCountAndTheyServe() throws Exception {
    try (TestNode node = TestNode.builder().option("selectors", "3").start()) {
      assertThat(ServerProbe.selectorCounts(node.uplinkTransport())).containsExactly(3);
      assertThat(ServerProbe.selectorCounts(node.downlinkTransport())).containsExactly(3);
      // Which threads run the requests is not pinned: Jetty's adaptive strategy may hand a
      // selector's production to a reserved thread and run the request on the one that read it.
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
