package io.brine.cli.key;

import io.brine.master.pki.KeyChanges;
import io.brine.master.pki.KeyStatus;
import io.brine.master.pki.PkiDirectory;
import io.brine.protocol.MinionId;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

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

  /** The public key PEMs of {@code ids}, by status; ids without a key in a status are left out. */
  Map<KeyStatus, Map<MinionId, String>> publicKeys(Collection<MinionId> ids) throws IOException;

  /** The master's own public key, empty before the first unseal made it. */
  Optional<String> masterPublicKeyPem() throws IOException;

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
      public Map<KeyStatus, Map<MinionId, String>> publicKeys(Collection<MinionId> ids)
          throws IOException {
        Map<KeyStatus, Map<MinionId, String>> all = new EnumMap<>(KeyStatus.class);
        for (KeyStatus status : KeyStatus.values()) {
          Map<MinionId, String> byId = new TreeMap<>();
          for (MinionId id : ids) {
            Optional<String> pem = pki.publicKeyPem(status, id);
            if (pem.isPresent()) {
              byId.put(id, pem.get());
            }
          }
          all.put(status, byId);
        }
        return all;
      }

      @Override
      public Optional<String> masterPublicKeyPem() throws IOException {
        return pki.masterPublicKeyPem();
      }

      @Override
      public boolean online() {
        return false;
      }
    };
  }
}
