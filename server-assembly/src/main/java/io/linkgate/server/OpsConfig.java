package io.linkgate.server;

/**
 * The operations listener: Prometheus metrics, health and readiness, and the admin API, on a port
 * of its own (never one clients use).
 *
 * @param enabled default true
 * @param port default 9100; 0 picks a free one
 * @param bindHost default the node's {@code bind-host}
 * @param adminToken the bearer token the admin API requires (at least 16 characters); without one
 *     the admin API is off and answers 403. Prefer the environment variable {@code
 *     LINKGATE_OPS_ADMIN_TOKEN} to writing it here
 */
public record OpsConfig(Boolean enabled, Integer port, String bindHost, String adminToken) {
  public static final int DEFAULT_PORT = 9100;
  static final int MIN_TOKEN_LENGTH = 16;

  public OpsConfig {
    enabled = enabled == null || enabled;
    port = port == null ? DEFAULT_PORT : port;
    if (port < 0 || port > 65535) {
      throw new ConfigException("ops.port must be 0..65535, got " + port);
    }
    bindHost = bindHost == null || bindHost.isBlank() ? null : bindHost.trim();
    adminToken = adminToken == null || adminToken.isEmpty() ? null : adminToken;
    if (adminToken != null && adminToken.length() < MIN_TOKEN_LENGTH) {
      throw new ConfigException("ops.admin-token must be at least " + MIN_TOKEN_LENGTH + " characters");
    }
  }

  public static OpsConfig defaults() {
    return new OpsConfig(null, null, null, null);
  }

  public OpsConfig withPort(int newPort) {
    return new OpsConfig(enabled, newPort, bindHost, adminToken);
  }

  public OpsConfig withAdminToken(String token) {
    return new OpsConfig(enabled, port, bindHost, token);
  }

  @Override
  public String toString() {
    return "OpsConfig[enabled=" + enabled + ", port=" + port + ", bindHost=" + bindHost
        + ", adminToken=" + (adminToken == null ? "none" : "***") + "]";
  }
}
