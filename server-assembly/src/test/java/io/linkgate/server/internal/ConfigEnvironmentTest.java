package io.linkgate.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linkgate.server.ConfigException;
import io.linkgate.server.LinkgateConfig;
import io.linkgate.server.StoreConfig;
import io.linkgate.server.internal.ConfigKeys.Key;
import io.linkgate.server.internal.ConfigKeys.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigEnvironmentTest {
  private static final String FILE =
      """
      node-id: from-file
      shutdown-grace: 10s
      store:
        type: memory
      router:
        inbox-capacity: 10
      """;

  private static LinkgateConfig parse(String yaml, Map<String, String> env) {
    return ConfigLoader.parse(yaml, "linkgate.yaml", ConfigEnvironment.read(env));
  }

  @Test
  void environmentValueOverridesTheFile() {
    LinkgateConfig c = parse(FILE, Map.of("LINKGATE_NODE_ID", "from-env", "LINKGATE_SHUTDOWN_GRACE", "2s"));

    assertThat(c.nodeId()).isEqualTo("from-env");
    assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.router().inboxCapacity()).isEqualTo(10); // what the environment leaves alone stays the file's
  }

  @Test
  void environmentSetsNestedKeysInsideSectionsTheFileHasOrLacks() {
    LinkgateConfig c =
        parse(
            FILE,
            Map.of(
                "LINKGATE_ROUTER_INBOX_CAPACITY", "500",
                "LINKGATE_STORE_TYPE", "redis",
                "LINKGATE_STORE_URI", "redis://10.0.0.5:6380",
                "LINKGATE_LIMITS_MAX_FRAME_BYTES", "1024",
                "LINKGATE_LIMITS_HEARTBEAT_DEFAULT", "20s"));

    assertThat(c.router().inboxCapacity()).isEqualTo(500);
    assertThat(c.store().type()).isEqualTo(StoreConfig.REDIS);
    assertThat(c.store().uri()).isEqualTo("redis://10.0.0.5:6380");
    assertThat(c.store().keyPrefix()).isEqualTo("lg:"); // the redis defaults apply as for the file
    assertThat(c.limits().maxFrameBytes()).isEqualTo(1024);
    assertThat(c.limits().heartbeat().defaultInterval()).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void environmentAloneConfiguresANodeWithoutAFile() {
    LinkgateConfig c = ConfigLoader.load(null, ConfigEnvironment.read(Map.of("LINKGATE_NODE_ID", "env-only")));

    assertThat(c.nodeId()).isEqualTo("env-only");
    assertThat(c.withNodeId("x")).isEqualTo(LinkgateConfig.defaults().withNodeId("x"));
  }

  @Test
  void environmentAppliesToAFileThatIsEmpty(@TempDir Path dir) throws Exception {
    Path empty = Files.writeString(dir.resolve("linkgate.yaml"), "# nothing yet\n");

    LinkgateConfig c = ConfigLoader.load(empty, ConfigEnvironment.read(Map.of("LINKGATE_ROUTER_DEDUP_TTL", "1m")));

    assertThat(c.router().dedupTtl()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void unknownLinkgateVariableFailsNamingItAndTheValidOnesNearIt() {
    assertThatThrownBy(() -> ConfigEnvironment.read(Map.of("LINKGATE_LIMITS_MAX_FRAME", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown environment variable LINKGATE_LIMITS_MAX_FRAME")
        .hasMessageContaining("under 'limits'")
        .hasMessageContaining("LINKGATE_LIMITS_MAX_FRAME_BYTES")
        .hasMessageContaining("LINKGATE_LIMITS_HEARTBEAT_MIN")
        .hasMessageNotContaining("LINKGATE_STORE_URI");
  }

  @Test
  void unknownVariableAtTheTopLevelSuggestsTheClosestOne() {
    assertThatThrownBy(() -> ConfigEnvironment.read(Map.of("LINKGATE_NODEID", "a")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("LINKGATE_NODEID")
        .hasMessageContaining("did you mean LINKGATE_NODE_ID?")
        .hasMessageContaining("LINKGATE_STORE_*");
  }

  @Test
  void variableForASectionOrAListIsRefusedWithWhatToSetInstead() {
    assertThatThrownBy(() -> ConfigEnvironment.read(Map.of("LINKGATE_STORE", "redis")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("names the section 'store'")
        .hasMessageContaining("LINKGATE_STORE_URI");
    assertThatThrownBy(() -> ConfigEnvironment.read(Map.of("LINKGATE_TRANSPORTS_DOWNLINK", "tcp")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'transports.downlink'")
        .hasMessageContaining("config file");
  }

  @Test
  void otherVariablesAreNotOurs() {
    assertThat(ConfigEnvironment.read(Map.of("PATH", "/bin", "HOSTNAME", "h", "JAVA_OPTS", "-Xmx1g")).isEmpty()).isTrue();
  }

  @Test
  void emptyVariableCountsAsUnset() {
    LinkgateConfig c = parse(FILE, Map.of("LINKGATE_NODE_ID", ""));

    assertThat(c.nodeId()).isEqualTo("from-file");
  }

  @Test
  void badValueFromTheEnvironmentFailsNamingTheKeyAndTheVariable() {
    assertThatThrownBy(() -> parse(FILE, Map.of("LINKGATE_LIMITS_MAX_FRAME_BYTES", "many")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("linkgate.yaml: bad value for 'limits.max-frame-bytes'")
        .hasMessageContaining("(from environment variable LINKGATE_LIMITS_MAX_FRAME_BYTES)");
    assertThatThrownBy(() -> parse(FILE, Map.of("LINKGATE_ROUTER_DEDUP_TTL", "ten minutes")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'router.dedup-ttl'")
        .hasMessageContaining(Durations.EXPECTED);
    assertThatThrownBy(() -> parse(FILE, Map.of("LINKGATE_STORE_URI", "redis://h:1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("invalid 'store' (with LINKGATE_STORE_URI from the environment)")
        .hasMessageContaining("apply to store.type redis only");
  }

  @Test
  void fileErrorKeepsItsLineWhenTheEnvironmentSetsOtherKeys() {
    String bad = "node-id: a\nlimits: {max-frame-bytes: many}\n";
    String alone = messageOf(() -> ConfigLoader.parse(bad, "linkgate.yaml"));

    assertThat(messageOf(() -> parse(bad, Map.of("LINKGATE_NODE_ID", "b")))).isEqualTo(alone).contains("(line 2)");
  }

  @Test
  void fileErrorFixedByTheEnvironmentIsNoError() {
    LinkgateConfig c = parse("limits: {max-frame-bytes: many}\n", Map.of("LINKGATE_LIMITS_MAX_FRAME_BYTES", "2048"));

    assertThat(c.limits().maxFrameBytes()).isEqualTo(2048);
  }

  @Test
  void unknownKeyInTheFileStillFailsAsWithoutTheEnvironment() {
    String bad = "nde-id: a\n";

    assertThat(messageOf(() -> parse(bad, Map.of("LINKGATE_NODE_ID", "b"))))
        .isEqualTo(messageOf(() -> ConfigLoader.parse(bad, "linkgate.yaml")))
        .contains("unknown key 'nde-id'");
  }

  /** AuthSecret's rule, unchanged: the file's auth.secret first, then LINKGATE_AUTH_SECRET. */
  @Test
  void authSecretVariableKeepsItsOwnRuleAndIsNotAnUnknownVariable() {
    String fileSecret = "file-secret-0123456789abcdef0123456789";
    String envSecret = "env-secret-0123456789abcdef0123456789";
    Map<String, String> env = Map.of("LINKGATE_AUTH_SECRET", envSecret);

    LinkgateConfig withFileSecret = parse("auth: {secret: " + fileSecret + "}\n", env);
    LinkgateConfig without = parse("node-id: a\n", env);

    assertThat(ConfigEnvironment.read(env).isEmpty()).isTrue();
    assertThat(AuthSecret.resolve(withFileSecret.auth().secret(), "auth.secret", env).value()).isEqualTo(fileSecret);
    assertThat(AuthSecret.resolve(without.auth().secret(), "auth.secret", env).value()).isEqualTo(envSecret);
    assertThatThrownBy(() -> AuthSecret.resolve(without.auth().secret(), "auth.secret", Map.of("LINKGATE_AUTH_SECRET", "short")))
        .hasMessageContaining("environment variable LINKGATE_AUTH_SECRET");
  }

  @Test
  void everyKeyOfTheRecordsHasItsVariable() {
    ConfigKeys keys = ConfigLoader.keys();

    assertThat(keys.all()).extracting(Key::variable)
        .contains(
            "LINKGATE_NODE_ID", "LINKGATE_BIND_HOST", "LINKGATE_SHUTDOWN_GRACE", "LINKGATE_AUTH_SECRET",
            "LINKGATE_STORE_TYPE", "LINKGATE_STORE_URI", "LINKGATE_STORE_KEY_PREFIX",
            "LINKGATE_LIMITS_MAX_FRAME_BYTES", "LINKGATE_LIMITS_HEARTBEAT_DEFAULT", "LINKGATE_LIMITS_HEARTBEAT_MISS_FACTOR",
            "LINKGATE_ROUTER_INBOX_CAPACITY", "LINKGATE_ROUTER_INBOX_IDLE_TTL", "LINKGATE_SENDS_STREAM_MAX_LEN");
    assertThat(keys.byVariable("LINKGATE_LIMITS_HEARTBEAT_DEFAULT").orElseThrow().dotted())
        .isEqualTo("limits.heartbeat.default");
    assertThat(keys.byVariable("LINKGATE_LIMITS").orElseThrow().kind()).isEqualTo(Kind.SECTION);
    assertThat(keys.byVariable("LINKGATE_TRANSPORTS_UPLINK").orElseThrow().kind()).isEqualTo(Kind.STRUCTURED);
    assertThat(keys.all()).noneMatch(k -> k.dotted().startsWith("transports.downlink."));
  }

  private static String messageOf(Runnable r) {
    try {
      r.run();
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected a ConfigException");
  }
}
