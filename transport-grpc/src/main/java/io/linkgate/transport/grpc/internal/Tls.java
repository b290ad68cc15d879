package io.linkgate.transport.grpc.internal;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.linkgate.api.transport.TlsSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** TLS contexts (HTTP/2 over ALPN, as gRPC needs) from configuration, errors naming the files. */
final class Tls {
  private Tls() {}

  static SslContext server(TlsSettings settings) throws IOException {
    try {
      return GrpcSslContexts.forServer(
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
   * A client context: trusting anything (tests only; no host name check either), the PEM
   * certificates in {@code trusted}, or the JDK's default trust store.
   */
  static SslContext client(boolean trustAll, Optional<Path> trusted) throws IOException {
    SslContextBuilder builder = GrpcSslContexts.forClient();
    if (trustAll) {
      // An X509ExtendedTrustManager that accepts everything: the JDK then runs no host name check.
      builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
    } else {
      trusted.ifPresent(path -> builder.trustManager(path.toFile()));
    }
    try {
      return builder.build();
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException("cannot set up TLS: " + e.getMessage(), e);
    }
  }
}
