package io.linkgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.linkgate.api.proto.Role;
import io.linkgate.router.Message;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A lossy, throttled mobile link made real: a network namespace joined to this one by a veth pair,
 * 5 % of the packets dropped each way (an nft rule) and 256 kbit/s each way ({@code tc tbf}). The
 * node runs here; the device is the CLI's {@code listen} inside the namespace. 1 KiB pushes at five
 * a second must arrive each exactly once, in order, with p99 latency under 5 s.
 */
class LossyLinkTest {
  private static final Pattern LINE = Pattern.compile("^\\[seq (\\d+)\\].*t=(\\d+);");
  private static final int MESSAGES = 100;

  private static boolean run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String output(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(20, TimeUnit.SECONDS);
    return out;
  }

  private static void must(String... command) {
    if (!run(command)) {
      throw new IllegalStateException("failed: " + String.join(" ", command));
    }
  }

  @Test
  void onALossyThrottledLinkEveryPushArrivesOnceInOrderWithP99UnderFiveSeconds() throws Exception {
    long id = ProcessHandle.current().pid() % 200 + 20;
    String ns = "lglossy" + id;
    String outside = "lgla" + id;
    String inside = "lglb" + id;
    String here = "10.250." + id + ".1";
    String there = "10.250." + id + ".2";
    assumeTrue(run("ip", "netns", "add", ns), "network namespaces are not available here (needs root and iproute2)");
    Process device = null;
    try {
      must("ip", "link", "add", outside, "type", "veth", "peer", "name", inside);
      must("ip", "link", "set", inside, "netns", ns);
      must("ip", "addr", "add", here + "/30", "dev", outside);
      must("ip", "link", "set", outside, "up");
      must("ip", "-n", ns, "addr", "add", there + "/30", "dev", inside);
      must("ip", "-n", ns, "link", "set", inside, "up");
      must("ip", "-n", ns, "link", "set", "lo", "up");
      for (String[] tbf : List.of(
          new String[] {"tc", "qdisc", "add", "dev", outside, "root", "tbf", "rate", "256kbit", "burst", "16kbit", "latency", "500ms"},
          new String[] {"ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", inside, "root", "tbf", "rate", "256kbit", "burst", "16kbit", "latency", "500ms"})) {
        must(tbf);
      }
      Path rules = Files.createTempFile("lossy", ".nft");
      Files.writeString(rules, """
          table inet lossy {
            chain in { type filter hook input priority 0; policy accept; iifname "%1$s" numgen random mod 100 < 5 counter drop; }
            chain out { type filter hook output priority 0; policy accept; oifname "%1$s" numgen random mod 100 < 5 counter drop; }
          }
          """.formatted(inside));
      assumeTrue(run("ip", "netns", "exec", ns, "nft", "-f", rules.toString()), "nft is not usable here");

      try (LinkgateServer node = LinkgateServer.start(TestNodes.loopback().withBindHost(here))) {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        device = new ProcessBuilder("ip", "netns", "exec", ns, javaBin, "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "io.linkgate.server.cli.Linkgate", "listen",
                "--secret", TestNodes.SECRET, "--user", "lossy", "--device", "lossy-phone", "--server", here,
                "--port", Integer.toString(TestNodes.endpoint(node, Role.DOWNLINK).getPort()),
                "--uplink-port", Integer.toString(TestNodes.endpoint(node, Role.UPLINK).getPort()))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
        Map<Long, Long> arrivedAt = new ConcurrentHashMap<>();
        List<Long> seqs = new CopyOnWriteArrayList<>();
        List<Long> latencies = new CopyOnWriteArrayList<>();
        Process reading = device;
        Thread reader = new Thread(() -> {
          try (BufferedReader in = new BufferedReader(new InputStreamReader(reading.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
              Matcher m = LINE.matcher(line);
              if (m.find()) {
                long now = System.currentTimeMillis();
                long seq = Long.parseLong(m.group(1));
                seqs.add(seq);
                arrivedAt.put(seq, now);
                latencies.add(now - Long.parseLong(m.group(2)));
              }
            }
          } catch (IOException e) {
            // the process ended
          }
        }, "lossy-device-reader");
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> node.router().isOnline("lossy").toCompletableFuture().get());

        String pad = "x".repeat(1000);
        for (int i = 1; i <= MESSAGES; i++) {
          String text = "t=" + System.currentTimeMillis() + ";" + pad;
          node.router().push("lossy", Message.of("svc", "", text.getBytes(StandardCharsets.UTF_8))).toCompletableFuture().get(5, TimeUnit.SECONDS);
          Thread.sleep(200);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> arrivedAt.size() >= MESSAGES);
        Thread.sleep(500);

        List<Long> sorted = new ArrayList<>(latencies);
        sorted.sort(null);
        long p50 = sorted.get(sorted.size() / 2);
        long p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
        String counters = output("ip", "netns", "exec", ns, "nft", "list", "table", "inet", "lossy");
        long dropped = Pattern.compile("packets (\\d+)").matcher(counters).results().mapToLong(r -> Long.parseLong(r.group(1))).sum();
        System.out.printf("lossy link: %d pushes of 1 KiB, %d packets dropped, latency p50 %d ms, p99 %d ms, max %d ms%n",
            MESSAGES, dropped, p50, p99, sorted.get(sorted.size() - 1));
        assertThat(dropped).as("the link really lost packets").isPositive();
        assertThat(seqs).as("every seq once, in order").containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(1, MESSAGES).boxed().toList());
        assertThat(p99).isLessThan(5_000);
      }
    } finally {
      if (device != null) {
        device.destroyForcibly();
        device.waitFor(10, TimeUnit.SECONDS);
      }
      run("ip", "link", "del", outside);
      run("ip", "netns", "del", ns);
    }
  }
}
