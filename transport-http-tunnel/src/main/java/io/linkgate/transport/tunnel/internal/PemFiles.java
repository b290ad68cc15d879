package io.linkgate.transport.tunnel.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * PEM certificates and PKCS#8 keys as the JDK's key stores, with errors that name the file. The
 * same files the TCP transport reads (its Netty reader takes the same formats).
 */
public final class PemFiles {
  private static final String BEGIN_KEY = "-----BEGIN PRIVATE KEY-----";
  private static final String END_KEY = "-----END PRIVATE KEY-----";
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

  private PemFiles() {}

  /** A key store holding {@code key} with its {@code chain} under the alias "server". */
  public static KeyStore keyStore(Path chain, Path key, char[] password) throws IOException {
    List<Certificate> certificates = certificates(chain);
    if (certificates.isEmpty()) {
      throw new IOException("no certificate in " + chain);
    }
    PrivateKey privateKey = privateKey(key);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("server", privateKey, password, certificates.toArray(new Certificate[0]));
      return store;
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "cannot use key " + key + " with certificate " + chain + ": " + e.getMessage(), e);
    }
  }

  /** A trust store holding every certificate in {@code pem}. */
  public static KeyStore trustStore(Path pem) throws IOException {
    List<Certificate> certificates = certificates(pem);
    if (certificates.isEmpty()) {
      throw new IOException("no certificate in " + pem);
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (Certificate c : certificates) {
        store.setCertificateEntry("trusted-" + i++, c);
      }
      return store;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot trust the certificates in " + pem + ": " + e.getMessage(), e);
    }
  }

  static List<Certificate> certificates(Path pem) throws IOException {
    try (InputStream in = Files.newInputStream(pem)) {
      return List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read PEM certificates from " + pem + ": " + e.getMessage(), e);
    }
  }

  static PrivateKey privateKey(Path pem) throws IOException {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    int begin = text.indexOf(BEGIN_KEY);
    int end = text.indexOf(END_KEY);
    if (begin < 0 || end < begin) {
      throw new IOException(
          pem
              + " holds no unencrypted PKCS#8 key ('"
              + BEGIN_KEY
              + "'); convert one with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key8.pem");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(text.substring(begin + BEGIN_KEY.length(), end).trim());
    } catch (IllegalArgumentException e) {
      throw new IOException("the key in " + pem + " is not valid base64", e);
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // not this algorithm: try the next
      }
    }
    throw new IOException("the key in " + pem + " is none of " + KEY_ALGORITHMS);
  }
}
