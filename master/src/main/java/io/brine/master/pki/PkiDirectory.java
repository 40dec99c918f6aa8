package io.brine.master.pki;

import io.brine.crypto.rsa.Pem;
import io.brine.master.pki.AuthResult.Verdict;
import io.brine.master.pki.KeyChanges.Change;
import io.brine.master.pki.KeyChanges.Refusal;
import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.Hello;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The minion keys under {@code <pki_dir>/master/}, in Salt's layout: {@code minions/}, {@code
 * minions_pre/}, {@code minions_rejected/} and {@code minions_denied/} (folders 0700), one file per
 * minion named by its {@link MinionId} and holding its public key PEM with {@code \n} line ends
 * (0644: these are public keys).
 *
 * <p>Every change is durable on return and atomic (see {@link KeyFiles}). A move writes the
 * destination first and then deletes the source, so a crash between the two leaves the key in both
 * folders. {@link #open} repairs that with one rule: an id keeps at most one of rejected, accepted
 * and pending, in that order of precedence (the auth path never creates two of them, so two mean an
 * interrupted move), and a denied copy that holds the same key as the one kept is removed. The
 * precedence fails safe: a half-done reject of an accepted key stays rejected, a half-done accept
 * of a rejected key stays rejected, a half-done accept of a pending key is accepted.
 *
 * <p>One lock per instance orders the master's handshakes and {@code brine key} in the same
 * process. Two processes are not coordinated: {@code brine key} works offline, on the folder of a
 * stopped master (each file operation stays atomic, but a decision of the master and an operator
 * change can interleave). Links are never followed; files whose names are not minion ids are
 * ignored with a warning at open.
 */
public final class PkiDirectory {
  private static final Logger log = LoggerFactory.getLogger(PkiDirectory.class);

  /** Precedence when an interrupted move left an id in more than one of these. */
  private static final List<KeyStatus> PRECEDENCE =
      List.of(KeyStatus.REJECTED, KeyStatus.ACCEPTED, KeyStatus.PENDING);

  private final Path root;
  private final AcceptancePolicy policy;
  private final ReentrantLock lock = new ReentrantLock();
  /** Grows, under the lock, just before an accepted key file of this instance goes. */
  private final AtomicLong acceptedRemovals = new AtomicLong();

  /** At most this many keys in {@code minions_pre}: strangers cannot fill the disk with new ids. */
  private volatile int maxPendingKeys = Integer.MAX_VALUE;

  /** Keys in {@code minions_pre} as last counted (under the lock), and when (nanoTime). */
  private int pendingCount = -1;

  private long pendingCountedAt;

  private volatile KeyDecisionLog decisions = KeyDecisionLog.NONE;

  private PkiDirectory(Path root, AcceptancePolicy policy) {
    this.root = root;
    this.policy = policy;
  }

  /**
   * Caps the pending set ({@code max_pending_keys}): a HELLO with a new id beyond it is answered
   * {@link Verdict#PENDING_FULL} and nothing is written.
   */
  public void limitPendingKeys(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max_pending_keys must be >= 1");
    }
    maxPendingKeys = max;
  }

  /**
   * Records every decision in {@code decisions} before it is carried out; one that cannot be
   * recorded is not carried out ({@link KeyDecisionLog}).
   */
  public void recordDecisionsIn(KeyDecisionLog decisions) {
    this.decisions = java.util.Objects.requireNonNull(decisions);
  }

  /** {@link #open(Path, AcceptancePolicy)} with every new key left for an operator. */
  public static PkiDirectory open(Path pkiDir) throws IOException {
    return open(pkiDir, AcceptancePolicy.manual());
  }

  /**
   * Opens (creating what is missing) the master's key folders under {@code pkiDir/master} and
   * repairs what an interrupted move left behind.
   *
   * @param pkiDir the configured {@code pki_dir}
   */
  public static PkiDirectory open(Path pkiDir, AcceptancePolicy policy) throws IOException {
    Path root = pkiDir.resolve("master");
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      KeyFiles.ensureFolder(root);
    } else if (Files.isSymbolicLink(root) || !Files.isDirectory(root)) {
      throw new IOException(root + " is not a folder (links are not followed)");
    }
    for (KeyStatus status : KeyStatus.values()) {
      KeyFiles.ensureFolder(root.resolve(status.dirName()));
    }
    PkiDirectory directory = new PkiDirectory(root, policy);
    directory.repair();
    return directory;
  }

  /** {@code <pki_dir>/master}. */
  public Path root() {
    return root;
  }

  /** The statuses that hold a key for {@code id}; empty when the id is unknown. */
  public Set<KeyStatus> statuses(MinionId id) {
    lock.lock();
    try {
      Set<KeyStatus> statuses = EnumSet.noneOf(KeyStatus.class);
      for (KeyStatus status : KeyStatus.values()) {
        if (Files.isRegularFile(file(status, id), LinkOption.NOFOLLOW_LINKS)) {
          statuses.add(status);
        }
      }
      return statuses;
    } finally {
      lock.unlock();
    }
  }

  /** Every key by status, each list sorted; every status is present, maybe with an empty list. */
  public Map<KeyStatus, List<MinionId>> list() throws IOException {
    lock.lock();
    try {
      Map<KeyStatus, List<MinionId>> all = new EnumMap<>(KeyStatus.class);
      for (KeyStatus status : KeyStatus.values()) {
        all.put(status, List.copyOf(ids(status)));
      }
      return all;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The accepted keys with their files' stamps: one scan of {@code minions/}, the same one {@link
   * #list} makes of it (one {@code lstat} per file), so a job's publisher can resolve its target
   * and notice a key removed behind the master's back from one listing.
   */
  public AcceptedKeys acceptedKeys() throws IOException {
    lock.lock();
    try {
      TreeMap<MinionId, AcceptedKeys.Stamp> stamps = new TreeMap<>();
      Path folder = root.resolve(KeyStatus.ACCEPTED.dirName());
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
        for (Path entry : entries) {
          String name = entry.getFileName().toString();
          if (!MinionId.isValid(name)) {
            continue;
          }
          AcceptedKeys.Stamp stamp = AcceptedKeys.Stamp.of(entry);
          if (stamp != null) {
            stamps.put(MinionId.of(name), stamp);
          }
        }
      }
      return new AcceptedKeys(stamps, acceptedRemovals.get(), System.nanoTime());
    } finally {
      lock.unlock();
    }
  }

  /**
   * How many accepted keys this instance has removed (rejected, deleted or replaced) since it
   * opened. It grows before the file goes, so whoever reads it after sealing something under the
   * publish key knows whether a removal may have come first.
   */
  public long acceptedKeyRemovals() {
    return acceptedRemovals.get();
  }

  /** {@code minions/<id>}, for a caller that checks its stamp ({@link AcceptedKeys.Stamp#of}). */
  public Path acceptedKeyFile(MinionId id) {
    return file(KeyStatus.ACCEPTED, id);
  }

  /** The stored PEM, or empty when {@code status} holds no key file for {@code id}. */
  public Optional<String> publicKeyPem(KeyStatus status, MinionId id) throws IOException {
    lock.lock();
    try {
      return Optional.ofNullable(KeyFiles.read(file(status, id)));
    } finally {
      lock.unlock();
    }
  }

  /** The master's own {@code master.pub}, if the master has published it. */
  public Optional<String> masterPublicKeyPem() throws IOException {
    return Optional.ofNullable(KeyFiles.read(root.resolve("master.pub")));
  }

  /**
   * Decides on a minion that presents {@code publicKeyPem}, in Salt's order (salt.md §1.4), writing
   * or moving its key as the decision requires. A key that is not an acceptable RSA key is refused
   * before anything is read or written.
   *
   * @throws InvalidKeyException the key does not parse, is not RSA, or breaks the key policy
   */
  public AuthResult authorize(MinionId id, String publicKeyPem)
      throws InvalidKeyException, IOException {
    return authorize(id, Pem.readPublicKey(publicKeyPem), publicKeyPem);
  }

  /**
   * As {@link #authorize(MinionId, String)} for a parsed HELLO, whose parser has read the key and
   * checked it against the key policy already: parsing a key costs more than the rest of this
   * decision.
   */
  public AuthResult authorize(Hello hello) throws IOException {
    return authorize(hello, () -> true);
  }

  /**
   * As {@link #authorize(Hello)}, asking {@code mayRecordNewId} before writing a key for an id the
   * folders do not hold (pending, or auto-accepted or auto-rejected): false is answered {@link
   * Verdict#THROTTLED} and writes nothing. The caller's rate limit per address goes here.
   */
  public AuthResult authorize(Hello hello, BooleanSupplier mayRecordNewId) throws IOException {
    return authorize(hello.id(), hello.publicKey(), hello.publicKeyPem(), mayRecordNewId);
  }

  /**
   * The decision for a key parsed by the caller. Package-private: an accepted minion gets {@code
   * presented} back to wrap its secrets to, which is only right when it is {@code publicKeyPem}
   * parsed, as {@link Hello} and {@link Pem#readPublicKey} guarantee.
   */
  AuthResult authorize(MinionId id, RSAPublicKey presented, String publicKeyPem)
      throws IOException {
    return authorize(id, presented, publicKeyPem, () -> true);
  }

  private AuthResult authorize(
      MinionId id, RSAPublicKey presented, String publicKeyPem, BooleanSupplier mayRecordNewId)
      throws IOException {
    String text = normalize(publicKeyPem);
    lock.lock();
    try {
      return decide(id, presented, text, mayRecordNewId);
    } catch (KeyFiles.NotAKeyFileException e) {
      log.warn("refusing minion {}: {}", id, e.getMessage());
      return AuthResult.of(Verdict.REJECTED);
    } finally {
      lock.unlock();
    }
  }

  private AuthResult decide(
      MinionId id, RSAPublicKey presented, String text, BooleanSupplier mayRecordNewId)
      throws IOException {
    if (KeyFiles.exists(file(KeyStatus.REJECTED, id))) {
      log.debug("minion {} refused: its id is rejected", id);
      return AuthResult.of(Verdict.REJECTED);
    }
    String accepted = KeyFiles.read(file(KeyStatus.ACCEPTED, id));
    if (accepted != null) {
      if (text.equals(accepted)) {
        // The same text parses to the same key: the common case costs no second parse.
        return AuthResult.accepted(presented);
      }
      RSAPublicKey acceptedKey = parseStored(KeyStatus.ACCEPTED, id, accepted);
      if (presented.equals(acceptedKey)) {
        return AuthResult.accepted(acceptedKey);
      }
      return deny(id, text);
    }
    String pending = KeyFiles.read(file(KeyStatus.PENDING, id));
    if (pending == null) {
      // A new id: what a stranger can make us write. Checked in this order so that a full
      // pending set costs a flooder's rate nothing it could spend later.
      if (!policy.autoRejected(id) && !policy.autoSigned(id) && pendingKeys() >= maxPendingKeys) {
        return AuthResult.of(Verdict.PENDING_FULL);
      }
      if (!mayRecordNewId.getAsBoolean()) {
        return AuthResult.of(Verdict.THROTTLED);
      }
      // An automatic decision that cannot be recorded is not carried out: the key waits in
      // pending, and the minion's retry asks again.
      if (policy.autoRejected(id) && decisions.record(KeyDecision.AUTOREJECT, id, text)) {
        write(KeyStatus.REJECTED, id, text);
        return AuthResult.of(Verdict.REJECTED);
      }
      if (!policy.autoRejected(id)
          && policy.autoSigned(id)
          && decisions.record(policy.autoSignDecision(id), id, text)) {
        write(KeyStatus.ACCEPTED, id, text);
        return AuthResult.accepted(presented);
      }
      write(KeyStatus.PENDING, id, text);
      pendingCount++;
      return AuthResult.of(Verdict.PENDING);
    }
    if (policy.autoRejected(id)) {
      if (!decisions.record(KeyDecision.AUTOREJECT, id, pending)) {
        return AuthResult.of(Verdict.PENDING);
      }
      move(id, KeyStatus.PENDING, KeyStatus.REJECTED, pending);
      return AuthResult.of(Verdict.REJECTED);
    }
    if (!presented.equals(parseStored(KeyStatus.PENDING, id, pending))) {
      return deny(id, text);
    }
    if (policy.autoSigned(id) && decisions.record(policy.autoSignDecision(id), id, pending)) {
      move(id, KeyStatus.PENDING, KeyStatus.ACCEPTED, pending);
      return AuthResult.accepted(presented);
    }
    return AuthResult.of(Verdict.PENDING);
  }

  /**
   * Keys in {@code minions_pre}, counted again when the count is over a second old (an operator's
   * offline {@code brine key} may have moved some), so a HELLO costs no folder listing.
   */
  private int pendingKeys() throws IOException {
    long now = System.nanoTime();
    if (pendingCount < 0 || now - pendingCountedAt > 1_000_000_000L) {
      pendingCount = ids(KeyStatus.PENDING).size();
      pendingCountedAt = now;
    }
    return pendingCount;
  }

  /** A second key for an id that has one: recorded in denied, the existing key untouched. */
  private AuthResult deny(MinionId id, String text) throws IOException {
    // A denied minion retries every few seconds: write and log only when the key is news.
    String denied;
    try {
      denied = KeyFiles.read(file(KeyStatus.DENIED, id));
    } catch (KeyFiles.NotAKeyFileException e) {
      denied = null; // the rename replaces whatever entry is there, a link included
    }
    // Not recorded, not written: the minion is refused either way, and its retry records it.
    if (!text.equals(denied) && decisions.record(KeyDecision.DENIED, id, text)) {
      write(KeyStatus.DENIED, id, text);
    }
    return AuthResult.of(Verdict.DENIED);
  }

  /**
   * {@code brine key -a}: moves the ids' pending keys (and rejected, denied ones when asked) to
   * accepted. When an id has keys in several of these, they are moved in the order pending,
   * rejected, denied and the last one is the key that ends up accepted. Accepting a denied key
   * replaces the accepted one. A key file that does not parse stays where it is.
   */
  public KeyChanges accept(Collection<MinionId> ids, boolean includeRejected, boolean includeDenied)
      throws IOException {
    List<KeyStatus> sources = new ArrayList<>(List.of(KeyStatus.PENDING));
    if (includeRejected) {
      sources.add(KeyStatus.REJECTED);
    }
    if (includeDenied) {
      sources.add(KeyStatus.DENIED);
    }
    return moveAll(ids, sources, KeyStatus.ACCEPTED);
  }

  /**
   * {@code brine key -r}: moves the ids' pending keys (and accepted, denied ones when asked) to
   * rejected.
   */
  public KeyChanges reject(Collection<MinionId> ids, boolean includeAccepted, boolean includeDenied)
      throws IOException {
    List<KeyStatus> sources = new ArrayList<>(List.of(KeyStatus.PENDING));
    if (includeAccepted) {
      sources.add(KeyStatus.ACCEPTED);
    }
    if (includeDenied) {
      sources.add(KeyStatus.DENIED);
    }
    return moveAll(ids, sources, KeyStatus.REJECTED);
  }

  /** {@code brine key -d}: deletes the ids' keys in every status. */
  public KeyChanges delete(Collection<MinionId> ids) throws IOException {
    lock.lock();
    try {
      List<Change> changes = new ArrayList<>();
      List<Refusal> refused = new ArrayList<>();
      boolean acceptedRemoved = false;
      for (MinionId id : new TreeSet<>(ids)) {
        for (KeyStatus status : KeyStatus.values()) {
          if (!KeyFiles.exists(file(status, id))) {
            continue;
          }
          if (!decisions.record(KeyDecision.DELETE, id, readableKey(status, id))) {
            refused.add(new Refusal(id, status, NOT_RECORDED));
            continue;
          }
          if (status == KeyStatus.ACCEPTED) {
            acceptedRemovals.incrementAndGet();
          }
          if (KeyFiles.delete(file(status, id))) {
            log.info("key for minion {} deleted (was {})", id, label(status));
            changes.add(new Change(id, status, null));
            acceptedRemoved |= status == KeyStatus.ACCEPTED;
          }
        }
      }
      return new KeyChanges(changes, refused, acceptedRemoved);
    } finally {
      lock.unlock();
    }
  }

  private KeyChanges moveAll(Collection<MinionId> ids, List<KeyStatus> sources, KeyStatus target)
      throws IOException {
    lock.lock();
    try {
      List<Change> changes = new ArrayList<>();
      List<Refusal> refused = new ArrayList<>();
      boolean acceptedRemoved = false;
      for (MinionId id : new TreeSet<>(ids)) {
        for (KeyStatus source : sources) {
          String text;
          try {
            text = KeyFiles.read(file(source, id));
          } catch (KeyFiles.NotAKeyFileException e) {
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
          KeyDecision decision =
              target == KeyStatus.ACCEPTED ? KeyDecision.ACCEPT : KeyDecision.REJECT;
          if (!decisions.record(decision, id, text)) {
            refused.add(new Refusal(id, source, NOT_RECORDED));
            continue;
          }
          if (source == KeyStatus.ACCEPTED
              || (target == KeyStatus.ACCEPTED && replacesAcceptedKey(id, key))) {
            acceptedRemoved = true;
            acceptedRemovals.incrementAndGet();
          }
          move(id, source, target, normalize(text));
          changes.add(new Change(id, source, target));
        }
      }
      return new KeyChanges(changes, refused, acceptedRemoved);
    } finally {
      lock.unlock();
    }
  }

  /** The refusal of a decision the audit log could not record. */
  static final String NOT_RECORDED = "not carried out: the audit log could not record it";

  /** The key text of {@code id} in {@code status} for the audit log, or null if unreadable. */
  private String readableKey(KeyStatus status, MinionId id) {
    try {
      return KeyFiles.read(file(status, id));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** True when {@code minions/<id>} holds a key other than {@code key}. */
  private boolean replacesAcceptedKey(MinionId id, RSAPublicKey key) throws IOException {
    String accepted = KeyFiles.read(file(KeyStatus.ACCEPTED, id));
    if (accepted == null) {
      return false;
    }
    try {
      return !key.equals(Pem.readPublicKey(accepted));
    } catch (InvalidKeyException e) {
      return true;
    }
  }

  /** The stored key, or null when the file does not parse (then it matches no presented key). */
  private static RSAPublicKey parseStored(KeyStatus status, MinionId id, String text) {
    try {
      return Pem.readPublicKey(text);
    } catch (InvalidKeyException e) {
      log.warn(
          "the {} key file of minion {} is not a usable key ({}); treating it as a different key",
          label(status),
          id,
          e.getMessage());
      return null;
    }
  }

  private void write(KeyStatus status, MinionId id, String text) throws IOException {
    KeyFiles.write(file(status, id), text);
    log.info("key for minion {} {}", id, label(status));
  }

  /** Destination first, then the source: a crash in between is repaired by {@link #repair}. */
  private void move(MinionId id, KeyStatus from, KeyStatus to, String text) throws IOException {
    KeyFiles.write(file(to, id), text);
    KeyFiles.delete(file(from, id));
    log.info("key for minion {} {}", id, label(to));
  }

  private Path file(KeyStatus status, MinionId id) {
    // MinionId admits no separator, no "..", no leading '.': the name stays inside the folder.
    return root.resolve(status.dirName()).resolve(id.value());
  }

  /** Valid ids with a regular file in {@code status}, sorted; everything else skipped silently. */
  private TreeSet<MinionId> ids(KeyStatus status) throws IOException {
    TreeSet<MinionId> ids = new TreeSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root.resolve(status.dirName()))) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (MinionId.isValid(name) && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          ids.add(MinionId.of(name));
        }
      }
    }
    return ids;
  }

  private void repair() throws IOException {
    lock.lock();
    try {
      Map<KeyStatus, TreeSet<MinionId>> all = new EnumMap<>(KeyStatus.class);
      for (KeyStatus status : KeyStatus.values()) {
        sweep(status);
        all.put(status, ids(status));
      }
      TreeSet<MinionId> everyId = new TreeSet<>();
      all.values().forEach(everyId::addAll);
      for (MinionId id : everyId) {
        KeyStatus kept = null;
        for (KeyStatus status : PRECEDENCE) {
          if (!all.get(status).contains(id)) {
            continue;
          }
          if (kept == null) {
            kept = status;
          } else {
            KeyFiles.delete(file(status, id));
            log.warn(
                "minion {} had keys in {} and {} (an interrupted move); kept {}",
                id,
                kept.dirName(),
                status.dirName(),
                kept.dirName());
          }
        }
        if (kept != null && all.get(KeyStatus.DENIED).contains(id) && sameKey(kept, id)) {
          KeyFiles.delete(file(KeyStatus.DENIED, id));
          log.warn(
              "minion {} had the same key in {} and minions_denied (an interrupted move); kept {}",
              id,
              kept.dirName(),
              kept.dirName());
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private boolean sameKey(KeyStatus kept, MinionId id) throws IOException {
    String a = KeyFiles.read(file(kept, id));
    String b = KeyFiles.read(file(KeyStatus.DENIED, id));
    if (a == null || b == null) {
      return false;
    }
    if (normalize(a).equals(normalize(b))) {
      return true;
    }
    try {
      return Pem.readPublicKey(a).equals(Pem.readPublicKey(b));
    } catch (InvalidKeyException e) {
      return false;
    }
  }

  /** Removes temp files an interrupted write left; warns once about anything else out of place. */
  private void sweep(KeyStatus status) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root.resolve(status.dirName()))) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.startsWith(KeyFiles.TEMP_PREFIX)) {
          KeyFiles.delete(entry);
          log.info("removed {}, left by an interrupted write", entry);
        } else if (name.startsWith(".")) {
          log.debug("ignoring hidden file {}", entry);
        } else if (!MinionId.isValid(name)) {
          log.warn("ignoring {}: the name is not a valid minion id", entry);
        } else if (!Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          log.warn("ignoring {}: not a regular file (links are never followed)", entry);
        }
      }
    }
  }

  /** Salt compares keys after this normalisation; brine stores keys in this form. */
  static String normalize(String pem) {
    return pem.replace("\r\n", "\n").replace('\r', '\n');
  }

  /** "pending", "accepted", "rejected", "denied", for log lines. */
  static String label(KeyStatus status) {
    return status.name().toLowerCase(Locale.ROOT);
  }
}
