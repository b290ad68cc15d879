package io.linkgate.transport.tcp.internal;

import io.linkgate.api.transport.TlsSettings;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One self-signed certificate for localhost and 127.0.0.1, made once per test run. */
final class TestCertificates {
  private static X509Bundle bundle;

  private TestCertificates() {}

  private static synchronized X509Bundle bundle() {
    if (bundle == null) {
      try {
        bundle =
            new CertificateBuilder()
                .subject("CN=localhost")
                .addSanDnsName("localhost")
                .addSanIpAddress("127.0.0.1")
                .setIsCertificateAuthority(true)
                .ecp256()
                .buildSelfSigned();
      } catch (Exception e) {
        throw new IllegalStateException("cannot make a test certificate", e);
      }
    }
    return bundle;
  }

  /** Writes the certificate and its PKCS#8 key as PEM files into {@code dir}. */
  static TlsSettings write(Path dir) {
    try {
      Path cert = Files.writeString(dir.resolve("cert.pem"), bundle().getCertificatePEM());
      Path key = Files.writeString(dir.resolve("key.pem"), bundle().getPrivateKeyPEM());
      return new TlsSettings(cert, key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
