package io.linkgate.router.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PendingPushTest {
  private static final long[] SEQS = {0, 1, 127, 128, 300, 1L << 35, Long.MAX_VALUE, -1};

  @Test
  void framesAreByteForByteWhatProtobufEncodesForEveryFieldCombinationAndSeq() {
    int checked = 0;
    for (PendingPush pending : combinations()) {
      // In changing orders: a frame made after another copies that one's fields.
      for (long seq : SEQS) {
        assertSameAsProtobuf(pending, seq);
        checked++;
      }
      assertSameAsProtobuf(pending, 2);
    }
    assertThat(checked).isGreaterThanOrEqualTo(1000);
  }

  @Test
  void sizeWithoutSeqIsTheEncodedSizeOfThePushWithoutItsSeq() {
    for (PendingPush pending : combinations()) {
      assertThat(pending.sizeWithoutSeq()).isEqualTo(pending.toPush(0).getSerializedSize());
    }
  }

  @Test
  void aBuilderBecomesThePushItWouldBuildWithTheGivenSeq() {
    Push.Builder builder =
        Push.newBuilder()
            .setSeq(99)
            .setMsgId("n1-m-7")
            .setFrom("alice")
            .setTo("user:bob")
            .setPayload(ByteString.copyFromUtf8("hi"))
            .setServerTimeMs(1_796_000_000_000L)
            .putHeaders("b", "2")
            .putHeaders("a", "1");
    PendingPush pending = PendingPush.of(builder);
    builder.putHeaders("c", "later"); // the pending push does not see later changes

    assertThat(pending.frame(5))
        .isEqualTo(FrameCodec.encode(frameOf(builder.removeHeaders("c").setSeq(5).build())));
  }

  @Test
  void aPushKeptEncodedWithoutItsSeqBecomesItsFrameWithAnySeq() {
    for (PendingPush pending : combinations()) {
      byte[] seqless = pending.toPush(0).toByteArray();
      for (long seq : SEQS) {
        assertThat(PendingPush.frameOf(seqless, 0, seqless.length, seq))
            .isEqualTo(FrameCodec.encode(frameOf(pending.toPush(seq))));
      }
    }
  }

  @Test
  void aPushKeptEncodedIsReadFromTheMiddleOfALargerArray() {
    Push stored = PendingPush.of("m", "alice", "user:bob", random(64), 1, Map.of("k", "v")).toPush(0);
    byte[] seqless = stored.toByteArray();
    byte[] notice = new byte[seqless.length + 20];
    System.arraycopy(seqless, 0, notice, 7, seqless.length);

    byte[] frame = PendingPush.frameOf(notice, 7, seqless.length, 9);

    int header = FrameCodec.headerLength(frame);
    Push parsed = FrameCodec.parseBody(frame, header, frame.length - header).getPush();
    assertThat(parsed).isEqualTo(stored.toBuilder().setSeq(9).build());
  }

  @Test
  void framesMadeOnManyThreadsAreAllCorrect() throws Exception {
    PendingPush pending =
        PendingPush.of("m", "alice", "user:bob", ByteString.copyFrom(new byte[5000]), 42, Map.of("k", "v"));
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      int base = t * 1000;
      threads.add(
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 1000; i++) {
                    assertSameAsProtobuf(pending, base + i);
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    assertThat(failures).isEmpty();
  }

  private static void assertSameAsProtobuf(PendingPush pending, long seq) {
    Push push = pending.toPush(seq);
    assertThat(pending.frame(seq)).as("seq %d of %s", seq, push).isEqualTo(FrameCodec.encode(frameOf(push)));
  }

  private static Frame frameOf(Push push) {
    return Frame.newBuilder().setPush(push).build();
  }

  private static List<PendingPush> combinations() {
    String[] strings = {"", "n1-m-1", "ünïcødé ✓ 😀", "x".repeat(200), "broken \uD800 surrogate"};
    ByteString[] payloads = {
      ByteString.EMPTY, ByteString.copyFromUtf8("hello"), random(127), random(128), random(70_000)
    };
    long[] times = {0, 1, 1_796_000_000_000L, -5, Long.MIN_VALUE};
    List<Map<String, String>> headers = new ArrayList<>();
    headers.add(Map.of());
    headers.add(Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
    Map<String, String> odd = new LinkedHashMap<>();
    odd.put("", "empty key");
    odd.put("empty value", "");
    odd.put("ключ", "значение ✓");
    odd.put("long", "v".repeat(300));
    headers.add(odd);
    headers.add(Map.copyOf(odd));

    List<PendingPush> out = new ArrayList<>();
    int i = 0;
    for (String msgId : strings) {
      for (String from : strings) {
        for (ByteString payload : payloads) {
          // The rest varied along with i, so every value of each comes up.
          String to = strings[i % strings.length];
          long time = times[(i / 3) % times.length];
          Map<String, String> h = headers.get((i / 7) % headers.size());
          out.add(PendingPush.of(msgId, from, to, payload, time, h));
          i++;
        }
      }
    }
    return out;
  }

  private static ByteString random(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return ByteString.copyFrom(b);
  }
}
