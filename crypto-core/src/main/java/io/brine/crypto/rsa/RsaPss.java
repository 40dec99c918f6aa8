package io.brine.crypto.rsa;

import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/** The one RSASSA-PSS parameter set brine uses: SHA-256, MGF1-SHA-256, 32-byte salt. */
final class RsaPss {
  static final String ALGORITHM = "RSASSA-PSS";

  static final PSSParameterSpec SHA256 =
      new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);

  private RsaPss() {}
}
