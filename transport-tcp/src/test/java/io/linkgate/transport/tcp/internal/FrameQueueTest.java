package io.linkgate.transport.tcp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FrameQueueTest {
  private static EncodedFrame frame(int producer, int n) {
    return EncodedFrame.encoded(
        Frame.newBuilder().setPush(Push.newBuilder().setSeq(n).setFrom("p" + producer)).build());
  }

  @Test
  void manyProducersOneConsumerLoseNothingAndKeepEachProducersOrder() throws Exception {
    FrameQueue queue = new FrameQueue();
    int producers = 4;
    int perProducer = 20_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int id = p;
      Thread t =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int n = 1; n <= perProducer; n++) {
                  EncodedFrame f = frame(id, n);
                  queue.reserve(f.size());
                  queue.offer(f);
                }
              });
      t.start();
      threads.add(t);
    }
    start.countDown();
    long[] lastSeen = new long[producers];
    int taken = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (taken < producers * perProducer && System.nanoTime() < deadline) {
      EncodedFrame f = queue.poll();
      if (f == null) {
        Thread.onSpinWait();
        continue;
      }
      int producer = Integer.parseInt(f.frame().getPush().getFrom().substring(1));
      long seq = f.frame().getPush().getSeq();
      assertThat(seq).isEqualTo(lastSeen[producer] + 1);
      lastSeen[producer] = seq;
      queue.release(f.size());
      taken++;
    }
    for (Thread t : threads) {
      t.join(10_000);
    }
    assertThat(taken).isEqualTo(producers * perProducer);
    assertThat(queue.poll()).isNull();
    assertThat(queue.bytes()).isZero();
  }
}
