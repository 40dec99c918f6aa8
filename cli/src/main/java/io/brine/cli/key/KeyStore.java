package io.brine.cli.key;

import io.brine.master.pki.KeyChanges;
import io.brine.master.pki.KeyStatus;
import io.brine.master.pki.PkiDirectory;
import io.brine.protocol.MinionId;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Where {@code brine key} lists and changes keys: the PKI folder itself (offline, {@link
 * #folder}), or a running master's operator API ({@link OnlineKeys}), which tells its minion
 * listener so a removed minion is disconnected and the publish key rotates at once.
 */
interface KeyStore {
  /** Every key by status, each list sorted; every status present. */
  Map<KeyStatus, List<MinionId>> list() throws IOException;

  KeyChanges accept(Collection<MinionId> ids, boolean includeRejected, boolean includeDenied)
      throws IOException;

  KeyChanges reject(Collection<MinionId> ids, boolean includeAccepted, boolean includeDenied)
      throws IOException;

  KeyChanges delete(Collection<MinionId> ids) throws IOException;

  /** True when the master itself made the change (and so closes and rotates as needed). */
  boolean online();

  static KeyStore folder(PkiDirectory pki) {
    return new KeyStore() {
      @Override
      public Map<KeyStatus, List<MinionId>> list() throws IOException {
        return pki.list();
      }

      @Override
      public KeyChanges accept(
          Collection<MinionId> ids, boolean includeRejected, boolean includeDenied)
          throws IOException {
        return pki.accept(ids, includeRejected, includeDenied);
      }

      @Override
      public KeyChanges reject(
          Collection<MinionId> ids, boolean includeAccepted, boolean includeDenied)
          throws IOException {
        return pki.reject(ids, includeAccepted, includeDenied);
      }

      @Override
      public KeyChanges delete(Collection<MinionId> ids) throws IOException {
        return pki.delete(ids);
      }

      @Override
      public boolean online() {
        return false;
      }
    };
  }
}
