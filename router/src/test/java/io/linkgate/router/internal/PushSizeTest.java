package io.linkgate.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.linkgate.api.proto.Push;
import org.junit.jupiter.api.Test;

class PushSizeTest {

  @Test
  void computedSizeIsTheEncodedSizeForEveryKindOfField() {
    Push.Builder[] pushes = {
      Push.newBuilder(),
      Push.newBuilder().setMsgId("n1-m-1").setFrom("alice").setTo("user:bob").setServerTimeMs(1_796_000_000_000L),
      Push.newBuilder().setMsgId("m").setPayload(ByteString.copyFrom(new byte[70_000])),
      Push.newBuilder().setTo("room:ünïcødé ✓").putHeaders("traceparent", "00-abc-01").putHeaders("", "empty key")
          .putHeaders("empty value", "").setServerTimeMs(-5),
    };
    for (Push.Builder p : pushes) {
      assertThat(PushSize.withoutSeq(p, p.getHeadersMap())).as(p.toString()).isEqualTo(p.build().getSerializedSize());
    }
  }
}
