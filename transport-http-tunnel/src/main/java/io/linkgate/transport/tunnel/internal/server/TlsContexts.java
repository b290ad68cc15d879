package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.transport.TlsSettings;
import io.linkgate.transport.tunnel.internal.PemFiles;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Base64;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** The server's TLS from the PEM files in configuration, the same files TCP reads. */
final class TlsContexts {
  private TlsContexts() {}

  static SslContextFactory.Server server(TlsSettings settings) throws IOException {
    // The key store lives in memory only; its password just has to be the same twice.
    byte[] random = new byte[18];
    new SecureRandom().nextBytes(random);
    String password = Base64.getEncoder().encodeToString(random);
    SslContextFactory.Server factory = new SslContextFactory.Server();
    factory.setKeyStore(
        PemFiles.keyStore(
            settings.certificateChain(), settings.privateKey(), password.toCharArray()));
    factory.setKeyStorePassword(password);
    factory.setKeyManagerPassword(password);
    return factory;
  }
}
