package io.linkgate.bench.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SendPathBenchmarkTest {
  @Test
  void reportsBothSidesAndTheRoutersShareWhenEverySendIsAcked() {
    Result r = run("--runs", "1", "--seconds", "1", "--warmup-seconds", "0", "--threads", "2", "--senders", "4");

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output())
        .contains("run 1 raw", "run 1 linkgate", "the router's own")
        .contains("4 senders, 16 Sends per batch");
  }

  @Test
  void failsWhenTheRouterAnswersASendWithAnythingButAnAck() {
    // A payload over the router's frame bound is refused with an Error, not stored: a benchmark
    // that counted it would time a refusal as a send.
    Result r = run("--runs", "1", "--seconds", "1", "--warmup-seconds", "0", "--payload", "2000000");

    assertThat(r.exitCode()).as(r.output()).isNotZero();
  }

  @Test
  void refusesMoreThreadsThanSenders() {
    assertThat(run("--threads", "3", "--senders", "2").exitCode()).isNotZero();
  }

  private record Result(int exitCode, String output) {}

  private static Result run(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = System.out;
    int code;
    try (PrintStream captured = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      System.setOut(captured);
      code = new CommandLine(new SendPathBenchmark()).execute(args);
    } finally {
      System.setOut(out);
    }
    return new Result(code, bytes.toString(StandardCharsets.UTF_8));
  }
}
