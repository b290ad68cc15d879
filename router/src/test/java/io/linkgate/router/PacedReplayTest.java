package io.linkgate.router;

import static io.linkgate.router.Fixtures.join;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** A large backlog goes out in chunks, each after the connection said it has drained. */
class PacedReplayTest {

  /** A channel that defers whenWritable tasks until the test says the connection drained. */
  private static final class DrainingChannel extends RecordingChannel {
    final ArrayDeque<Runnable> waiting = new ArrayDeque<>();

    @Override
    public synchronized void whenWritable(Runnable task) {
      waiting.add(task);
    }

    void drained() {
      Runnable task;
      while ((task = poll()) != null) {
        task.run();
      }
    }

    private synchronized Runnable poll() {
      return waiting.poll();
    }
  }

  private static Message kib(int i) {
    byte[] payload = new byte[1024];
    payload[0] = (byte) i;
    return new Message("system", "", ByteString.copyFrom(payload), Map.of());
  }

  @Test
  void aBacklogIsReplayedInChunksAsTheConnectionDrainsThenLivePushesFollow() {
    try (Router router = Fixtures.router().build()) {
      for (int i = 0; i < 100; i++) {
        join(router.push("bob", kib(i)));
      }
      DrainingChannel ch = new DrainingChannel();
      Fixtures.connect(router, "bob", "d1", 0, ch);

      int firstChunk = ch.seqs().size();
      assertThat(firstChunk).as("first chunk").isBetween(1, 99);
      assertThat(ch.waiting).as("the rest waits for the connection to drain").hasSize(1);

      // A live push while the replay is paced must not jump the queue.
      join(router.push("bob", kib(100)));
      assertThat(ch.seqs()).hasSize(firstChunk);

      for (int round = 0; round < 100 && !ch.waiting.isEmpty(); round++) {
        ch.drained();
      }

      assertThat(ch.seqs()).containsExactlyElementsOf(LongStream.rangeClosed(1, 101).boxed().toList());
      assertThat(ch.isOpen()).isTrue();
    }
  }
}
