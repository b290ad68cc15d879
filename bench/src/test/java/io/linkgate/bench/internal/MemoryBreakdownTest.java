package io.linkgate.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoryBreakdownTest {
  @Test
  void figuresArePerConnectionDifferencesAndTheTableShowsTheirMedians() {
    MemoryBreakdown b = new MemoryBreakdown();
    b.add("linkgate", Map.of("rss", 1_000L, "nmt.Thread", 0L), Map.of("rss", 21_000L, "nmt.Thread", 8_000L), 10);
    b.add("linkgate", Map.of("rss", 1_000L, "nmt.Thread", 0L), Map.of("rss", 41_000L, "nmt.Thread", 8_000L), 10);
    b.add("linkgate", Map.of("rss", 1_000L, "nmt.Thread", 0L), Map.of("rss", 31_000L, "nmt.Thread", 8_000L), 10);
    b.add("raw", Map.of("rss", 500L, "nmt.Thread", 0L), Map.of("rss", 10_500L, "nmt.Thread", 0L), 10);

    assertThat(b.median("linkgate", "rss")).isEqualTo(3_000.0);
    assertThat(b.median("raw", "rss")).isEqualTo(1_000.0);
    assertThat(b.median("raw", "heap")).isNaN();

    Map<String, String> columns = new LinkedHashMap<>();
    columns.put("linkgate", "Linkgate");
    columns.put("raw", "raw Netty");
    String table = b.markdown(columns);
    assertThat(table).contains("| Linkgate | raw Netty |");
    assertThat(table).contains("| resident (VmRSS) | 3,000 | 1,000 |");
    assertThat(table).contains("| NMT committed: Thread | 800 | 0 |");
    assertThat(table).contains("| heap used after GC | n/a | n/a |");
  }

  @Test
  void aFigureMissingOnEitherSideOfARunIsLeftOut() {
    MemoryBreakdown b = new MemoryBreakdown();
    b.add("raw", Map.of("rss", -1L), Map.of("rss", 5_000L, "heap", 7_000L), 10);

    assertThat(b.median("raw", "rss")).isNaN();
    assertThat(b.median("raw", "heap")).isNaN();
  }

  @Test
  void nmtCategoriesThatBarelyMovedAreLeftOutOfTheTable() {
    MemoryBreakdown b = new MemoryBreakdown();
    b.add("raw", Map.of("nmt.Symbol", 0L, "nmt.GC", 0L), Map.of("nmt.Symbol", 100L, "nmt.GC", 1_000L), 10);

    String table = b.markdown(Map.of("raw", "raw Netty"));
    assertThat(table).contains("NMT committed: GC").doesNotContain("Symbol");
  }
}
