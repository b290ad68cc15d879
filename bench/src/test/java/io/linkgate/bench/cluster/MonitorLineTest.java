package io.linkgate.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MonitorLineTest {
  @Test
  void aClientCommandNamesItsAddressAndItsFirstArguments() {
    MonitorLine m =
        MonitorLine.parse(
            "+1733312345.123456 [0 127.0.0.1:51234] \"EVALSHA\" \"ab12cd\" \"3\" \"lg:{u:u0000001}:seq\"", 2);

    assertThat(m.fromScript()).isFalse();
    assertThat(m.port()).isEqualTo(51234);
    assertThat(m.command()).isEqualTo("EVALSHA");
    assertThat(m.args()).containsExactly("EVALSHA", "ab12cd");
  }

  @Test
  void aCommandRunByAScriptComesFromLua() {
    MonitorLine m = MonitorLine.parse("1733312345.123457 [0 lua] \"PUBLISH\" \"lg:ch:node:bench-b\" \"x\"", 3);

    assertThat(m.fromScript()).isTrue();
    assertThat(m.port()).isEqualTo(-1);
    assertThat(m.command()).isEqualTo("PUBLISH");
  }

  @Test
  void escapedQuotesAndBytesAreDecoded() {
    MonitorLine m = MonitorLine.parse("1.0 [0 127.0.0.1:1] \"set\" \"a\\\"b\\\\c\\x01\\n\" \"v\"", 3);

    assertThat(m.command()).isEqualTo("SET");
    assertThat(m.args()).isEqualTo(List.of("set", "a\"b\\c\u0001\n", "v"));
  }

  @Test
  void theMonitorsOwnOkIsNotACommand() {
    assertThat(MonitorLine.parse("OK", 2)).isNull();
  }
}
