package io.brine.master.pki.shared;

import io.brine.crypto.InvalidMacException;
import io.brine.crypto.mac.HmacSha256;
import io.brine.master.pki.KeyRules;
import io.brine.master.pki.KeyStatus;
import io.brine.protocol.MinionId;
import java.nio.charset.StandardCharsets;

/**
 * The integrity tag of one row of {@code brine_minion_keys}: HMAC-SHA-256 over its id, state and
 * key, so a database writer can neither change a row's state or key nor insert one that verifies.
 * Fields are separated by NUL, which a minion id and a state name cannot hold; the key comes last.
 */
final class RowMac {
  private static final String DOMAIN = "brine-minion-key-v1";

  private final HmacSha256 mac;

  RowMac(HmacSha256 mac) {
    this.mac = mac;
  }

  byte[] tag(MinionId id, KeyStatus status, String pem) {
    return mac.compute(input(id.value(), status, pem));
  }

  /** Constant-time; false for a missing tag or key. */
  boolean verifies(MinionId id, KeyStatus status, String pem, byte[] tag) {
    if (pem == null || tag == null) {
      return false;
    }
    try {
      mac.verify(tag, input(id.value(), status, pem));
      return true;
    } catch (InvalidMacException e) {
      return false;
    }
  }

  private static byte[] input(String id, KeyStatus status, String pem) {
    return (DOMAIN + '\0' + id + '\0' + KeyRules.label(status) + '\0' + pem)
        .getBytes(StandardCharsets.UTF_8);
  }
}
