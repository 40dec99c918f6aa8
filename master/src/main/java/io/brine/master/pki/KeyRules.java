package io.brine.master.pki;

import io.brine.crypto.rsa.Pem;
import io.brine.master.pki.AuthResult.Verdict;
import io.brine.master.pki.KeyChanges.Change;
import io.brine.master.pki.KeyChanges.Refusal;
import io.brine.protocol.MinionId;
import java.io.IOException;
import java.security.InvalidKeyException;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Salt's decisions on a minion's key (salt.md §1.4) and the operator's transitions, written once
 * for every {@link MinionKeyStore}: a store hands its keys over as {@link Slots}, inside whatever
 * makes the decision atomic there (the folder's lock; a database transaction holding the ids'
 * locks), and carries out what these rules write.
 *
 * <p>Per instance it holds the policy, the pending cap, the decision log and the count of accepted
 * keys removed. Thread-safe; the {@link Slots} of one call are used by that call only.
 */
public final class KeyRules {
  private static final Logger log = LoggerFactory.getLogger(KeyRules.class);

  /** The refusal of a decision the audit log could not record. */
  public static final String NOT_RECORDED = "not carried out: the audit log could not record it";

  /**
   * A pending count older than this is counted again (an operator elsewhere may have moved some).
   */
  private static final long PENDING_COUNT_MAX_AGE_NANOS = 1_000_000_000L;

  /**
   * One store's keys as the rules read and change them, valid for one call. At most one key per
   * (status, id); texts are as {@link #normalize} leaves them when the rules write them.
   */
  public interface Slots {
    /**
     * The key text of {@code id} in {@code status}, or null when there is none.
     *
     * @throws UnreadableKeyException when an entry is there but holds nothing usable
     */
    String read(KeyStatus status, MinionId id) throws IOException;

    /** True when {@code status} holds an entry for {@code id}, usable or not. */
    boolean exists(KeyStatus status, MinionId id) throws IOException;

    /** Creates or replaces the key of {@code id} in {@code status}. */
    void write(KeyStatus status, MinionId id, String text, KeySource source) throws IOException;

    /** Moves the key from {@code from} to {@code to}, replacing what {@code to} held. */
    void move(MinionId id, KeyStatus from, KeyStatus to, String text, KeySource source)
        throws IOException;

    /** Removes the entry of {@code id} in {@code status}; false when there was none. */
    boolean delete(KeyStatus status, MinionId id, KeySource source) throws IOException;

    /** Entries in {@link KeyStatus#PENDING}, all ids. */
    int countPending() throws IOException;
  }

  private final AcceptancePolicy policy;

  /** Grows, inside the store's unit of work, just before an accepted key of this instance goes. */
  private final AtomicLong acceptedRemovals = new AtomicLong();

  /** At most this many pending keys: strangers cannot fill the store with new ids. */
  private volatile int maxPendingKeys = Integer.MAX_VALUE;

  private volatile KeyDecisionLog decisions = KeyDecisionLog.NONE;

  /** Pending keys as last counted, and when (nanoTime); guarded by {@code this}. */
  private int pendingCount = -1;

  private long pendingCountedAt;

