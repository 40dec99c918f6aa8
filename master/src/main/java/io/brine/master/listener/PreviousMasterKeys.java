package io.brine.master.listener;

import io.brine.protocol.handshake.MasterHandshake;
import java.util.List;

/**
 * The master's previous RSA keys as the handshakes use them (docs/protocol.md §2.8).
 *
 * @param retained the predecessors still in their grace, newest first, each with its chain to the
 *     current key
 * @param rotated whether the master's key ever rotated: then a token no key opens is answered
 *     (signed) so a minion pinned to a destroyed key can say what to do
 */
public record PreviousMasterKeys(List<MasterHandshake.RetainedKey> retained, boolean rotated) {
  /** A master whose key never rotated. */
  public static final PreviousMasterKeys NONE = new PreviousMasterKeys(List.of(), false);

  public PreviousMasterKeys {
    retained = List.copyOf(retained);
  }
}
