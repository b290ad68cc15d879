package io.linkgate.bench.internal;

/** Points logback at the benchmark's quiet configuration before the first logger exists. */
public final class BenchLogging {
  private BenchLogging() {}

  public static void quiet() {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "linkgate-bench-logback.xml");
    }
  }
}
