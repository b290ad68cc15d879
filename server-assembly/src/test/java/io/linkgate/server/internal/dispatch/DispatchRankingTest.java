package io.linkgate.server.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.proto.ConnectResult;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.NodeStatus;
import io.linkgate.api.proto.Role;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DispatchRankingTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final OutcomeBoard board = new OutcomeBoard(now::get);

  static Endpoint ep(String transport, Role role, String host, int port) {
    return Endpoint.newBuilder().setTransport(transport).setRole(role).setHost(host).setPort(port).build();
  }

  static NodeStatus node(String id, int load, boolean draining) {
    return NodeStatus.newBuilder()
        .setNodeId(id)
        .setLoadLevel(load)
        .setDraining(draining)
        .addEndpoints(ep("tcp", Role.DOWNLINK, id, 7100))
        .addEndpoints(ep("grpc", Role.DOWNLINK, id, 7300))
        .addEndpoints(ep("tcp", Role.UPLINK, id, 7200))
        .build();
  }

  private static List<String> hosts(List<Endpoint> ranked) {
    return ranked.stream().map(e -> e.getHost() + ":" + e.getTransport()).toList();
  }

  @Test
  void lowestLoadFirstAndANodesTransportsInTheOrderItAdvertises() {
    List<Endpoint> down = DispatchRanking.rank(List.of(node("busy", 3, false), node("idle", 0, false)), board, "bob", Role.DOWNLINK, null);
    assertThat(hosts(down)).containsExactly("idle:tcp", "idle:grpc", "busy:tcp", "busy:grpc");
    assertThat(down.get(0).getLoadLevel()).isZero();
    assertThat(down.get(2).getLoadLevel()).isEqualTo(3);
    assertThat(hosts(DispatchRanking.rank(List.of(node("busy", 3, false), node("idle", 0, false)), board, "bob", Role.UPLINK, null)))
        .containsExactly("idle:tcp", "busy:tcp");
  }

  @Test
  void drainingAndExcludedNodesAreNeverListed() {
    List<NodeStatus> nodes = List.of(node("a", 0, true), node("b", 2, false), node("c", 1, false));
    assertThat(hosts(DispatchRanking.rank(nodes, board, "bob", Role.UPLINK, null))).containsExactly("c:tcp", "b:tcp");
    assertThat(hosts(DispatchRanking.rank(nodes, board, "bob", Role.UPLINK, "c"))).containsExactly("b:tcp");
  }

  @Test
  void amongEqualNodesOneUserAlwaysGetsTheSameOrderAndUsersSpreadOverThem() {
    List<NodeStatus> nodes = List.of(node("n1", 1, false), node("n2", 1, false), node("n3", 1, false));
    String first = DispatchRanking.rank(nodes, board, "user-7", Role.DOWNLINK, null).get(0).getHost();
    for (int i = 0; i < 5; i++) {
      assertThat(DispatchRanking.rank(List.of(nodes.get(2), nodes.get(0), nodes.get(1)), board, "user-7", Role.DOWNLINK, null).get(0).getHost())
          .as("stable whatever order the directory lists them in").isEqualTo(first);
    }
    long[] firsts = new long[3];
    IntStream.range(0, 3000).forEach(u -> {
      String host = DispatchRanking.rank(nodes, board, "user-" + u, Role.DOWNLINK, null).get(0).getHost();
      firsts[Integer.parseInt(host.substring(1)) - 1]++;
    });
    assertThat(java.util.Arrays.stream(firsts).boxed().toList()).as("each node first for about a third of 3,000 users")
        .allMatch(n -> n > 800 && n < 1200);
  }

  @Test
  void anEndpointClientsReportFailingSinksBelowWorkingOnes() {
    List<NodeStatus> nodes = List.of(node("a", 0, false), node("b", 1, false));
    Endpoint aTcp = ep("tcp", Role.DOWNLINK, "a", 7100);
    for (int i = 0; i < 5; i++) {
      board.record(aTcp, ConnectResult.TIMED_OUT);
    }
    assertThat(hosts(DispatchRanking.rank(nodes, board, "bob", Role.DOWNLINK, null)))
        .containsExactly("a:grpc", "b:tcp", "b:grpc", "a:tcp");
  }
}
