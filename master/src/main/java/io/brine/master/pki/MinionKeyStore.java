package io.brine.master.pki;

import io.brine.master.pki.AuthResult.Verdict;
import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.Hello;
import java.io.IOException;
import java.security.InvalidKeyException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Where the master keeps its minions' public keys and their states ({@link KeyStatus}), and decides
 * on a key a minion presents, in Salt's order (salt.md §1.4). Two stores: Salt's folder layout for
 * one master ({@link PkiDirectory}), and a database shared by a cluster of masters ({@code
 * io.brine.master.pki.shared.SharedKeyStore}). Both decide with the same rules ({@link KeyRules}).
 * Thread-safe.
 */
public interface MinionKeyStore {
  /**
   * Caps the pending set ({@code max_pending_keys}): a HELLO with a new id beyond it is answered
   * {@link Verdict#PENDING_FULL} and nothing is written.
   */
  void limitPendingKeys(int max);

  /**
   * Records every decision in {@code decisions} before it is carried out; one that cannot be
   * recorded is not carried out ({@link KeyDecisionLog}).
   */
  void recordDecisionsIn(KeyDecisionLog decisions);

  /** The statuses that hold a key for {@code id}; empty when the id is unknown. */
  Set<KeyStatus> statuses(MinionId id) throws IOException;

  /** Every key by status, each list sorted; every status is present, maybe with an empty list. */
  Map<KeyStatus, List<MinionId>> list() throws IOException;

  /**
   * The accepted keys with their stamps, so a job's publisher can resolve its target and notice a
   * key removed or replaced since an earlier listing, also when someone else changed the store.
   */
  AcceptedKeys acceptedKeys() throws IOException;

  /** The stamp of the accepted key of {@code id} now, or empty when it has none. */
  Optional<AcceptedKeys.Stamp> acceptedKeyStamp(MinionId id) throws IOException;

  /**
   * How many accepted keys this instance has removed (rejected, deleted or replaced) since it
   * opened. It grows before the key goes, so whoever reads it after sealing something under the
   * publish key knows whether a removal may have come first. Removals made elsewhere are reported
   * by {@link #watchAccepted}.
   */
  long acceptedKeyRemovals();

  /** The stored PEM, or empty when {@code status} holds no key for {@code id}. */
  Optional<String> publicKeyPem(KeyStatus status, MinionId id) throws IOException;

  /** The master's own {@code master.pub}, if the master has published it. */
  Optional<String> masterPublicKeyPem() throws IOException;

  /**
   * Decides on a minion that presents {@code publicKeyPem}, writing or moving its key as the
   * decision requires. A key that is not an acceptable RSA key is refused before anything is read
   * or written.
   *
   * @throws InvalidKeyException the key does not parse, is not RSA, or breaks the key policy
   */
  AuthResult authorize(MinionId id, String publicKeyPem) throws InvalidKeyException, IOException;

  /**
   * As {@link #authorize(MinionId, String)} for a parsed HELLO, whose parser has read the key and
   * checked it against the key policy already: parsing a key costs more than the rest of this
   * decision.
   */
  default AuthResult authorize(Hello hello) throws IOException {
    return authorize(hello, () -> true);
  }

  /**
   * As {@link #authorize(Hello)}, asking {@code mayRecordNewId} before writing a key for an id the
   * store does not hold (pending, or auto-accepted or auto-rejected): false is answered {@link
   * Verdict#THROTTLED} and writes nothing. The caller's rate limit per address goes here.
   *
   * @throws KeysUnavailable the store cannot decide for now (a cluster master whose row key is not
   *     loaded or whose database cannot be reached): the handshake answers SEALED
   */
  AuthResult authorize(Hello hello, BooleanSupplier mayRecordNewId) throws IOException;

  /**
   * {@code brine key -a}: moves the ids' pending keys (and rejected, denied ones when asked) to
   * accepted. When an id has keys in several of these, they are moved in the order pending,
   * rejected, denied and the last one is the key that ends up accepted. Accepting a denied key
   * replaces the accepted one. A key that does not parse stays where it is.
   */
  KeyChanges accept(Collection<MinionId> ids, boolean includeRejected, boolean includeDenied)
      throws IOException;

  /**
   * {@code brine key -r}: moves the ids' pending keys (and accepted, denied ones when asked) to
   * rejected.
   */
  KeyChanges reject(Collection<MinionId> ids, boolean includeAccepted, boolean includeDenied)
      throws IOException;

  /** {@code brine key -d}: deletes the ids' keys in every status. */
  KeyChanges delete(Collection<MinionId> ids) throws IOException;

  /**
   * {@code brine key --import}: copies keys from another master's PKI folder into this store, each
   * in its status, as one unit (one transaction on a shared store; under the folder's lock, each
   * file written atomically, on a folder). A key the store holds already in that status is
   * unchanged; another key there, or the id held in another of accepted, pending and rejected, is a
   * conflict left out with its reason ({@link KeyRules#importKeys}). So it can run again, and after
   * an interrupted run, with the same result. An imported accepted key is accepted: its minion
   * authenticates with it. The keys must be {@link ImportedKey#checked} by whoever took them from
   * outside.
   *
   * @param keys at most {@link ImportedKey#MAX_BATCH}
   * @param dryRun true to report what would happen and write nothing
   * @throws IllegalArgumentException for more than {@link ImportedKey#MAX_BATCH} keys
   */
  KeyImport importKeys(Collection<ImportedKey> keys, boolean dryRun) throws IOException;

  /**
   * Starts telling {@code watcher}, on a thread of the store's, about changes to the accepted keys,
   * wherever they were made: through this instance, through another instance on the same store
   * (another master, an offline {@code brine key}) or behind brine's back. It is also told to
   * compare now and then whatever happened, so a lost event costs a delay, never a removal.
   */
  Watch watchAccepted(Watcher watcher) throws IOException;

  /**
   * The number of the removal that took the accepted keys of {@code ids}, when every one of them
   * went by a removal this store numbered: the highest such number (a shared store's history
   * orders its removals; the publish key records which had committed when it was made). Empty when
   * the store numbers nothing (a folder), or when any of them went otherwise (a row deleted behind
   * brine's back, a key replaced) or was accepted again since: then every key made so far must be
   * taken as held by a removed minion.
   *
   * @throws IOException when the store cannot be read now
   */
  default OptionalLong removalNumber(Collection<MinionId> ids) throws IOException {
    return OptionalLong.empty();
  }

  /** What {@link #watchAccepted} reports. */
  @FunctionalInterface
  interface Watcher {
    /**
     * @param written ids whose accepted key was written: a new key, or one replacing another
     * @param compare true when an accepted key may have gone or changed, when changes may have been
     *     missed, or when a periodic comparison is due: compare a full listing
     */
    void changed(Set<MinionId> written, boolean compare);
  }

  /** A running {@link #watchAccepted}; closing it stops its thread. */
  interface Watch extends AutoCloseable {
    @Override
    void close();
  }
}
