package io.linkgate.server.internal;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.transport.TransportProvider;
import io.linkgate.server.AuthConfig;
import io.linkgate.server.LinkgateConfig;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a node says when it starts: one line per listener, and the warnings an operator must see. */
public final class StartupLog {
  private static final Logger log = LoggerFactory.getLogger("io.linkgate.server");

  private StartupLog() {}

  public static void developmentSecretWarning() {
    String bar = "#".repeat(78);
    log.warn(bar);
    log.warn("#  NO AUTH SECRET CONFIGURED: this node accepts tokens signed with the built-in");
    log.warn("#  development secret, which is public. Anyone can connect as any user.");
    log.warn("#  Set auth.secret in the config file or the {} environment variable.", AuthConfig.SECRET_ENV);
    log.warn(bar);
  }

  public static void ops(java.net.InetSocketAddress address, boolean admin) {
    log.info(
        "ops listener on {}:{}: /metrics, /health/live, /health/ready{}",
        address.getHostString(), address.getPort(),
        admin ? ", /admin/v1/" : " (admin API off: no ops.admin-token)");
  }

  public static void dispatch(java.net.InetSocketAddress address) {
    log.info("dispatch listener on {}:{}: GET /v1/dispatch, POST /v1/dispatch/report", address.getHostString(), address.getPort());
  }

  public static void started(
      LinkgateConfig config, List<TransportProvider> providers, List<Endpoint> bound, List<Endpoint> advertised) {
    log.info(
        "transports on the class path: {}",
        providers.stream().map(p -> p.name() + " (" + p.getClass().getName() + ")").collect(Collectors.joining(", ")));
    for (Endpoint e : bound) {
      log.info(
          "listening: {} {} on {}:{}{}",
          e.getTransport(), e.getRole().name().toLowerCase(Locale.ROOT), e.getHost(), e.getPort(),
          e.getTls() ? " (tls)" : "");
    }
    log.info("store: {}", config.store().describe());
    if (config.sends().handler().equals(io.linkgate.server.SendsConfig.REDIS_STREAM)) {
      log.info("sends: appended to the Redis Stream '{}', delivered by the business service consuming it", config.sends().stream());
    }
    log.info(
        "node {} started; clients connect to {}",
        config.nodeId(),
        advertised.stream()
            .map(e -> e.getTransport() + "/" + e.getRole().name().toLowerCase(Locale.ROOT) + " " + e.getHost() + ":" + e.getPort())
            .collect(Collectors.joining(", ")));
  }
}