  public KeyRules(AcceptancePolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** {@link MinionKeyStore#limitPendingKeys}. */
  public void limitPendingKeys(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max_pending_keys must be >= 1");
    }
    maxPendingKeys = max;
  }

  /** {@link MinionKeyStore#recordDecisionsIn}. */
  public void recordDecisionsIn(KeyDecisionLog decisions) {
    this.decisions = Objects.requireNonNull(decisions);
  }

  /** {@link MinionKeyStore#acceptedKeyRemovals}. */
  public long acceptedKeyRemovals() {
    return acceptedRemovals.get();
  }

  /**
   * The answer for a minion whose accepted key is presented again (the common case: every
   * reconnect), reading only; null when the full decision must run. A store may call it before it
   * takes any lock: a key accepted when read is the same answer as one decided a moment earlier.
   * {@code presented} must be {@code text} parsed (it is handed back to wrap secrets to).
   */
  public AuthResult alreadyAccepted(Slots slots, MinionId id, RSAPublicKey presented, String text)
      throws IOException {
    if (slots.exists(KeyStatus.REJECTED, id)) {
      return null;
    }
    String normalized = normalize(text);
    String accepted;
    try {
      accepted = slots.read(KeyStatus.ACCEPTED, id);
    } catch (UnreadableKeyException e) {
      return null;
    }
    if (accepted == null) {
      return null;
    }
    if (normalized.equals(accepted)) {
      // The same text parses to the same key: the common case costs no second parse.
      return AuthResult.accepted(presented);
    }
    try {
      RSAPublicKey acceptedKey = Pem.readPublicKey(accepted);
      return presented.equals(acceptedKey) ? AuthResult.accepted(acceptedKey) : null;
    } catch (InvalidKeyException e) {
      return null;
    }
  }

  /**
   * Decides on a minion presenting {@code text}, whose parsed form is {@code presented} (the caller
   * guarantees it: an accepted minion gets it back to wrap its secrets to), asking {@code
   * mayRecordNewId} before writing a key for an id the store does not hold.
   */
  public AuthResult authorize(
      Slots slots, MinionId id, RSAPublicKey presented, String text, BooleanSupplier mayRecordNewId)
      throws IOException {
    try {
      return decide(slots, id, presented, normalize(text), mayRecordNewId);
    } catch (UnreadableKeyException e) {
      if (e.logged()) {
        log.debug("refusing minion {}: {}", id, e.getMessage());
      } else {
        log.warn("refusing minion {}: {}", id, e.getMessage());
      }
      return AuthResult.of(Verdict.REJECTED);
    }
  }

  private AuthResult decide(
      Slots slots, MinionId id, RSAPublicKey presented, String text, BooleanSupplier mayRecordNewId)
      throws IOException {
    if (slots.exists(KeyStatus.REJECTED, id)) {
      log.debug("minion {} refused: its id is rejected", id);
      return AuthResult.of(Verdict.REJECTED);
    }
    String accepted = slots.read(KeyStatus.ACCEPTED, id);
    if (accepted != null) {
      if (text.equals(accepted)) {
        return AuthResult.accepted(presented);
      }
      RSAPublicKey acceptedKey = parseStored(KeyStatus.ACCEPTED, id, accepted);
      if (presented.equals(acceptedKey)) {
        return AuthResult.accepted(acceptedKey);
      }
      return deny(slots, id, text);
    }
    String pending = slots.read(KeyStatus.PENDING, id);
    if (pending == null) {
      // A new id: what a stranger can make us write. Checked in this order so that a full
      // pending set costs a flooder's rate nothing it could spend later.
      if (!policy.autoRejected(id)
          && !policy.autoSigned(id)
          && pendingKeys(slots) >= maxPendingKeys) {
        return AuthResult.of(Verdict.PENDING_FULL);
      }
      if (!mayRecordNewId.getAsBoolean()) {
        return AuthResult.of(Verdict.THROTTLED);
      }
      // An automatic decision that cannot be recorded is not carried out: the key waits in
      // pending, and the minion's retry asks again.
      if (policy.autoRejected(id) && decisions.record(KeyDecision.AUTOREJECT, id, text)) {
        slots.write(KeyStatus.REJECTED, id, text, KeySource.AUTOREJECT);
        return AuthResult.of(Verdict.REJECTED);
      }
      if (!policy.autoRejected(id) && policy.autoSigned(id)) {
        KeyDecision rule = policy.autoSignDecision(id);
        if (decisions.record(rule, id, text)) {
          slots.write(KeyStatus.ACCEPTED, id, text, KeySource.of(rule));
          return AuthResult.accepted(presented);
        }
      }
      slots.write(KeyStatus.PENDING, id, text, KeySource.PRESENTED);
      countedPending();
      return AuthResult.of(Verdict.PENDING);
    }
    if (policy.autoRejected(id)) {
      if (!decisions.record(KeyDecision.AUTOREJECT, id, pending)) {
        return AuthResult.of(Verdict.PENDING);
      }
      slots.move(id, KeyStatus.PENDING, KeyStatus.REJECTED, pending, KeySource.AUTOREJECT);
      return AuthResult.of(Verdict.REJECTED);
    }
    if (!presented.equals(parseStored(KeyStatus.PENDING, id, pending))) {
      return deny(slots, id, text);
    }
    if (policy.autoSigned(id)) {
      KeyDecision rule = policy.autoSignDecision(id);
      if (decisions.record(rule, id, pending)) {
        slots.move(id, KeyStatus.PENDING, KeyStatus.ACCEPTED, pending, KeySource.of(rule));
        return AuthResult.accepted(presented);
      }
    }
    return AuthResult.of(Verdict.PENDING);
  }

  /** Pending keys, counted again when the count is over a second old: a HELLO costs no listing. */
  private synchronized int pendingKeys(Slots slots) throws IOException {
    long now = System.nanoTime();
    if (pendingCount < 0 || now - pendingCountedAt > PENDING_COUNT_MAX_AGE_NANOS) {
      pendingCount = slots.countPending();
      pendingCountedAt = now;
    }
    return pendingCount;
  }

  private synchronized void countedPending() {
    if (pendingCount >= 0) {
      pendingCount++;
    }
  }

  /** A second key for an id that has one: recorded in denied, the existing key untouched. */
  private AuthResult deny(Slots slots, MinionId id, String text) throws IOException {
    // A denied minion retries every few seconds: write and log only when the key is news.
    String denied;
    try {
      denied = slots.read(KeyStatus.DENIED, id);
    } catch (UnreadableKeyException e) {
      denied = null; // the write replaces whatever entry is there, a link included
    }
    // Not recorded, not written: the minion is refused either way, and its retry records it.
    if (!text.equals(denied) && decisions.record(KeyDecision.DENIED, id, text)) {
      slots.write(KeyStatus.DENIED, id, text, KeySource.PRESENTED);
    }
    return AuthResult.of(Verdict.DENIED);
  }

  /** {@link MinionKeyStore#accept} on {@code ids}, within one unit of work of the store. */
  public KeyChanges accept(
      Slots slots, Collection<MinionId> ids, boolean includeRejected, boolean includeDenied)
      throws IOException {
    return moveAll(
        slots,
        ids,
        sources(KeyStatus.REJECTED, includeRejected, includeDenied),
        KeyStatus.ACCEPTED);
  }

  /** {@link MinionKeyStore#reject} on {@code ids}, within one unit of work of the store. */
  public KeyChanges reject(
      Slots slots, Collection<MinionId> ids, boolean includeAccepted, boolean includeDenied)
      throws IOException {
    return moveAll(
        slots,
        ids,
        sources(KeyStatus.ACCEPTED, includeAccepted, includeDenied),
        KeyStatus.REJECTED);
  }

  /** Pending, then {@code other} and denied when included: the order keys are moved in. */
  private static List<KeyStatus> sources(
      KeyStatus other, boolean includeOther, boolean includeDenied) {
    List<KeyStatus> sources = new ArrayList<>(List.of(KeyStatus.PENDING));
    if (includeOther) {
      sources.add(other);
    }
    if (includeDenied) {
      sources.add(KeyStatus.DENIED);
    }
    return sources;
  }

  /** {@link MinionKeyStore#delete} on {@code ids}, within one unit of work of the store. */
  public KeyChanges delete(Slots slots, Collection<MinionId> ids) throws IOException {
    List<Change> changes = new ArrayList<>();
    List<Refusal> refused = new ArrayList<>();
    boolean acceptedRemoved = false;
    for (MinionId id : new TreeSet<>(ids)) {
      for (KeyStatus status : KeyStatus.values()) {
        if (!slots.exists(status, id)) {
          continue;
        }
        if (!decisions.record(KeyDecision.DELETE, id, readableKey(slots, status, id))) {
          refused.add(new Refusal(id, status, NOT_RECORDED));
          continue;
        }
        if (status == KeyStatus.ACCEPTED) {
          acceptedRemovals.incrementAndGet();
        }
        if (slots.delete(status, id, KeySource.API)) {
          changes.add(new Change(id, status, null));
          acceptedRemoved |= status == KeyStatus.ACCEPTED;
        }
      }
    }
    return new KeyChanges(changes, refused, acceptedRemoved);
  }

  /** Of one id at most one of these, in the order an import (and the folder's repair) keeps. */
  private static final List<KeyStatus> EXCLUSIVE =
      List.of(KeyStatus.REJECTED, KeyStatus.ACCEPTED, KeyStatus.PENDING);

  /**
   * {@link MinionKeyStore#importKeys} within one unit of work of the store: each key in its status
   * unless the store holds that id and status already (the same key: unchanged; another: a
   * conflict) or holds the id in another of accepted, pending and rejected (a conflict: one id
   * keeps one of those, and the import never overrides a decision made here). Keys are taken by id,
   * and of one id rejected first, then accepted, pending, denied: a folder holding an id in two
   * states keeps the safer one, as the folder's own repair does. Each key written is recorded as an
   * {@link KeyDecision#IMPORT} first; one that cannot be recorded is a conflict. A dry run reads
   * only.
   */
  public KeyImport importKeys(Slots slots, Collection<ImportedKey> keys, boolean dryRun)
      throws IOException {
    List<ImportedKey> ordered = new ArrayList<>(keys);
    ordered.sort(
        Comparator.comparing(ImportedKey::id)
            .thenComparing(k -> k.status() == KeyStatus.DENIED ? 3 : EXCLUSIVE.indexOf(k.status())));
    List<KeyImport.Placed> imported = new ArrayList<>();
    List<KeyImport.Placed> unchanged = new ArrayList<>();
    List<Refusal> conflicts = new ArrayList<>();
    // What this call wrote or, in a dry run, would have: the slots do not show a dry run's.
    Set<KeyImport.Placed> placed = new HashSet<>();
    for (ImportedKey key : ordered) {
      MinionId id = key.id();
      KeyStatus status = key.status();
      KeyImport.Placed here = new KeyImport.Placed(id, status);
      if (placed.contains(here)) {
        conflicts.add(new Refusal(id, status, "given twice in one import"));
        continue;
      }
      String held;
      try {
        held = slots.read(status, id);
      } catch (UnreadableKeyException e) {
        conflicts.add(new Refusal(id, status, "the store's key: " + e.getMessage()));
        continue;
      }
      if (held != null) {
        if (held.equals(key.pem())) {
          unchanged.add(here);
        } else {
          conflicts.add(new Refusal(id, status, "the store holds another key for it"));
        }
        continue;
      }
      KeyStatus other = status == KeyStatus.DENIED ? null : exclusiveOther(slots, placed, id, status);
      if (other != null) {
        conflicts.add(new Refusal(id, status, "the store holds it as " + label(other)));
        continue;
      }
      if (!dryRun) {
        if (!decisions.recordImport(id, status, key.pem())) {
          conflicts.add(new Refusal(id, status, NOT_RECORDED));
          continue;
        }
        slots.write(status, id, key.pem(), KeySource.IMPORT);
      }
      placed.add(here);
      imported.add(here);
    }
    return new KeyImport(imported, unchanged, conflicts, dryRun);
  }

  /** Another of accepted, pending, rejected held for {@code id} (or placed by this call), or null. */
  private static KeyStatus exclusiveOther(
      Slots slots, Set<KeyImport.Placed> placed, MinionId id, KeyStatus status)
      throws IOException {
    for (KeyStatus other : EXCLUSIVE) {
      if (other != status
          && (placed.contains(new KeyImport.Placed(id, other)) || slots.exists(other, id))) {
        return other;
      }
    }
    return null;
  }

  private KeyChanges moveAll(
      Slots slots, Collection<MinionId> ids, List<KeyStatus> sources, KeyStatus target)
      throws IOException {
    List<Change> changes = new ArrayList<>();
    List<Refusal> refused = new ArrayList<>();
    boolean acceptedRemoved = false;
    KeyDecision decision = target == KeyStatus.ACCEPTED ? KeyDecision.ACCEPT : KeyDecision.REJECT;
    for (MinionId id : new TreeSet<>(ids)) {
      for (KeyStatus source : sources) {
        String text;
        try {
          text = slots.read(source, id);
        } catch (UnreadableKeyException e) {
          refused.add(new Refusal(id, source, e.getMessage()));
          continue;
        }
        if (text == null) {
          continue;
        }
        RSAPublicKey key;
        try {
          key = Pem.readPublicKey(text);
        } catch (InvalidKeyException e) {
          refused.add(new Refusal(id, source, "not a usable RSA public key: " + e.getMessage()));
          continue;
        }
        if (!decisions.record(decision, id, text)) {
          refused.add(new Refusal(id, source, NOT_RECORDED));
          continue;
        }
        if (source == KeyStatus.ACCEPTED
            || (target == KeyStatus.ACCEPTED && replacesAcceptedKey(slots, id, key))) {
          acceptedRemoved = true;
          acceptedRemovals.incrementAndGet();
        }
        slots.move(id, source, target, normalize(text), KeySource.API);
        changes.add(new Change(id, source, target));
      }
    }
    return new KeyChanges(changes, refused, acceptedRemoved);
  }

  /** The key text of {@code id} in {@code status} for the audit log, or null if unreadable. */
  private static String readableKey(Slots slots, KeyStatus status, MinionId id) {
    try {
      return slots.read(status, id);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** True when the accepted key of {@code id} is there and is not {@code key}. */
  private static boolean replacesAcceptedKey(Slots slots, MinionId id, RSAPublicKey key)
      throws IOException {
    String accepted;
    try {
      accepted = slots.read(KeyStatus.ACCEPTED, id);
    } catch (UnreadableKeyException e) {
      return true; // whatever is there goes: count it as a removal, the safe side
    }
    if (accepted == null) {
      return false;
    }
    try {
      return !key.equals(Pem.readPublicKey(accepted));
    } catch (InvalidKeyException e) {
      return true;
    }
  }

  /** The stored key, or null when it does not parse (then it matches no presented key). */
  private static RSAPublicKey parseStored(KeyStatus status, MinionId id, String text) {
    try {
      return Pem.readPublicKey(text);
    } catch (InvalidKeyException e) {
      log.warn(
          "the stored {} key of minion {} is not a usable key ({}); treating it as a different key",
          label(status),
          id,
          e.getMessage());
      return null;
    }
  }

  /** Salt compares keys after this normalisation; brine stores keys in this form. */
  public static String normalize(String pem) {
    return pem.replace("\r\n", "\n").replace('\r', '\n');
  }

  /** "pending", "accepted", "rejected", "denied": log lines, and Salt's names of the states. */
  public static String label(KeyStatus status) {
    return status.name().toLowerCase(Locale.ROOT);
  }
}
