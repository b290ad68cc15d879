package io.linkgate.server.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.linkgate.server.ConfigException;
import io.linkgate.server.LinkgateConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the YAML configuration strictly: kebab-case keys, no unknown key, durations such as
 * {@code 10s}; {@code LINKGATE_*} environment variables over it ({@link ConfigEnvironment}). Turns
 * Jackson's errors into messages for operators: where, what is wrong, what is accepted there.
 */
public final class ConfigLoader {
  private static final ObjectMapper MAPPER = newMapper();
  private static final ConfigKeys KEYS = ConfigKeys.of(MAPPER, LinkgateConfig.class);
  private static final Pattern LINE = Pattern.compile(" \\(line \\d+\\)");

  private ConfigLoader() {}

  /** Every key the file may hold, as binding sees them. */
  static ConfigKeys keys() {
    return KEYS;
  }

  public static LinkgateConfig load(Path file) {
    return load(file, ConfigEnvironment.none());
  }

  /**
   * Reads {@code file} (null: no file, every default) with the keys {@code environment} sets over
   * it. Fails exactly as the file alone would, and names the variable when a value from the
   * environment is the wrong one.
   */
  public static LinkgateConfig load(Path file, ConfigEnvironment environment) {
    if (file == null) {
      return parse("", "environment", environment);
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file not found: " + file);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    return parse(text, file.toString(), environment);
  }

  public static LinkgateConfig parse(String yaml, String source) {
    return parse(yaml, source, ConfigEnvironment.none());
  }

  /**
   * Parses {@code yaml}, then sets the environment's keys in the parsed tree before binding it, so
   * a value from the environment is checked exactly as one from the file.
   */
  public static LinkgateConfig parse(String yaml, String source, ConfigEnvironment environment) {
    if (environment.isEmpty()) {
      return bind(yaml, source, environment); // straight from the text: errors keep their line
    }
    try {
      return bind(yaml, source, environment);
    } catch (ConfigException withEnvironment) {
      // Bound from a tree, errors have no line. When the file alone fails the same way, say its line.
      try {
        bind(yaml, source, ConfigEnvironment.none());
      } catch (ConfigException fileAlone) {
        if (LINE.matcher(fileAlone.getMessage()).replaceFirst("").equals(withEnvironment.getMessage())) {
          throw fileAlone;
        }
      }
      throw withEnvironment;
    }
  }

  private static LinkgateConfig bind(String yaml, String source, ConfigEnvironment environment) {
    try (JsonParser parser = MAPPER.createParser(yaml)) {
      LinkgateConfig config;
      if (environment.isEmpty()) {
        if (parser.nextToken() == null) {
          return LinkgateConfig.defaults(); // empty, or only comments
        }
        config = MAPPER.readValue(parser, LinkgateConfig.class);
      } else {
        JsonNode tree = parser.nextToken() == null ? null : MAPPER.readTree(parser);
        if (tree == null || tree.isNull() || tree.isMissingNode()) {
          tree = MAPPER.createObjectNode();
        }
        if (tree instanceof ObjectNode root) {
          environment.applyTo(root);
        } // else not a mapping: binding reports it, as it would without the environment
        try (JsonParser merged = MAPPER.treeAsTokens(tree)) {
          config = MAPPER.readValue(merged, LinkgateConfig.class);
        }
      }
      return config == null ? LinkgateConfig.defaults() : config; // a document that is just null
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(unknownKey(e, source));
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new ConfigException(
          source + ": invalid " + where(e.getPath()) + line(e) + environment.note(dotted(e.getPath())) + ": "
              + cause.getMessage());
    } catch (JsonMappingException e) {
      throw new ConfigException(
          source + ": bad value for " + where(e.getPath()) + line(e) + environment.note(dotted(e.getPath())) + ": "
              + firstLine(e.getOriginalMessage()));
    } catch (JsonProcessingException e) {
      throw new ConfigException(source + ": not valid YAML" + line(e) + ": " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new ConfigException(source + ": cannot read: " + e.getMessage()); // not expected from a string
    }
  }

  private static String line(JsonProcessingException e) {
    var loc = e.getLocation();
    return loc == null || loc.getLineNr() < 1 ? "" : " (line " + loc.getLineNr() + ")";
  }

  private static String unknownKey(UnrecognizedPropertyException e, String source) {
    List<JsonMappingException.Reference> path = e.getPath();
    String parent = path.size() <= 1 ? "" : dotted(path.subList(0, path.size() - 1));
    String valid =
        e.getKnownPropertyIds().stream()
            .map(String::valueOf)
            .collect(Collectors.toCollection(TreeSet::new))
            .stream()
            .collect(Collectors.joining(", "));
    return source + ": unknown key '" + e.getPropertyName() + "'"
        + (parent.isEmpty() ? " at the top level" : " under '" + parent + "'")
        + "; valid keys there: " + valid;
  }

  private static String where(List<JsonMappingException.Reference> path) {
    return path.isEmpty() ? "configuration" : "'" + dotted(path) + "'";
  }

  private static String dotted(List<JsonMappingException.Reference> path) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : path) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private static ObjectMapper newMapper() {
    SimpleModule durations = new SimpleModule("linkgate-durations");
    durations.addDeserializer(Duration.class, new DurationDeserializer());
    return YAMLMapper.builder()
        .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .addModule(durations)
        .build();
  }

  /** {@code 250ms}, {@code 10s}, {@code 3m}, {@code 1h}, {@code 2d}; nothing else. */
  private static final class DurationDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        return (Duration) ctxt.handleUnexpectedToken(
            Duration.class, p.currentToken(), p, "expected a duration: " + Durations.EXPECTED);
      }
      String text = p.getText();
      try {
        return Durations.parse(text);
      } catch (IllegalArgumentException e) {
        throw ctxt.weirdStringException(text, Duration.class, "expected " + Durations.EXPECTED);
      }
    }
  }
}
