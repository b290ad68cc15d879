package io.linkgate.server.internal;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every key of the configuration file, found by the same Jackson introspection that binds the file
 * to the config records: a key added to a record is known here with no other change. Each key has
 * the name of the environment variable that sets it: {@code LINKGATE_} and the key path upper-cased,
 * with {@code .} and {@code -} turned into {@code _} ({@code limits.max-frame-bytes} is
 * {@code LINKGATE_LIMITS_MAX_FRAME_BYTES}).
 */
final class ConfigKeys {
  static final String ENV_PREFIX = "LINKGATE_";

  /** What a key holds, which decides whether an environment variable can set it. */
  enum Kind {
    /** One value (text, number, duration): settable from the environment. */
    VALUE,
    /** A group of keys ({@code limits}): each of its value keys is settable on its own. */
    SECTION,
    /** A list or a map ({@code transports.downlink}): the config file only. */
    STRUCTURED
  }

  /** One key: its path from the top of the file, and what it holds. */
  record Key(List<String> path, Kind kind) {
    String dotted() {
      return String.join(".", path);
    }

    String variable() {
      return ENV_PREFIX + String.join("_", path).toUpperCase(Locale.ROOT).replace('-', '_');
    }

    boolean isUnder(Key section) {
      return path.size() > section.path.size() && path.subList(0, section.path.size()).equals(section.path);
    }
  }

  private static final int MAX_DEPTH = 8;

  private final Map<String, Key> byVariable; // in file order

  private ConfigKeys(Map<String, Key> byVariable) {
    this.byVariable = byVariable;
  }

  /**
   * The keys {@code mapper} accepts when it binds {@code root}.
   *
   * @throws IllegalStateException if two keys would share an environment variable (a.b-c and
   *     a-b.c): a naming mistake in the records, caught by the first test that loads a config
   */
  static ConfigKeys of(ObjectMapper mapper, Class<?> root) {
    Map<String, Key> keys = new LinkedHashMap<>();
    collect(mapper, mapper.constructType(root), List.of(), keys);
    return new ConfigKeys(keys);
  }

  private static void collect(ObjectMapper mapper, JavaType type, List<String> parent, Map<String, Key> into) {
    if (parent.size() > MAX_DEPTH) {
      throw new IllegalStateException("configuration nested deeper than " + MAX_DEPTH + " at " + String.join(".", parent));
    }
    BeanDescription bean = mapper.getDeserializationConfig().introspect(type);
    for (BeanPropertyDefinition p : bean.findProperties()) {
      if (!p.couldDeserialize()) {
        continue;
      }
      List<String> path = new ArrayList<>(parent);
      path.add(p.getName());
      JavaType propertyType = p.getPrimaryType();
      Key key = new Key(List.copyOf(path), kindOf(propertyType));
      Key clash = into.putIfAbsent(key.variable(), key);
      if (clash != null) {
        throw new IllegalStateException(
            "configuration keys '" + clash.dotted() + "' and '" + key.dotted() + "' would share the environment variable "
                + key.variable());
      }
      if (key.kind() == Kind.SECTION) {
        collect(mapper, propertyType, key.path(), into);
      }
    }
  }

  /** Lists and maps are structured; our own types (records) are sections; the rest are values. */
  private static Kind kindOf(JavaType type) {
    if (type.isContainerType()) {
      return Kind.STRUCTURED;
    }
    Class<?> raw = type.getRawClass();
    boolean platform = raw.isPrimitive() || raw.getName().startsWith("java.") || raw.getName().startsWith("javax.");
    return platform || raw.isEnum() ? Kind.VALUE : Kind.SECTION;
  }

  List<Key> all() {
    return List.copyOf(byVariable.values());
  }

  Optional<Key> byVariable(String name) {
    return Optional.ofNullable(byVariable.get(name));
  }
}
