package io.linkgate.examples.business;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the service is started with. Each setting comes from a command-line option, else from an
 * environment variable, else from its default.
 *
 * <p>The variables start with {@code BUSINESS_}, not {@code LINKGATE_}: a gateway stops at startup on
 * a {@code LINKGATE_} variable it does not know, and the two often share an environment.
 *
 * @param redisUri the cluster's Redis, the gateways' {@code store.uri}
 * @param stream the uplink stream, the gateways' {@code sends.stream}
 * @param group the consumer group: every instance of this service uses the same one, and each entry
 *     goes to one of them
 * @param consumer this instance's name in the group; keep it across restarts (a host or pod name) so
 *     a restarted instance takes up at once what it had read and not finished
 * @param keyPrefix the gateways' {@code store.key-prefix}
 * @param botUser the user id the bot answers as ({@code user:<botUser>})
 * @param maxFrameBytes the gateways' {@code limits.max-frame-bytes}: a push larger than this is refused
 */
public record ServiceConfig(
    String redisUri,
    String stream,
    String group,
    String consumer,
    String keyPrefix,
    String botUser,
    int maxFrameBytes) {

  /** One setting: its option, its variable, its default, and what it is for (for {@code --help}). */
  private record Setting(String option, String variable, String fallback, String help) {}

  private static final List<Setting> SETTINGS =
      List.of(
          new Setting("--redis", "BUSINESS_REDIS_URI", "redis://127.0.0.1:6379", "the cluster's Redis (the gateways' store.uri)"),
          new Setting("--stream", "BUSINESS_STREAM", "lg:uplink", "the uplink stream (the gateways' sends.stream)"),
          new Setting("--group", "BUSINESS_GROUP", "business-service", "consumer group shared by every instance"),
          new Setting("--consumer", "BUSINESS_CONSUMER", null, "this instance's name in the group (default: the host name)"),
          new Setting("--key-prefix", "BUSINESS_KEY_PREFIX", "lg:", "the gateways' store.key-prefix"),
          new Setting("--bot-user", "BUSINESS_BOT_USER", "timebot", "the bot's user id: sends to user:<id> are commands"),
          new Setting("--max-frame-bytes", "BUSINESS_MAX_FRAME_BYTES", "65536", "the gateways' limits.max-frame-bytes"));

  public ServiceConfig {
    require("redis", redisUri);
    if (!redisUri.startsWith("redis://") && !redisUri.startsWith("rediss://")) {
      throw new IllegalArgumentException("--redis must start with redis:// or rediss://, got '" + redisUri + "'");
    }
    require("stream", stream);
    require("group", group);
    if (group.indexOf('{') >= 0 || group.indexOf('}') >= 0) {
      // It names the service's own Redis keys, whose hash tags must stay the sender's.
      throw new IllegalArgumentException("--group must not contain '{' or '}', got '" + group + "'");
    }
    require("consumer", consumer);
    if (keyPrefix == null || keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
      throw new IllegalArgumentException("--key-prefix must not contain '{' or '}', got '" + keyPrefix + "'");
    }
    require("bot-user", botUser);
    if (botUser.length() > 256) {
      throw new IllegalArgumentException("--bot-user is longer than 256 characters");
    }
    if (maxFrameBytes < 1024) {
      throw new IllegalArgumentException("--max-frame-bytes must be at least 1024, got " + maxFrameBytes);
    }
  }

  /** The bot's address as clients write it in {@code Send.to}. */
  public String botAddress() {
    return "user:" + botUser;
  }

  /**
   * @param args {@code --name value} or {@code --name=value}, each at most once
   * @param env the process environment (tests pass a map)
   * @throws IllegalArgumentException naming the option at fault, for an unknown option, a missing
   *     value or a bad one
   */
  public static ServiceConfig parse(String[] args, Map<String, String> env) {
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      String option = name;
      if (SETTINGS.stream().noneMatch(s -> s.option().equals(option))) {
        throw new IllegalArgumentException("unknown option '" + arg + "'\n" + usage());
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(name + " needs a value");
        }
        value = args[++i];
      }
      if (given.put(name, value) != null) {
        throw new IllegalArgumentException(name + " given twice");
      }
    }
    Map<String, String> v = new LinkedHashMap<>();
    for (Setting s : SETTINGS) {
      String fromEnv = env.get(s.variable());
      v.put(s.option(), given.getOrDefault(s.option(), fromEnv != null && !fromEnv.isBlank() ? fromEnv : s.fallback()));
    }
    String consumer = v.get("--consumer") != null ? v.get("--consumer") : hostName();
    int maxFrameBytes;
    try {
      maxFrameBytes = Integer.parseInt(v.get("--max-frame-bytes").trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--max-frame-bytes must be a number, got '" + v.get("--max-frame-bytes") + "'");
    }
    return new ServiceConfig(
        v.get("--redis"), v.get("--stream"), v.get("--group"), consumer, v.get("--key-prefix"), v.get("--bot-user"), maxFrameBytes);
  }

  /** Every option with its variable and default. */
  public static String usage() {
    StringBuilder sb = new StringBuilder("usage: business-service [options]\n");
    for (Setting s : SETTINGS) {
      sb.append(String.format("  %-18s %-26s %s%s%n", s.option(), "(" + s.variable() + ")", s.help(),
          s.fallback() == null ? "" : "; default " + s.fallback()));
    }
    return sb.toString();
  }

  private static String hostName() {
    String fromEnv = System.getenv("HOSTNAME");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "business-service-1";
    }
  }

  private static void require(String what, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("--" + what + " must not be empty");
    }
  }

  @Override
  public String toString() {
    return "redis " + redisUri.replaceAll("//[^@/]*@", "//***@") + ", stream " + stream + ", group " + group
        + ", consumer " + consumer + ", key prefix '" + keyPrefix + "', bot " + botAddress();
  }
}
