package io.linkgate.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.Frames;
import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.proto.Frame;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DownlinkGateTest {
  private final List<Object> seen = new ArrayList<>();
  private final DownlinkGate gate = new DownlinkGate(new ClientDownlink.Listener() {
    @Override
    public void onFrame(Frame frame) {
      seen.add(frame);
    }

    @Override
    public void onClosed(Throwable cause) {
      seen.add(cause == null ? "closed" : cause);
    }
  });

  @Test
  void aWinnerGetsWhatArrivedBeforeTheDecisionThenEverythingAsItComes() {
    gate.onFrame(Frames.ping(1));
    gate.onFrame(Frames.ping(2));
    assertThat(seen).isEmpty();

    assertThat(gate.pass()).isTrue();
    gate.onFrame(Frames.ping(3));
    gate.onClosed(null);

    assertThat(seen).containsExactly(Frames.ping(1), Frames.ping(2), Frames.ping(3), "closed");
  }

  @Test
  void aWinnerClosedBeforeTheDecisionHearsOfTheCloseAfterItsFrames() {
    IOException reset = new IOException("reset");
    gate.onFrame(Frames.ping(1));
    gate.onClosed(reset);

    gate.pass();

    assertThat(seen).containsExactly(Frames.ping(1), reset);
  }

  @Test
  void aLoserPassesNothingOn() {
    gate.onFrame(Frames.ping(1));
    gate.drop();
    gate.onFrame(Frames.ping(2));
    gate.onClosed(null);

    assertThat(seen).isEmpty();
  }

  @Test
  void tooManyFramesBeforeTheDecisionEndTheConnectionInsteadOfGrowing() {
    for (int i = 0; i <= DownlinkGate.MAX_HELD; i++) {
      gate.onFrame(Frames.ping(i));
    }

    assertThat(gate.pass()).isFalse();
    gate.onClosed(null); // the caller's close, already reported

    assertThat(seen).hasSize(DownlinkGate.MAX_HELD + 1);
    assertThat(seen.get(DownlinkGate.MAX_HELD)).isInstanceOf(IOException.class);
  }
}
