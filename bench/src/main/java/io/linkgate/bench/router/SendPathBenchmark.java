package io.linkgate.bench.router;

import com.google.protobuf.ByteString;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Send;
import io.linkgate.api.proto.SendAck;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.UplinkSession;
import io.linkgate.bench.internal.AckOnlyHandler;
import io.linkgate.bench.internal.LinkgateSends;
import io.linkgate.bench.internal.PushTarget;
import io.linkgate.router.Hs256Authenticator;
import io.linkgate.router.Router;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The router's share of an uplink {@code Send}, without a transport: what a transport hands the
 * core for a tunnel POST or a TCP read ({@link UplinkSession#handleAll}) against what the raw
 * baselines' handlers do with the same frames (a {@code SendAck} of the router's shape, nothing
 * else), in one thread of one process, alternating. The transport benchmarks measure the whole
 * request on a busy 2-core machine, where one run differs from the next by more than a change
 * to the send path moves it; this one measures the send path alone, steadily enough to compare
 * two builds, and says how much of a transport's CPU per send the router takes.
 *
 * <p>Both sides build the request frames the same way (a transport parses them), so the
 * difference of the two is the router: the client id's check, the dedup window, the business
 * handler (the recipient's and the sender's inbox with their seqs, or an ack only), the answers'
 * stages. Senders and recipients have no downlink, as in the transport benchmarks' uplink runs.
 */
@Command(
    name = "send-path-benchmark",
    mixinStandardHelpOptions = true,
    description = "CPU per Send of the router's send path against a raw handler's, in process.")
public final class SendPathBenchmark implements Callable<Integer> {
  @Option(names = "--senders", defaultValue = "64", description = "Users sending, one uplink session each, in turn (default: ${DEFAULT-VALUE}).")
  int senders;

  @Option(names = "--batch", defaultValue = "16", description = "Sends handed over together, as one tunnel POST's (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--payload", defaultValue = "64", description = "Payload bytes per Send (default: ${DEFAULT-VALUE}).")
  int payloadBytes;

  @Option(names = "--inbox", defaultValue = "1000", description = "The router's inbox capacity (default: ${DEFAULT-VALUE}, the transport benchmarks').")
  int inbox;

  @Option(names = "--seconds", defaultValue = "3", description = "Length of each measured run (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--runs", defaultValue = "5", description = "Runs of each side, alternating (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--warmup-seconds", defaultValue = "10", description = "Of each side before the first run (default: ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(names = "--threads", defaultValue = "1", description = "Threads handing batches over at once, each with its own senders, as a transport's event loops (default: ${DEFAULT-VALUE}).")
  int threadCount;

  @Option(names = "--linkgate-sends", defaultValue = "store", description = "store (the router's handler) or ack-only (default: ${DEFAULT-VALUE}).")
  String sends;

  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  public static void main(String[] args) {
    System.exit(new CommandLine(new SendPathBenchmark()).execute(args));
  }

  /** One side: hands over one batch of sender {@code s}'s sends and checks their answers. */
  private interface Side {
    void batch(int s, List<Frame> sends);
  }

  /** What a run of one side cost per send. */
  private record Run(double threadCpuNanos, double processCpuNanos, double allocatedBytes) {}

  @Override
  public Integer call() throws Exception {
    LinkgateSends mode = LinkgateSends.of(sends);
    if (threadCount < 1 || senders < threadCount || batch < 1) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "need --batch >= 1, --threads >= 1 and --senders >= --threads");
    }
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    Router.Builder builder =
        Router.builder().nodeId("bench").authenticator(new Hs256Authenticator(secret)).inboxCapacity(inbox);
    if (mode == LinkgateSends.ACK_ONLY) {
      builder.businessHandler(new AckOnlyHandler("bench"));
    }
    try (Router router = builder.build()) {
      UplinkSession[] sessions = new UplinkSession[senders];
      String[] tos = new String[senders];
      for (int s = 0; s < senders; s++) {
        String user = PushTarget.userId(s);
        Hello hello =
            Hello.newBuilder()
                .setToken(Hs256Authenticator.mint(secret, user, Duration.ofHours(2)))
                .setDeviceId("d" + s)
                .setRole(Role.UPLINK)
                .build();
        sessions[s] =
            router
                .openUplink(hello, new ConnectionInfo("bench", Role.UPLINK, "127.0.0.1:1", false, 0))
                .toCompletableFuture()
                .join();
        tos[s] = "user:" + PushTarget.userId(senders + s);
      }
      Side linkgate = (s, frames) -> check(sessions[s].handleAll(frames));
      Side raw = new RawAcks()::answer;
      Requests requests = new Requests(tos, ByteString.copyFrom(new byte[payloadBytes]));

      System.out.printf(
          Locale.ROOT,
          "send path: %d senders, %d Sends per batch, %d-byte payloads, %s, %d threads; %d runs of %d s each side%n",
          senders, batch, payloadBytes, mode.subject(), threadCount, runs, seconds);
      measure(raw, requests, warmupSeconds);
      measure(linkgate, requests, warmupSeconds);
      Run[] raws = new Run[runs];
      Run[] linkgates = new Run[runs];
      for (int r = 0; r < runs; r++) {
        boolean rawFirst = r % 2 == 0;
        raws[r] = rawFirst ? print(r, "raw", measure(raw, requests, seconds)) : null;
        linkgates[r] = print(r, "linkgate", measure(linkgate, requests, seconds));
        if (!rawFirst) {
          raws[r] = print(r, "raw", measure(raw, requests, seconds));
        }
      }
      report(raws, linkgates);
    }
    return 0;
  }

  /** Builds each batch's request frames: fresh client ids, as a client's. */
  private final class Requests {
    private final String[] tos;
    private final ByteString payload;
    private final long[] sequences;

    Requests(String[] tos, ByteString payload) {
      this.tos = tos;
      this.payload = payload;
      this.sequences = new long[tos.length * 8]; // a cache line a sender: threads share none
    }

    List<Frame> next(int s) {
      List<Frame> frames = new ArrayList<>(batch);
      for (int i = 0; i < batch; i++) {
        frames.add(
            Frame.newBuilder()
                .setSend(
                    Send.newBuilder()
                        .setClientMsgId("d" + s + "-" + Long.toString(++sequences[s * 8], 36))
                        .setTo(tos[s])
                        .setPayload(payload))
                .build());
      }
      return frames;
    }
  }

  /** The raw baselines' handler: an ack of the router's shape for each Send, nothing kept. */
  private static final class RawAcks {
    private final String prefix =
        "bench-u" + Long.toUnsignedString(new SecureRandom().nextLong() >>> 16, 36) + "-";
    private final AtomicLong counter = new AtomicLong(); // as the raw servers': shared by their threads

    void answer(int s, List<Frame> sends) {
      List<Frame> answers = new ArrayList<>(sends.size());
      for (Frame f : sends) {
        answers.add(
            Frame.newBuilder()
                .setSendAck(
                    SendAck.newBuilder()
                        .setClientMsgId(f.getSend().getClientMsgId())
                        .setMsgId(prefix + Long.toString(counter.incrementAndGet(), 36))
                        .setServerTimeMs(System.currentTimeMillis()))
                .build());
      }
      if (answers.get(answers.size() - 1).getSendAck().getMsgId().isEmpty()) {
        throw new IllegalStateException("no ack");
      }
    }
  }

  /** Every answer must be a SendAck, there and then: the in-memory store answers in line. */
  private static void check(List<CompletionStage<Frame>> answers) {
    for (CompletionStage<Frame> a : answers) {
      Frame f = a.toCompletableFuture().getNow(null);
      if (f == null || !f.hasSendAck()) {
        throw new IllegalStateException("a Send was answered " + (f == null ? "later" : f.getKindCase()));
      }
    }
  }

  private Run measure(Side side, Requests requests, int runSeconds) throws InterruptedException {
    long process = os.getProcessCpuTime();
    long end = System.nanoTime() + runSeconds * 1_000_000_000L;
    long[][] results = new long[threadCount][];
    Thread[] workers = new Thread[threadCount];
    for (int t = 0; t < threadCount; t++) {
      int first = t;
      workers[t] = new Thread(() -> results[first] = drive(side, requests, first, end), "sender-" + t);
      workers[t].start();
    }
    long batches = 0;
    long threadCpu = 0;
    long allocated = 0;
    for (int t = 0; t < threadCount; t++) {
      workers[t].join();
      if (results[t] == null) {
        throw new IllegalStateException("thread " + t + " failed");
      }
      batches += results[t][0];
      threadCpu += results[t][1];
      allocated += results[t][2];
    }
    double n = (double) batches * batch;
    return new Run(threadCpu / n, (os.getProcessCpuTime() - process) / n, allocated / n);
  }

  /**
   * One thread's share until {@code end}: the senders {@code first}, {@code first + threads}, ...
   * in turn. Returns the batches, the thread's CPU nanoseconds and its allocated bytes.
   */
  private long[] drive(Side side, Requests requests, int first, long end) {
    long id = Thread.currentThread().getId();
    long cpu = threads.getCurrentThreadCpuTime();
    long allocated = threads.getThreadAllocatedBytes(id);
    long batches = 0;
    int s = first;
    do {
      for (int k = 0; k < 64; k++) {
        side.batch(s, requests.next(s));
        s += threadCount;
        if (s >= senders) {
          s = first;
        }
      }
      batches += 64;
    } while (System.nanoTime() < end);
    return new long[] {
      batches, threads.getCurrentThreadCpuTime() - cpu, threads.getThreadAllocatedBytes(id) - allocated
    };
  }

  private static Run print(int r, String side, Run run) {
    System.out.printf(
        Locale.ROOT,
        "  run %d %-8s  %,7.0f ns per Send in the threads, %,7.0f in the process, %,5.0f bytes allocated%n",
        r + 1, side, run.threadCpuNanos(), run.processCpuNanos(), run.allocatedBytes());
    return run;
  }

  private static void report(Run[] raws, Run[] linkgates) {
    double raw = median(raws, Run::processCpuNanos);
    double linkgate = median(linkgates, Run::processCpuNanos);
    System.out.printf(
        Locale.ROOT,
        "medians, process CPU per Send: raw %,.0f ns, linkgate %,.0f ns; the router's own %,.0f ns"
            + " (thread CPU: raw %,.0f, linkgate %,.0f; allocated: raw %,.0f B, linkgate %,.0f B)%n",
        raw, linkgate, linkgate - raw,
        median(raws, Run::threadCpuNanos), median(linkgates, Run::threadCpuNanos),
        median(raws, Run::allocatedBytes), median(linkgates, Run::allocatedBytes));
  }

  private static double median(Run[] runs, java.util.function.ToDoubleFunction<Run> f) {
    double[] v = Arrays.stream(runs).mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
