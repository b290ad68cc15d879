package io.linkgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linkgate.api.proto.Role;
import io.linkgate.client.LinkgateClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A node run with the shipped logback-json.xml writes one JSON object a line, sessions as fields. */
class StructuredLogsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyLineIsAJsonEventAndSessionEventsCarryTheSessionsFields() throws Exception {
    Path dir = Files.createTempDirectory("linkgate-json-logs");
    int down = LoopbackPorts.free();
    int up = LoopbackPorts.free();
    Path config = dir.resolve("node.yaml");
    Files.writeString(config, """
        node-id: json-node
        bind-host: 127.0.0.1
        ops: {enabled: false}
        auth: {secret: %s}
        transports:
          downlink: [{transport: tcp, ports: [%d]}]
          uplink: [{transport: tcp, ports: [%d]}]
        """.formatted(TestNodes.SECRET, down, up));
    Path log = dir.resolve("node.log");
    Process node =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=logback-json.xml", "-Dlinkgate.log.level=DEBUG",
                "-cp", System.getProperty("java.class.path"),
                "io.linkgate.server.cli.Linkgate", "serve", "--config", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains("json-node started"));
      try (LinkgateClient bob =
          LinkgateClient.builder()
              .downlinkEndpoints(List.of(io.linkgate.client.Endpoints.of("tcp", Role.DOWNLINK, "127.0.0.1", down)))
              .uplinkEndpoints(List.of(io.linkgate.client.Endpoints.of("tcp", Role.UPLINK, "127.0.0.1", up)))
              .token(TestNodes.token("bob"))
              .deviceId("bob-phone")
              .pushListener(p -> {})
              .build()) {
        bob.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains(" open: last_seq"));
      }
    } finally {
      node.destroy();
      node.waitFor(10, TimeUnit.SECONDS);
    }
    List<JsonNode> events = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      if (!line.isBlank()) {
        events.add(JSON.readTree(line)); // throws if a line is not JSON
      }
    }
    assertThat(events).allSatisfy(e -> {
      assertThat(e.has("level")).isTrue();
      assertThat(e.has("loggerName")).isTrue();
    });
    JsonNode open = events.stream()
        .filter(e -> e.path("formattedMessage").asText().contains(" open: last_seq"))
        .findFirst().orElseThrow();
    String kvp = open.path("kvpList").toString();
    assertThat(kvp).contains("\"user\":\"bob\"").contains("\"device\":\"bob-phone\"").contains("\"transport\":\"tcp\"")
        .contains("\"session\":\"json-node-").contains("\"remote\"");
  }

}
