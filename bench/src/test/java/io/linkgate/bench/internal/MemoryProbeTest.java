package io.linkgate.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoryProbeTest {
  // Shaped as JDK 17 prints them (abridged).
  private static final String NMT =
      """

      Native Memory Tracking:

      (Omitting categories weighting less than 1KB)

      Total: reserved=160821411KB, committed=481323KB
             malloc: 5359KB #20911
             mmap:   reserved=160816052KB, committed=475964KB

      -                 Java Heap (reserved=150994944KB, committed=387072KB)
                                  (mmap: reserved=150994944KB, committed=387072KB)

      -                    Thread (reserved=21559KB, committed=787KB)
                                  (thread #21)
                                  (stack: reserved=21504KB, committed=732KB)

      -    Native Memory Tracking (reserved=334KB, committed=334KB)
                                  (malloc=7KB #111) (at peak)
      """;

  @Test
  void readsTheCommittedBytesOfEveryNmtCategoryAndTheTotal() {
    Map<String, Long> m = MemoryProbe.nmtCommitted(NMT);

    assertThat(m)
        .containsEntry("nmt.total", 481_323L * 1024)
        .containsEntry("nmt.Java_Heap", 387_072L * 1024)
        .containsEntry("nmt.Thread", 787L * 1024)
        .containsEntry("nmt.Native_Memory_Tracking", 334L * 1024)
        .hasSize(4);
  }

  @Test
  void trackingOffGivesNoNmtFigures() {
    assertThat(MemoryProbe.nmtCommitted("")).isEmpty();
  }

  @Test
  void splitsResidentMemoryAsTheKernelReportsIt() {
    String status =
        "Name:\tjava\nVmRSS:\t   48296 kB\nRssAnon:\t   22624 kB\nRssFile:\t   21324 kB\n"
            + "RssShmem:\t    4348 kB\nThreads:\t21\n";

    assertThat(MemoryProbe.residentMemory(status))
        .containsEntry("rss", 48_296L * 1024)
        .containsEntry("rssAnon", 22_624L * 1024)
        .containsEntry("rssFile", 21_324L * 1024)
        .containsEntry("rssShmem", 4_348L * 1024);
    assertThat(MemoryProbe.residentMemory("")).containsEntry("rss", -1L);
  }
}
