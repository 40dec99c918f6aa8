package io.brine.protocol.handshake;

import java.security.interfaces.RSAPublicKey;
import java.util.Locale;

/**
 * What a minion knows about the master's key before a handshake: the pinned key ({@code
 * minion_master.pub}) once it has one, and/or the operator's {@code master_finger}. With neither,
 * the first master to answer is trusted and its key is pinned (trust on first use), as Salt does.
 *
 * @param pinned the pinned master key, or null before first contact
 * @param finger {@code master_finger} (Salt's colon-separated SHA-256 hex), or null
 */
public record MasterTrust(RSAPublicKey pinned, String finger) {
  public MasterTrust {
    if (finger != null) {
      finger = finger.trim().toLowerCase(Locale.ROOT);
    }
  }

  public static MasterTrust firstContact() {
    return new MasterTrust(null, null);
  }

  public static MasterTrust pinned(RSAPublicKey key) {
    return new MasterTrust(key, null);
  }

  public static MasterTrust finger(String masterFinger) {
    return new MasterTrust(null, masterFinger);
  }
}
