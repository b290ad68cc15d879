package io.linkgate.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import io.linkgate.client.Endpoints;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CandidatesTest {
  private static final Endpoint A_TCP = Endpoints.of("tcp", Role.DOWNLINK, "a", 7100);
  private static final Endpoint A_GRPC = Endpoints.of("grpc", Role.DOWNLINK, "a", 7300);
  private static final Endpoint B_TCP = Endpoints.of("tcp", Role.DOWNLINK, "b", 7100);
  private static final Endpoint C_TCP = Endpoints.of("tcp", Role.DOWNLINK, "c", 7100);

  private final AtomicReference<String> network = new AtomicReference<>("wifi");
  private final Candidates candidates = new Candidates(
      List.of(A_GRPC, A_TCP),
      new TransportOrder(List.of("tcp", "grpc"), Duration.ofMinutes(5), System::nanoTime),
      network::get);

  @Test
  void configuredEndpointsGoInTransportOrderAndDispatchListsAsRanked() {
    assertThat(candidates.next(List.of())).containsExactly(A_TCP, A_GRPC);
    assertThat(candidates.next(List.of(B_TCP, A_GRPC))).containsExactly(B_TCP, A_GRPC);
  }

  @Test
  void theWinnerOnThisNetworkGoesFirstAndItsTransportLeadsTheConfiguredOnes() {
    candidates.succeeded(A_GRPC);

    assertThat(candidates.next(List.of(B_TCP))).containsExactly(A_GRPC, B_TCP);
    assertThat(candidates.next(List.of())).containsExactly(A_GRPC, A_TCP);

    network.set("cell"); // nothing won here yet
    assertThat(candidates.next(List.of())).containsExactly(A_TCP, A_GRPC);
  }

  @Test
  void aRedirectGoesFirstOnceAndReplacesTheWinner() {
    candidates.succeeded(A_TCP);
    candidates.redirect(List.of(C_TCP));

    assertThat(candidates.next(List.of(B_TCP))).containsExactly(C_TCP, B_TCP);
    assertThat(candidates.next(List.of(B_TCP))).containsExactly(B_TCP);
  }
}
