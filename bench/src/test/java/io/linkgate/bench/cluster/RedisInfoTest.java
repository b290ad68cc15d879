package io.linkgate.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisInfoTest {
  private static final String BEFORE =
      "# Commandstats\r\n"
          + "cmdstat_evalsha:calls=10,usec=200,usec_per_call=20.00,rejected_calls=0,failed_calls=0\r\n"
          + "cmdstat_publish:calls=10,usec=30,usec_per_call=3.00,rejected_calls=0,failed_calls=0\r\n"
          + "cmdstat_config|resetstat:calls=1,usec=929,usec_per_call=929.00,rejected_calls=0,failed_calls=0\r\n";

  private static final String AFTER =
      "# Commandstats\r\n"
          + "cmdstat_evalsha:calls=110,usec=2200,usec_per_call=20.00,rejected_calls=0,failed_calls=0\r\n"
          + "cmdstat_publish:calls=110,usec=330,usec_per_call=3.00,rejected_calls=0,failed_calls=0\r\n"
          + "cmdstat_config|resetstat:calls=1,usec=929,usec_per_call=929.00,rejected_calls=0,failed_calls=0\r\n"
          + "cmdstat_hgetall:calls=4,usec=8,usec_per_call=2.00,rejected_calls=0,failed_calls=0\r\n";

  @Test
  void commandStatsReadsCallsAndMicrosecondsByCommandName() {
    Map<String, RedisInfo.CommandCount> stats = RedisInfo.commandStats(BEFORE);

    assertThat(stats).containsOnlyKeys("evalsha", "publish", "config|resetstat");
    assertThat(stats.get("evalsha")).isEqualTo(new RedisInfo.CommandCount(10, 200));
  }

  @Test
  void aDeltaKeepsOnlyCommandsCalledInBetweenAndCountsNewOnesFromZero() {
    Map<String, RedisInfo.CommandCount> d =
        RedisInfo.delta(RedisInfo.commandStats(BEFORE), RedisInfo.commandStats(AFTER));

    assertThat(d).containsOnlyKeys("evalsha", "publish", "hgetall");
    assertThat(d.get("evalsha")).isEqualTo(new RedisInfo.CommandCount(100, 2000));
    assertThat(d.get("hgetall")).isEqualTo(new RedisInfo.CommandCount(4, 8));
  }

  @Test
  void cpuAddsUserAndSystemSecondsExactlyInMicroseconds() {
    String info = "# CPU\r\nused_cpu_sys:1.000001\r\nused_cpu_user:0.300002\r\nused_cpu_sys_children:0.000000\r\n";

    assertThat(RedisInfo.cpuMicros(RedisInfo.fields(info))).isEqualTo(1_300_003L);
  }

  @Test
  void cpuIsUnknownWhenTheSectionIsMissing() {
    assertThat(RedisInfo.cpuMicros(RedisInfo.fields("# Server\r\nredis_version:7.0.15\r\n"))).isEqualTo(-1);
  }

  @Test
  void fieldsSkipHeadingsAndKeepColonsInValues() {
    Map<String, String> f = RedisInfo.fields("# Server\r\nexecutable:/usr/bin/redis-server\r\n\r\nx:a:b\r\n");

    assertThat(f).containsExactly(Map.entry("executable", "/usr/bin/redis-server"), Map.entry("x", "a:b"));
  }
}
