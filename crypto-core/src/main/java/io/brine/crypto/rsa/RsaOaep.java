package io.brine.crypto.rsa;

import java.security.spec.MGF1ParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/** The one OAEP parameter set brine uses, spelled out because the JDK's default MGF1 is SHA-1. */
final class RsaOaep {
  static final String TRANSFORMATION = "RSA/ECB/OAEPPadding";

  /** SHA-256 for the label hash and for MGF1, empty label: what OpenBao and Tink call OAEP-SHA256. */
  static final OAEPParameterSpec SHA256 =
      new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);

  /** The longest plaintext a key of {@code modulusBits} can take: k - 2·hLen - 2 bytes. */
  static int maxPlaintextBytes(int modulusBits) {
    return (modulusBits + 7) / 8 - 2 * 32 - 2;
  }

  private RsaOaep() {}
}
