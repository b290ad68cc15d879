package io.linkgate.api.transport;

import java.nio.file.Path;
import java.util.Objects;

/** A PEM certificate chain and its PEM (PKCS#8) private key. */
public record TlsSettings(Path certificateChain, Path privateKey) {
  public TlsSettings {
    Objects.requireNonNull(certificateChain, "certificateChain");
    Objects.requireNonNull(privateKey, "privateKey");
  }
}
