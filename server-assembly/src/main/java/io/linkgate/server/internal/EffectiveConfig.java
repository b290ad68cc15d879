package io.linkgate.server.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.linkgate.server.LinkgateConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A configuration as the YAML file that would give it: every default filled in, kebab-case keys,
 * durations as {@code 10s}, and no secret in clear: {@code auth.secret}, the password of any URI
 * ({@code store.uri: redis://:pw@host}) and every key whose name says secret, password or token
 * ({@code ops.admin-token}, a transport option) are masked.
 */
public final class EffectiveConfig {
  /** What a masked value shows. */
  public static final String MASK = "*****";

  private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(secret|password|passwd|token|credential).*");
  private static final ObjectMapper MAPPER = newMapper();

  private EffectiveConfig() {}

  /** {@code config} as YAML with secrets masked; {@code auth.secret} is always there, masked. */
  public static String yaml(LinkgateConfig config) {
    ObjectNode tree = MAPPER.valueToTree(config);
    mask(tree);
    try {
      return MAPPER.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e); // a tree of text, numbers and lists always writes
    }
  }

  private static void mask(ObjectNode tree) {
    maskEverywhere(tree);
    // Whichever secret the node uses (the file's, LINKGATE_AUTH_SECRET's, the development one), it is not shown.
    tree.withObjectProperty("auth").put("secret", MASK);
  }

  /**
   * Any key, at any depth, whose name says it holds a secret ({@code ops.admin-token}, a
   * transport's {@code password} option), and the password of any URI with user info.
   */
  private static void maskEverywhere(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (String name : object.properties().stream().map(Map.Entry::getKey).toList()) {
        JsonNode value = object.get(name);
        if (value.isValueNode() && !value.isNull() && SECRET_KEY.matcher(name).matches()) {
          object.put(name, MASK);
        } else if (value.isTextual()) {
          object.put(name, maskPassword(value.asText()));
        } else {
          maskEverywhere(value);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        if (array.get(i).isTextual()) {
          array.set(i, array.textNode(maskPassword(array.get(i).asText())));
        } else {
          maskEverywhere(array.get(i));
        }
      }
    }
  }

  /**
   * The URI with the password of its user info masked: {@code redis://:pw@h} and
   * {@code redis://user:pw@h} keep the user; {@code redis://pw@h} (a password alone, as Redis
   * clients read it) is masked whole. A URI without user info is returned as it is.
   */
  static String maskPassword(String uri) {
    int scheme = uri.indexOf("://");
    if (scheme < 0) {
      return uri;
    }
    int start = scheme + 3;
    int end = uri.length();
    for (char c : new char[] {'/', '?', '#'}) {
      int i = uri.indexOf(c, start);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    int at = uri.lastIndexOf('@', end - 1);
    if (at < start) {
      return uri;
    }
    String userInfo = uri.substring(start, at);
    int colon = userInfo.indexOf(':');
    String masked = colon < 0 ? MASK : userInfo.substring(0, colon + 1) + MASK;
    return uri.substring(0, start) + masked + uri.substring(at);
  }

  private static ObjectMapper newMapper() {
    SimpleModule durations = new SimpleModule("linkgate-durations");
    durations.addSerializer(Duration.class, new DurationSerializer());
    YAMLMapper mapper =
        YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .addModule(durations)
            .build();
    // No "options: {}" on every listener; an empty list stays, since it means "no listener".
    mapper.configOverride(Map.class)
        .setInclude(JsonInclude.Value.construct(JsonInclude.Include.NON_EMPTY, JsonInclude.Include.NON_NULL));
    return mapper;
  }

  /** The file's syntax, shortest exact form ({@code 5m}, not {@code 300s}). */
  private static final class DurationSerializer extends JsonSerializer<Duration> {
    @Override
    public void serialize(Duration value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
      gen.writeString(Durations.format(value));
    }
  }
}
