package io.linkgate.bench.cluster;

import com.google.protobuf.UnsafeByteOperations;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import io.linkgate.bench.internal.PushTarget;
import io.linkgate.router.Message;
import io.linkgate.router.Router;
import io.linkgate.server.LinkgateServer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A gateway node started by the assembly ({@link LinkgateServer}), as the pushing loops of {@link
 * io.linkgate.bench.internal.Pusher} see it: {@link Router#push} and {@link Router#pushAll} on its
 * router, called from the pushing thread and not waited for (the router is asynchronous; with the
 * Redis store a push is in flight until its script returns).
 *
 * <p>With {@code lookup} on, each push first asks {@link Router#isOnline} and pushes once the
 * answer is in, as a business service that checks presence before sending might: that is what
 * exercises the near cache in front of the registry. The same on both stores.
 */
final class RouterTarget implements PushTarget {
  private final LinkgateServer server;
  private final Router router;
  private final String[] userIds;
  private final String[] tos;
  private final String from;
  private final int port;
  private final LongAdder failures = new LongAdder();
  private final LongAdder offline = new LongAdder();
  private final AtomicReference<String> lastFailure = new AtomicReference<>("");
  /** From the call of push or pushAll until its stage completed (stored; with Redis: the script's reply). */
  private final Recorder stored = new Recorder(3);
  private volatile boolean lookup;

  RouterTarget(LinkgateServer server, int maxUsers, String from) {
    this.server = server;
    this.router = server.router();
    this.userIds = new String[maxUsers];
    this.tos = new String[maxUsers];
    for (int i = 0; i < maxUsers; i++) {
      userIds[i] = PushTarget.userId(i);
      tos[i] = "user:" + userIds[i];
    }
    this.from = from;
    int p = -1;
    for (Endpoint e : server.endpoints()) {
      if (e.getTransport().equals("tcp") && e.getRole() == Role.DOWNLINK) {
        p = e.getPort();
      }
    }
    this.port = p;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public int connected() {
    return router.localDownlinkCount();
  }

  @Override
  public void push(int user, byte[] payload) {
    long t0 = System.nanoTime();
    Message m = message(user, payload);
    if (!lookup) {
      watch(router.push(userIds[user], m), t0);
      return;
    }
    router.isOnline(userIds[user]).whenComplete((online, err) -> {
      if (err != null) {
        failed(err);
      } else if (online) {
        watch(router.push(userIds[user], m), t0);
      } else {
        offline.increment();
      }
    });
  }

  @Override
  public void pushBurst(int user, byte[][] payloads) {
    long t0 = System.nanoTime();
    List<Message> burst = new ArrayList<>(payloads.length);
    for (byte[] p : payloads) {
      burst.add(message(user, p));
    }
    if (!lookup) {
      watch(router.pushAll(userIds[user], burst), t0);
      return;
    }
    router.isOnline(userIds[user]).whenComplete((online, err) -> {
      if (err != null) {
        failed(err);
      } else if (online) {
        watch(router.pushAll(userIds[user], burst), t0);
      } else {
        offline.add(payloads.length);
      }
    });
  }

  private void watch(CompletionStage<?> push, long t0) {
    push.whenComplete((v, err) -> {
      if (err != null) {
        failed(err);
      } else {
        stored.recordValue(Math.max(0, System.nanoTime() - t0));
      }
    });
  }

  private void failed(Throwable err) {
    failures.increment();
    lastFailure.set(err.toString());
  }

  private Message message(int user, byte[] payload) {
    return new Message(from, tos[user], UnsafeByteOperations.unsafeWrap(payload), Map.of());
  }

  /** The commands the driver adds to the server loop's (see {@link ClusterServerMain}). */
  String command(String[] c) {
    switch (c[0]) {
      case "LOOKUP" -> {
        lookup = c[1].equals("1");
        return "lookup=" + (lookup ? 1 : 0);
      }
      case "CACHE" -> {
        Router.SessionCacheStats st = router.sessionCacheStats();
        return "hits=" + st.hits() + " misses=" + st.misses();
      }
      case "FAILS" -> {
        String last = lastFailure.get();
        if (!last.isEmpty()) {
          System.err.println("last failed push: " + last);
        }
        return "failures=" + failures.sum() + " offline=" + offline.sum();
      }
      case "STORED" -> {
        // Since the last STORED: how long pushes took to be stored, in nanoseconds.
        Histogram h = stored.getIntervalHistogram();
        return "count=" + h.getTotalCount() + " p50=" + h.getValueAtPercentile(50) + " p99="
            + h.getValueAtPercentile(99) + " p999=" + h.getValueAtPercentile(99.9) + " max=" + h.getMaxValue();
      }
      case "THREADS" -> {
        StringBuilder sb = new StringBuilder("threads=1");
        threadCpu().forEach((k, v) -> sb.append(" t.").append(k).append('=').append(v));
        return sb.toString();
      }
      default -> {
        return null;
      }
    }
  }

  /**
   * CPU time so far of this JVM's live Java threads, summed by name with the numbers taken out
   * ({@code lettuce-epollEventLoop-4-1} counts as {@code lettuce-epollEventLoop}), in nanoseconds.
   * GC, JIT and VM threads are not Java threads: they are the process's CPU time minus this sum.
   */
  static Map<String, Long> threadCpu() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<String, Long> out = new TreeMap<>();
    long[] ids = mx.getAllThreadIds();
    ThreadInfo[] infos = mx.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long cpu = mx.getThreadCpuTime(ids[i]);
      if (cpu <= 0 || infos[i] == null) {
        continue;
      }
      out.merge(group(infos[i].getThreadName()), cpu, Long::sum);
    }
    return out;
  }

  /** A thread's name without its numbers, in characters a reply line can carry. */
  static String group(String threadName) {
    String g = threadName.replaceAll("[-_#. ]?\\d+", "").replaceAll("[^A-Za-z0-9_.-]", "_");
    return g.isEmpty() ? "unnamed" : g;
  }

  @Override
  public void close() {
    server.close();
  }
}
