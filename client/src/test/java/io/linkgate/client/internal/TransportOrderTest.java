package io.linkgate.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import io.linkgate.client.Endpoints;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TransportOrderTest {
  private static final Endpoint A_TUNNEL = e("http-tunnel", "a", 8080);
  private static final Endpoint A_TCP = e("tcp", "a", 7100);
  private static final Endpoint A_GRPC = e("grpc", "a", 7300);
  private static final Endpoint A_TCP_2 = e("tcp", "a", 443);
  private static final Endpoint B_GRPC = e("grpc", "b", 7300);
  private static final Endpoint B_TCP = e("tcp", "b", 7100);
  private static final Endpoint B_WS = e("websocket", "b", 9000);

  private final AtomicLong now = new AtomicLong();
  private final TransportOrder order = new TransportOrder(
      List.of("tcp", "grpc", "http-tunnel"), Duration.ofMinutes(5), now::get);

  private static Endpoint e(String transport, String host, int port) {
    return Endpoints.of(transport, Role.DOWNLINK, host, port);
  }

  @Test
  void eachHostKeepsItsPlaceAndItsEndpointsGoOnePerTransportInThePreferredOrderThenTheNext() {
    assertThat(order.sort(List.of(A_TUNNEL, A_TCP, B_WS, B_GRPC, A_GRPC, A_TCP_2, B_TCP), "wifi"))
        .containsExactly(A_TCP, A_GRPC, A_TUNNEL, A_TCP_2, B_TCP, B_GRPC, B_WS);
  }

  @Test
  void aTransportThatWorkedGoesFirstOnThatNetworkUntilThePreferredOneIsDueAgain() {
    order.worked("office", "http-tunnel");

    assertThat(order.sort(List.of(A_TCP, A_GRPC, A_TUNNEL), "office"))
        .containsExactly(A_TUNNEL, A_TCP, A_GRPC);
    assertThat(order.sort(List.of(A_TCP, A_GRPC, A_TUNNEL), "home")) // another network: as preferred
        .containsExactly(A_TCP, A_GRPC, A_TUNNEL);

    now.addAndGet(TimeUnit.MINUTES.toNanos(5));
    assertThat(order.sort(List.of(A_TCP, A_GRPC, A_TUNNEL), "office"))
        .containsExactly(A_TCP, A_GRPC, A_TUNNEL);
  }
}
