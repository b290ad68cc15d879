package io.linkgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WarmHeapTest {
  private static final long MIB = 1 << 20;

  @Test
  void theTargetIsThreeTimesTheHeapInUseBetweenTheFloorAndTheMaximum() {
    long max = 4096 * MIB;
    assertThat(WarmHeap.target(0, max)).isEqualTo(WarmHeap.FLOOR_BYTES);
    assertThat(WarmHeap.target(50 * MIB, max)).isEqualTo(WarmHeap.FLOOR_BYTES);
    assertThat(WarmHeap.target(200 * MIB, max)).isEqualTo(600 * MIB);
    assertThat(WarmHeap.target(2000 * MIB, max)).isEqualTo(max);
    assertThat(WarmHeap.target(50 * MIB, 128 * MIB)).as("a heap smaller than the floor").isEqualTo(128 * MIB);
  }

  @Test
  void onZgcTheSoftTargetStartsAtTheFloorAndFollowsTheLiveHeap() throws Exception {
    Map<String, String> seen = probe(List.of("-XX:+UseZGC", "-Xmx1g"), 200);
    assertThat(seen).containsEntry("started", "true").containsEntry("initial", String.valueOf(WarmHeap.FLOOR_BYTES));
    long after = Long.parseLong(seen.get("after"));
    // 200 MiB held live: about three times that (a change under a tenth is not written, so within
    // a tenth below), well under the 1 GiB maximum.
    assertThat(after).isBetween(540 * MIB, 900 * MIB);
    assertThat(seen).containsEntry("followed", seen.get("after"));
  }

  @Test
  void anOperatorsOwnSoftTargetIsLeftAlone() throws Exception {
    Map<String, String> seen = probe(List.of("-XX:+UseZGC", "-Xmx1g", "-XX:SoftMaxHeapSize=900m"), 200);
    assertThat(seen)
        .containsEntry("started", "false")
        .containsEntry("initial", String.valueOf(900 * MIB))
        .containsEntry("after", String.valueOf(900 * MIB));
  }

  @Test
  void otherCollectorsAreLeftAlone() throws Exception {
    Map<String, String> seen = probe(List.of("-XX:+UseG1GC", "-Xmx1g"), 50);
    assertThat(seen).containsEntry("started", "false").containsEntry("followed", "-1");
    assertThat(seen.get("after")).isEqualTo(seen.get("initial"));
  }

  /** Runs {@link WarmHeapProbe} in a JVM of its own with {@code jvmOptions}; its key=value lines. */
  private static Map<String, String> probe(List<String> jvmOptions, int liveMiB)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(WarmHeapProbe.class.getName());
    command.add(String.valueOf(liveMiB));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the probe JVM ended").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    Map<String, String> seen = new HashMap<>();
    for (String line : out.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0 && !line.contains(" ")) {
        seen.put(line.substring(0, eq), line.substring(eq + 1).trim());
      }
    }
    assertThat(seen).as(out).containsKey("held");
    return seen;
  }
}
