package io.linkgate.transport.tcp.internal;

import io.linkgate.api.transport.TlsSettings;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** TLS contexts from configuration, with errors that name the files involved. */
final class Tls {
  private Tls() {}

  static SslContext server(TlsSettings settings) throws IOException {
    try {
      return SslContextBuilder.forServer(
              settings.certificateChain().toFile(), settings.privateKey().toFile())
          .build();
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException(
          "cannot use TLS certificate "
              + settings.certificateChain()
              + " with key "
              + settings.privateKey()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * A client context: trusting anything (tests only), the PEM certificates in {@code trusted}, or
   * the JDK's default trust store; host names are verified unless everything is trusted.
   */
  static SslContext client(boolean trustAll, Optional<Path> trusted) throws IOException {
    SslContextBuilder builder = SslContextBuilder.forClient();
    if (trustAll) {
      builder
          .trustManager(InsecureTrustManagerFactory.INSTANCE)
          .endpointIdentificationAlgorithm(null);
    } else {
      trusted.ifPresent(path -> builder.trustManager(path.toFile()));
      builder.endpointIdentificationAlgorithm("HTTPS");
    }
    try {
      return builder.build();
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException("cannot set up TLS: " + e.getMessage(), e);
    }
  }
}
