package io.brine.crypto.kdf;

import io.brine.crypto.SecretAccess;
import io.brine.crypto.SecretBytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * HKDF with SHA-256 (RFC 5869), extract then expand, through Bouncy Castle's generator. The
 * handshake uses it to turn a wrapped random key and an X25519 secret into one session key, and a
 * token into a MAC key; {@code info} names the purpose so no two uses share a key.
 */
public final class HkdfSha256 {
  /** RFC 5869: at most 255 blocks of the hash's 32 bytes. */
  public static final int MAX_OUTPUT_BYTES = 255 * 32;

  private HkdfSha256() {}

  /**
   * @param salt may be empty (RFC 5869 then uses 32 zero bytes)
   * @param info may be empty
   * @throws IllegalArgumentException for a length outside 1..8160
   */
  public static SecretBytes derive(SecretBytes ikm, byte[] salt, byte[] info, int lengthBytes) {
    return deriveEach(ikm, salt, lengthBytes, info).get(0);
  }

  /**
   * {@link #derive} once for each of {@code infos}, from one extract step: the outputs are the
   * same, and the handshake, which derives two keys from one secret, does the extract's HMAC and
   * holds the pseudorandom key once instead of twice.
   *
   * @return one output per info, in order; the caller's to destroy
   */
  public static List<SecretBytes> deriveEach(
      SecretBytes ikm, byte[] salt, int lengthBytes, byte[]... infos) {
    if (lengthBytes < 1 || lengthBytes > MAX_OUTPUT_BYTES) {
      throw new IllegalArgumentException(
          "HKDF-SHA256 output must be 1.." + MAX_OUTPUT_BYTES + " bytes, not " + lengthBytes);
    }
    byte[] key = ikm.copyOut(SecretAccess.INSECURE);
    byte[] prk = null;
    try {
      HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
      prk = hkdf.extractPRK(emptyIfNull(salt), key);
      List<SecretBytes> outputs = new ArrayList<>(infos.length);
      for (byte[] info : infos) {
        hkdf.init(HKDFParameters.skipExtractParameters(prk, emptyIfNull(info)));
        byte[] out = new byte[lengthBytes];
        hkdf.generateBytes(out, 0, lengthBytes);
        outputs.add(SecretBytes.wrap(out));
      }
      return outputs;
    } finally {
      Arrays.fill(key, (byte) 0);
      if (prk != null) {
        Arrays.fill(prk, (byte) 0);
      }
    }
  }

  private static byte[] emptyIfNull(byte[] b) {
    return b == null ? new byte[0] : b;
  }
}
