package io.linkgate.server.internal;

import java.net.InetAddress;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/** Defaults that depend on the machine: the node id and the host clients are told to use. */
public final class NodeDefaults {
  private NodeDefaults() {}

  /**
   * The host name plus a random suffix: readable in logs, and two nodes started on one machine
   * without an explicit id still differ.
   */
  public static String nodeId() {
    String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0x1000000));
    return HostName.VALUE.toLowerCase(Locale.ROOT) + "-" + suffix;
  }

  /** The bind host when it is a specific address; the host name when binding every address. */
  public static String advertiseHost(String bindHost) {
    return isWildcard(bindHost) ? HostName.VALUE : bindHost;
  }

  public static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
  }

  /** Looked up once, on first use: resolving the local name can be slow on a badly set up host. */
  private static final class HostName {
    static final String VALUE = lookup();

    private static String lookup() {
      String env = System.getenv("HOSTNAME");
      if (env != null && !env.isBlank()) {
        return env.trim();
      }
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (Exception e) {
        return "localhost";
      }
    }
  }
}
