package io.brine.master.pki;

import io.brine.crypto.rsa.Pem;
import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.Hello;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.interfaces.RSAPublicKey;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
 *
 * <p>The decisions are {@link KeyRules}'s, the same a cluster's shared store makes.
 */
public final class PkiDirectory implements MinionKeyStore {
  private static final Logger log = LoggerFactory.getLogger(PkiDirectory.class);

  /** Precedence when an interrupted move left an id in more than one of these. */
  private static final List<KeyStatus> PRECEDENCE =
      List.of(KeyStatus.REJECTED, KeyStatus.ACCEPTED, KeyStatus.PENDING);

  /** The refusal of a decision the audit log could not record. */
  static final String NOT_RECORDED = KeyRules.NOT_RECORDED;

  private final Path root;
  private final KeyRules rules;
  private final ReentrantLock lock = new ReentrantLock();
  private final FolderSlots slots = new FolderSlots();

  private PkiDirectory(Path root, AcceptancePolicy policy) {
    this.root = root;
    this.rules = new KeyRules(policy);
  }

  @Override
  public void limitPendingKeys(int max) {
    rules.limitPendingKeys(max);
  }

  @Override
  public void recordDecisionsIn(KeyDecisionLog decisions) {
    rules.recordDecisionsIn(decisions);
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

  @Override
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

  @Override
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
   * {@inheritDoc}
   *
   * <p>One scan of {@code minions/}, the same one {@link #list} makes of it (one {@code lstat} per
   * file); a key file's stamp is its file key, mtime and size.
   */
  @Override
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
          AcceptedKeys.Stamp stamp = AcceptedKeys.Stamp.ofFile(entry);
          if (stamp != null) {
            stamps.put(MinionId.of(name), stamp);
          }
        }
      }
      return new AcceptedKeys(stamps, rules.acceptedKeyRemovals(), System.nanoTime());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<AcceptedKeys.Stamp> acceptedKeyStamp(MinionId id) throws IOException {
    return Optional.ofNullable(AcceptedKeys.Stamp.ofFile(file(KeyStatus.ACCEPTED, id)));
  }

  @Override
  public long acceptedKeyRemovals() {
    return rules.acceptedKeyRemovals();
  }

  @Override
  public Optional<String> publicKeyPem(KeyStatus status, MinionId id) throws IOException {
    lock.lock();
    try {
      return Optional.ofNullable(KeyFiles.read(file(status, id)));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<String> masterPublicKeyPem() throws IOException {
    return Optional.ofNullable(KeyFiles.read(root.resolve("master.pub")));
  }

  @Override
  public AuthResult authorize(MinionId id, String publicKeyPem)
      throws InvalidKeyException, IOException {
    return authorize(id, Pem.readPublicKey(publicKeyPem), publicKeyPem, () -> true);
  }

  @Override
  public AuthResult authorize(Hello hello, BooleanSupplier mayRecordNewId) throws IOException {
    return authorize(hello.id(), hello.publicKey(), hello.publicKeyPem(), mayRecordNewId);
  }

  /**
   * The decision for a key parsed by the caller: an accepted minion gets {@code presented} back to
   * wrap its secrets to, which is only right when it is {@code publicKeyPem} parsed, as {@link
   * Hello} and {@link Pem#readPublicKey} guarantee.
   */
  private AuthResult authorize(
      MinionId id, RSAPublicKey presented, String publicKeyPem, BooleanSupplier mayRecordNewId)
      throws IOException {
    lock.lock();
    try {
      return rules.authorize(slots, id, presented, publicKeyPem, mayRecordNewId);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public KeyChanges accept(Collection<MinionId> ids, boolean includeRejected, boolean includeDenied)
      throws IOException {
    lock.lock();
    try {
      return rules.accept(slots, ids, includeRejected, includeDenied);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public KeyChanges reject(Collection<MinionId> ids, boolean includeAccepted, boolean includeDenied)
      throws IOException {
    lock.lock();
    try {
      return rules.reject(slots, ids, includeAccepted, includeDenied);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public KeyChanges delete(Collection<MinionId> ids) throws IOException {
    lock.lock();
    try {
      return rules.delete(slots, ids);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public KeyImport importKeys(Collection<ImportedKey> keys, boolean dryRun) throws IOException {
    ImportedKey.checkBatch(keys);
    lock.lock();
    try {
      KeyImport result = rules.importKeys(slots, keys, dryRun);
      log.info("key import into {}: {}", root, result.summary());
      return result;
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>A watch on {@code minions/}: a change made by anyone (another process's {@code brine key},
   * an operator's {@code rm}) is reported within moments, and a comparison is asked for every
   * {@link FolderWatch#BACKSTOP} whatever the events, for a file system without change events (NFS)
   * and a lost event ({@code OVERFLOW}).
   */
  @Override
  public Watch watchAccepted(Watcher watcher) throws IOException {
    return FolderWatch.start(root.resolve(KeyStatus.ACCEPTED.dirName()), watcher);
  }

  /** The folders as the rules see them; used under the lock only. */
  private final class FolderSlots implements KeyRules.Slots {
    @Override
    public String read(KeyStatus status, MinionId id) throws IOException {
      return KeyFiles.read(file(status, id));
    }

    @Override
    public boolean exists(KeyStatus status, MinionId id) {
      return KeyFiles.exists(file(status, id));
    }

    @Override
    public void write(KeyStatus status, MinionId id, String text, KeySource source)
        throws IOException {
      KeyFiles.write(file(status, id), text);
      log.info("key for minion {} {}", id, label(status));
    }

    /** Destination first, then the source: a crash in between is repaired by {@link #repair}. */
    @Override
    public void move(MinionId id, KeyStatus from, KeyStatus to, String text, KeySource source)
        throws IOException {
      KeyFiles.write(file(to, id), text);
      KeyFiles.delete(file(from, id));
      log.info("key for minion {} {}", id, label(to));
    }

    @Override
    public boolean delete(KeyStatus status, MinionId id, KeySource source) throws IOException {
      if (!KeyFiles.delete(file(status, id))) {
        return false;
      }
      log.info("key for minion {} deleted (was {})", id, label(status));
      return true;
    }

    @Override
    public int countPending() throws IOException {
      return ids(KeyStatus.PENDING).size();
    }
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

  private static String normalize(String pem) {
    return KeyRules.normalize(pem);
  }

  private static String label(KeyStatus status) {
    return KeyRules.label(status);
  }
}
