package io.linkgate.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.linkgate.api.proto.Push;
import io.linkgate.router.store.Inboxes.Appended;
import io.linkgate.router.store.Inboxes.Slice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What readAfter returns must be exactly what was appended, at the bound and past it. */
class InMemoryInboxesTest {
  private static final Duration IDLE = Duration.ofMinutes(10);

  private static Push.Builder push(int i) {
    Push.Builder b =
        Push.newBuilder()
            .setMsgId("m" + i)
            .setFrom("from-" + i)
            .setTo("alice")
            .setPayload(ByteString.copyFrom(new byte[] {(byte) i, 0, (byte) -i}))
            .setServerTimeMs(1_700_000_000_000L + i);
    if (i % 3 == 0) {
      b.putHeaders("k" + i, "v" + i).putHeaders("kind", "chat");
    }
    return b;
  }

  private static Slice read(InMemoryInboxes inboxes, long after) {
    return inboxes.readAfter("alice", after).toCompletableFuture().join();
  }

  /** Appends pushes 1..n, alternating single appends and batches, and returns them as built. */
  private static List<Push> appendSome(InMemoryInboxes inboxes, int n) {
    List<Push> built = new ArrayList<>();
    int i = 1;
    while (i <= n) {
      if (i % 4 == 0 && i + 2 <= n) {
        List<Push.Builder> batch = List.of(push(i), push(i + 1), push(i + 2));
        for (Appended a : inboxes.appendAll("alice", batch).toCompletableFuture().join()) {
          built.add(a.push());
        }
        i += 3;
      } else {
        built.add(inboxes.append("alice", push(i)).toCompletableFuture().join().push());
        i++;
      }
    }
    return built;
  }

  @Test
  void readAfterReturnsTheAppendedPushesFieldByFieldAcrossWrapAround() {
    InMemoryInboxes inboxes = new InMemoryInboxes(5, 100, IDLE);
    List<Push> built = appendSome(inboxes, 13);
    for (int i = 0; i < built.size(); i++) {
      assertThat(built.get(i).getSeq()).isEqualTo(i + 1);
      assertThat(built.get(i).getMsgId()).isEqualTo("m" + (i + 1));
    }

    Slice all = read(inboxes, 0);
    assertThat(all.pushes()).containsExactlyElementsOf(built.subList(8, 13));
    assertThat(all.complete()).isFalse();
    assertThat(all.lastSeq()).isEqualTo(13);

    Slice fromOldest = read(inboxes, 8);
    assertThat(fromOldest.pushes()).containsExactlyElementsOf(built.subList(8, 13));
    assertThat(fromOldest.complete()).isTrue();

    Slice tail = read(inboxes, 10);
    assertThat(tail.pushes()).containsExactlyElementsOf(built.subList(10, 13));
    assertThat(tail.pushes().get(1).getHeadersMap()).containsEntry("k12", "v12");
    assertThat(tail.complete()).isTrue();

    Slice upToDate = read(inboxes, 13);
    assertThat(upToDate.pushes()).isEmpty();
    assertThat(upToDate.complete()).isTrue();

    Slice beyond = read(inboxes, 14);
    assertThat(beyond.pushes()).isEmpty();
    assertThat(beyond.complete()).isFalse();
    assertThat(beyond.epoch()).isEqualTo(all.epoch());
  }

  @Test
  void inboxBelowItsBoundKeepsEveryPushWhileItGrows() {
    InMemoryInboxes inboxes = new InMemoryInboxes(100, 100, IDLE);
    assertThat(read(inboxes, 0).pushes()).isEmpty();
    assertThat(read(inboxes, 0).complete()).isTrue();

    List<Push> built = appendSome(inboxes, 37);
    Slice all = read(inboxes, 0);
    assertThat(all.pushes()).containsExactlyElementsOf(built);
    assertThat(all.complete()).isTrue();
    assertThat(read(inboxes, 30).pushes()).containsExactlyElementsOf(built.subList(30, 37));
  }

  @Test
  void evictedUserStartsANewEpochFromSeqOne() {
    InMemoryInboxes inboxes = new InMemoryInboxes(5, 100, IDLE);
    appendSome(inboxes, 7);
    String before = read(inboxes, 0).epoch();

    inboxes.evict("alice");
    Appended first = inboxes.append("alice", push(1)).toCompletableFuture().join();

    assertThat(first.push().getSeq()).isEqualTo(1);
    assertThat(first.epoch()).isNotEqualTo(before);
    assertThat(read(inboxes, 0).pushes()).containsExactly(first.push());
  }
}
