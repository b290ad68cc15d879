package io.linkgate.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcFilesTest {
  @Test
  void busyTimeLeavesOutIdleAndIowait() {
    // user nice system idle iowait irq softirq steal guest guest_nice
    assertThat(ProcFiles.busyTicks("cpu  46909 1 9744 220691 290 3 408 5 7 0")).isEqualTo(46909 + 1 + 9744 + 3 + 408 + 5);
  }

  @Test
  void aLineOtherThanTheTotalIsRefused() {
    assertThatThrownBy(() -> ProcFiles.busyTicks("intr 1 2 3 4 5")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void contextSwitchesComeFromTheTwoStatusLines() {
    String status = "Name:\tjava\nvoluntary_ctxt_switches:\t1234\nnonvoluntary_ctxt_switches:\t56\n";

    assertThat(ProcFiles.contextSwitches(status)).containsExactly(1234, 56);
  }

  @Test
  void thisProcessHasSwitchedContextAtLeastOnce() {
    long[] c = ProcFiles.processContextSwitches(ProcessHandle.current().pid());

    assertThat(c[0] + c[1]).isPositive();
  }

  @Test
  void netTcpGivesPortsAndInodesAndSkipsTheHeading() {
    List<String> lines =
        List.of(
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
            "   0: 0100007F:C350 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 123456 1 0 20 4 30 10 -1",
            "   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 654321 1 0 100 0 0 10 0");

    assertThat(ProcFiles.parseNetTcp(lines))
        .containsExactly(
            new ProcFiles.TcpSocket(0xC350, 0x1F90, 123456), new ProcFiles.TcpSocket(0x1F90, 0, 654321));
  }

  @Test
  void thisProcessFindsItsOwnConnectionToAListener() throws Exception {
    try (var server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        var client = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), server.getLocalPort());
        var accepted = server.accept()) {
      assertThat(ProcFiles.localPortsTo(ProcessHandle.current().pid(), server.getLocalPort()))
          .contains(client.getLocalPort());
    }
  }
}
