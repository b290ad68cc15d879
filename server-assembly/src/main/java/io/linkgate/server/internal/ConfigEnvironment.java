package io.linkgate.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.linkgate.server.AuthConfig;
import io.linkgate.server.ConfigException;
import io.linkgate.server.internal.ConfigKeys.Key;
import io.linkgate.server.internal.ConfigKeys.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The configuration keys set by {@code LINKGATE_*} environment variables, one variable per value key
 * ({@link ConfigKeys} says how a key path becomes a variable name). Applied to the parsed file
 * before it is bound, so an environment value wins over the file's and is checked exactly like it.
 *
 * <p>A {@code LINKGATE_} variable that names no key fails the start, as an unknown key in the file
 * does. An empty variable counts as unset. Lists and maps ({@code transports}) are set in the file
 * only. {@code LINKGATE_AUTH_SECRET} is not read here: {@link AuthSecret} keeps its own rule for it
 * (used when the file sets no {@code auth.secret}).
 */
public final class ConfigEnvironment {
  /** {@code LINKGATE_} variables that are not configuration keys read here. */
  static final Set<String> HANDLED_ELSEWHERE = Set.of(AuthConfig.SECRET_ENV);

  private static final ConfigEnvironment NONE = new ConfigEnvironment(new TreeMap<>());

  /** What one variable sets. */
  private record Setting(Key key, String value) {}

  private final TreeMap<String, Setting> byVariable;

  private ConfigEnvironment(TreeMap<String, Setting> byVariable) {
    this.byVariable = byVariable;
  }

  /** No variables: the file alone. */
  public static ConfigEnvironment none() {
    return NONE;
  }

  /**
   * The configuration in {@code env} (the process environment, or a map in tests).
   *
   * @throws ConfigException for a {@code LINKGATE_} variable that sets no value key, naming it and
   *     the valid variables near it
   */
  public static ConfigEnvironment read(Map<String, String> env) {
    ConfigKeys keys = ConfigLoader.keys();
    TreeMap<String, Setting> settings = new TreeMap<>();
    List<String> names = env.keySet().stream().filter(n -> n.startsWith(ConfigKeys.ENV_PREFIX)).sorted().toList();
    for (String name : names) {
      if (HANDLED_ELSEWHERE.contains(name)) {
        continue;
      }
      Key key = keys.byVariable(name).orElseThrow(() -> new ConfigException(unknown(name, keys)));
      if (key.kind() != Kind.VALUE) {
        throw new ConfigException(notAValue(name, key, keys));
      }
      String value = env.get(name);
      if (value != null && !value.isEmpty()) {
        settings.put(name, new Setting(key, value));
      }
    }
    return settings.isEmpty() ? NONE : new ConfigEnvironment(settings);
  }

  public boolean isEmpty() {
    return byVariable.isEmpty();
  }

  /** The variables that set a key, sorted; their values are not shown anywhere (one may be a password). */
  public List<String> variables() {
    return List.copyOf(byVariable.keySet());
  }

  /**
   * Sets each variable's key in {@code root}, the parsed file, as text (bound with the key's type
   * like a quoted value in the file), creating the sections the file leaves out. A section the file
   * gives as something other than a mapping is left alone, so binding reports the file's mistake.
   */
  void applyTo(ObjectNode root) {
    for (Setting s : byVariable.values()) {
      ObjectNode node = root;
      List<String> path = s.key().path();
      for (String section : path.subList(0, path.size() - 1)) {
        JsonNode child = node.get(section);
        if (child == null || child.isNull()) {
          child = node.putObject(section);
        }
        if (!child.isObject()) {
          node = null;
          break;
        }
        node = (ObjectNode) child;
      }
      if (node != null) {
        node.put(path.get(path.size() - 1), s.value());
      }
    }
  }

  /**
   * For an error at {@code dotted} (empty: the whole configuration): the variables that set that
   * key or one inside it, so the operator looks in the right place; empty when none did.
   */
  String note(String dotted) {
    List<Setting> involved =
        byVariable.values().stream()
            .filter(s -> dotted.isEmpty() || s.key().dotted().equals(dotted) || s.key().dotted().startsWith(dotted + "."))
            .toList();
    if (involved.isEmpty()) {
      return "";
    }
    if (involved.size() == 1 && involved.get(0).key().dotted().equals(dotted)) {
      return " (from environment variable " + involved.get(0).key().variable() + ")";
    }
    return " (with " + involved.stream().map(s -> s.key().variable()).collect(Collectors.joining(", "))
        + " from the environment)";
  }

  private static String unknown(String name, ConfigKeys keys) {
    Key section = deepestSection(name, keys);
    String near =
        section == null
            ? "valid ones at the top level: " + topLevel(keys)
            : "valid ones under '" + section.dotted() + "': " + valuesUnder(section, keys);
    String guess = closest(name, keys);
    return "unknown environment variable " + name + ": it names no configuration key"
        + (guess == null ? "" : " (did you mean " + guess + "?)")
        + "; " + near;
  }

  private static String notAValue(String name, Key key, ConfigKeys keys) {
    if (key.kind() == Kind.SECTION) {
      return "environment variable " + name + " names the section '" + key.dotted() + "', not a value; set its keys one by one: "
          + valuesUnder(key, keys);
    }
    return "environment variable " + name + ": '" + key.dotted()
        + "' is a list or a mapping, which only the config file sets";
  }

  /** The section whose variable prefix {@code name} starts with, deepest first; null for none. */
  private static Key deepestSection(String name, ConfigKeys keys) {
    return keys.all().stream()
        .filter(k -> k.kind() == Kind.SECTION && name.startsWith(k.variable() + "_"))
        .max(Comparator.comparingInt(k -> k.path().size()))
        .orElse(null);
  }

  /** The value variables inside {@code section}, and what it holds that only the file can set. */
  private static String valuesUnder(Key section, ConfigKeys keys) {
    List<String> values = new ArrayList<>();
    List<String> fileOnly = new ArrayList<>();
    for (Key k : keys.all()) {
      if (k.isUnder(section)) {
        if (k.kind() == Kind.VALUE) {
          values.add(k.variable());
        } else if (k.kind() == Kind.STRUCTURED) {
          fileOnly.add(k.dotted());
        }
      }
    }
    String list = values.isEmpty() ? "none" : String.join(", ", values);
    return fileOnly.isEmpty() ? list : list + " (" + String.join(", ", fileOnly) + ": in the config file only)";
  }

  private static String topLevel(ConfigKeys keys) {
    return keys.all().stream()
        .filter(k -> k.path().size() == 1)
        .map(k -> switch (k.kind()) {
              case VALUE -> k.variable();
              case SECTION -> k.variable() + "_*";
              case STRUCTURED -> k.dotted() + " (config file only)";
            })
        .collect(Collectors.joining(", "));
  }

  /** A value variable a typo or two away from {@code name}, or null. */
  private static String closest(String name, ConfigKeys keys) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Key k : keys.all()) {
      if (k.kind() != Kind.VALUE) {
        continue;
      }
      int d = distance(name, k.variable());
      if (d < bestDistance) {
        bestDistance = d;
        best = k.variable();
      }
    }
    return bestDistance <= Math.max(2, name.length() / 6) ? best : null;
  }

  /** Edit distance (insertions, deletions, substitutions), two rows at a time. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }
}
