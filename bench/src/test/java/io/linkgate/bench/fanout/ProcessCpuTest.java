package io.linkgate.bench.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcessCpuTest {
  @Test
  void utimePlusStimeCountedFromTheLastParenthesis() {
    // A name with a space and a ')' of its own: the fields must be counted from the last ')'.
    String line = "4242 (node (a) b) S 1 4242 4242 0 -1 4194304 5000 0 0 0 731 269 0 0 20 0 11 0 900 "
        + "1000000 20000 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

    assertThat(ProcessCpu.ticks(line)).isEqualTo(731 + 269);
  }

  @Test
  void thisProcessHasSpentSomeCpu() {
    assertThat(ProcessCpu.nanos(ProcessHandle.current().pid())).isPositive();
    assertThat(ProcessCpu.nanos(Long.MAX_VALUE)).isEqualTo(-1); // no such process
  }

  @Test
  void aLineThatIsNotAStatLineIsRefused() {
    assertThatThrownBy(() -> ProcessCpu.ticks("no parenthesis here")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProcessCpu.ticks("1 (x) S 1 2")).isInstanceOf(IllegalArgumentException.class);
  }
}
