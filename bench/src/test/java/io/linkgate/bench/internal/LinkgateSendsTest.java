package io.linkgate.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Send;
import org.junit.jupiter.api.Test;

class LinkgateSendsTest {
  @Test
  void theFlagNamesEachModeAndAnythingElseIsRefused() {
    for (LinkgateSends s : LinkgateSends.values()) {
      assertThat(LinkgateSends.of(s.flag())).isSameAs(s);
    }
    assertThat(LinkgateSends.of("ack-only")).isSameAs(LinkgateSends.ACK_ONLY);
    assertThatThrownBy(() -> LinkgateSends.of("ACK_ONLY")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onlyTheAckOnlyModeIsCalledOutInTheReport() {
    assertThat(LinkgateSends.STORE.setupNote()).isEmpty();
    assertThat(LinkgateSends.STORE.subject()).isEqualTo("Linkgate");
    assertThat(LinkgateSends.ACK_ONLY.setupNote()).contains("ack-only business handler");
    assertThat(LinkgateSends.ACK_ONLY.subject()).contains("ack-only");
  }

  @Test
  void theAckOnlyHandlerAcksAtOnceWithAFreshMsgIdEachTime() {
    AckOnlyHandler handler = new AckOnlyHandler("bench");
    Send send = Send.newBuilder().setClientMsgId("c1").setTo("user:u2").build();

    Frame first = handler.onSend(null, send).toCompletableFuture().getNow(null);
    Frame second = handler.onSend(null, send).toCompletableFuture().getNow(null);

    assertThat(first.getSendAck().getClientMsgId()).isEqualTo("c1");
    assertThat(first.getSendAck().getMsgId()).startsWith("bench-a").endsWith("-1");
    assertThat(second.getSendAck().getMsgId()).endsWith("-2");
    assertThat(first.getSendAck().getServerTimeMs()).isPositive();
  }
}
