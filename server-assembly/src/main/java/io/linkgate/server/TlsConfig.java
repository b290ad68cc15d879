package io.linkgate.server;

import io.linkgate.api.transport.TlsSettings;
import java.nio.file.Path;

/**
 * TLS for one listener.
 *
 * @param certificateChain path of the PEM certificate chain, leaf first
 * @param privateKey path of the PEM (PKCS#8) private key
 */
public record TlsConfig(String certificateChain, String privateKey) {
  public TlsConfig {
    if (certificateChain == null || certificateChain.isBlank()) {
      throw new ConfigException("tls needs 'certificate-chain', the path of a PEM certificate chain");
    }
    if (privateKey == null || privateKey.isBlank()) {
      throw new ConfigException("tls needs 'private-key', the path of a PEM (PKCS#8) private key");
    }
  }

  public TlsSettings toSettings() {
    return new TlsSettings(Path.of(certificateChain), Path.of(privateKey));
  }
}
