package io.linkgate.server;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Whatever the configuration file holds, the loader answers a configuration or a {@link
 * ConfigException} (a message for the operator), never another exception, and never hangs: a node
 * with a broken file stops with one clear line. Seeds and findings run in the suite; {@code
 * JAZZER_FUZZ=1} fuzzes.
 */
class ConfigFuzzTest {
  @FuzzTest(maxDuration = "20s")
  void anyFileIsAConfigurationOrAConfigException(byte[] file) {
    try {
      LinkgateConfig.parse(new String(file, java.nio.charset.StandardCharsets.UTF_8));
    } catch (ConfigException expected) {
      // the answer for a bad file
    }
  }
}
