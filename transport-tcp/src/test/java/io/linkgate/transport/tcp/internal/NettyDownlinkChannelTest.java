package io.linkgate.transport.tcp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.linkgate.api.EncodedFrame;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.GoAway;
import io.linkgate.api.proto.Push;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NettyDownlinkChannelTest {
  private final FlushCounter flushes = new FlushCounter();
  private final EmbeddedChannel ch = new EmbeddedChannel(flushes);

  private static EncodedFrame push(long seq) {
    return EncodedFrame.encoded(
        Frame.newBuilder()
            .setPush(Push.newBuilder().setSeq(seq).setPayload(ByteString.copyFrom(new byte[90])))
            .build());
  }

  private List<Frame> written() {
    List<Frame> frames = new ArrayList<>();
    ByteBuf buf;
    while ((buf = ch.readOutbound()) != null) {
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      buf.release();
      if (bytes.length > 0) {
        frames.addAll(FrameCodec.decodeAll(bytes, 1 << 20, 1000));
      }
    }
    return frames;
  }

  @Test
  void queuedFramesGoOutInOrderWithOneDrainAndOneFlush() {
    NettyDownlinkChannel out = new NettyDownlinkChannel(ch, 1 << 20, 500);
    for (long seq = 1; seq <= 10; seq++) {
      assertThat(out.send(push(seq))).isTrue();
    }
    assertThat(out.queuedBytes()).isEqualTo(10L * push(1).size());
    ch.runPendingTasks();
    assertThat(written())
        .extracting(f -> f.getPush().getSeq())
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    assertThat(flushes.count).isEqualTo(1);
    assertThat(out.queuedBytes()).isZero();
  }

  @Test
  void writesShareTheEncodedBytes() {
    NettyDownlinkChannel out = new NettyDownlinkChannel(ch, 1 << 20, 500);
    EncodedFrame frame = push(1);
    out.send(frame);
    ch.runPendingTasks();
    ByteBuf buf = ch.readOutbound();
    assertThat(buf.hasArray()).isTrue();
    assertThat(buf.array()).isSameAs(frame.bytes());
    buf.release();
  }

  @Test
  void sendPastTheBoundIsRefusedAndTheClientIsToldSlowConsumer() {
    int frameSize = push(1).size();
    int bound = frameSize * 5 + frameSize / 2;
    NettyDownlinkChannel out = new NettyDownlinkChannel(ch, bound, 500);
    for (long seq = 1; seq <= 5; seq++) {
      assertThat(out.send(push(seq))).isTrue();
    }
    assertThat(out.send(push(6))).isFalse();
    assertThat(out.isOpen()).isFalse();
    assertThat(out.send(push(7))).isFalse();
    assertThat(out.queuedBytes()).isLessThanOrEqualTo(bound);

    ch.runPendingTasks();
    List<Frame> frames = written();
    assertThat(frames).hasSize(6);
    assertThat(frames.subList(0, 5)).allMatch(Frame::hasPush);
    Frame last = frames.get(5);
    assertThat(last.getError().getCode()).isEqualTo(ErrorCode.SLOW_CONSUMER);
    assertThat(last.getError().getMessage())
        .isEqualTo("outbound queue over " + bound + " bytes; reconnect and resume");
    assertThat(ch.isOpen()).isFalse(); // no half-close on an embedded channel: closed outright
  }

  @Test
  void closeSendsTheLastFrameAfterWhatIsQueuedAndOnlyTheFirstCloseCounts() {
    NettyDownlinkChannel out = new NettyDownlinkChannel(ch, 1 << 20, 500);
    out.send(push(1));
    out.send(push(2));
    Frame goAway = Frame.newBuilder().setGoAway(GoAway.newBuilder().setReason("draining")).build();
    out.close(goAway);
    out.close(null);
    assertThat(out.send(push(3))).isFalse();
    ch.runPendingTasks();
    List<Frame> frames = written();
    assertThat(frames).hasSize(3);
    assertThat(frames.get(2)).isEqualTo(goAway);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void closeWithoutALastFrameStillDeliversWhatIsQueued() {
    NettyDownlinkChannel out = new NettyDownlinkChannel(ch, 1 << 20, 500);
    out.send(push(1));
    out.close(null);
    ch.runPendingTasks();
    assertThat(written()).extracting(f -> f.getPush().getSeq()).containsExactly(1L);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void framesQueuedWhenTheConnectionDiesAreDroppedAndUncounted() {
    NettyDownlinkChannel out = new NettyDownlinkChannel(ch, 1 << 20, 500);
    out.send(push(1));
    out.onInactive();
    assertThat(out.queuedBytes()).isZero();
    assertThat(out.send(push(2))).isFalse();
  }

  /** Counts flushes that reach the channel. */
  private static final class FlushCounter extends ChannelOutboundHandlerAdapter {
    int count;

    @Override
    public void flush(ChannelHandlerContext ctx) {
      count++;
      ctx.flush();
    }
  }
}
