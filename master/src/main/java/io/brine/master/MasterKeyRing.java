package io.brine.master;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.common.files.DurableFiles;
import io.brine.crypto.rsa.Fingerprints;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.listener.PreviousMasterKeys;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.handshake.KeySuccession;
import io.brine.protocol.handshake.MasterHandshake;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.SealedException;
import io.brine.vault.VaultException;
import io.brine.vault.VaultListener;
import io.brine.vault.storage.Storage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's own RSA keys while the vault is unsealed, and only then: the current key, and the
 * predecessors still in their grace after a rotation, with the signed statements that chain them
 * (docs/protocol.md §2.8, docs/operator-guide.md "Rotating the master's key").
 *
 * <p>Behind the barrier:
 *
 * <ul>
 *   <li>{@value #PRIVATE_KEY_PATH}: the current key (PKCS#8 PEM), where it always was, so a vault
 *       from before rotations works unchanged. Generated at the first unseal of a fresh vault.
 *   <li>{@value #RING_PATH}: JSON {@code {"epoch": n, "retained": [{"epoch", "path",
 *       "grace_end"}], "statements": [...]}}, absent until the first rotation (epoch 0, nothing
 *       retained). Statements are kept after their keys are destroyed, as the key's history.
 *   <li>{@value #RETIRED_PREFIX}{@code <epoch>}: a retained predecessor's private key.
 *   <li>{@value #PENDING_PATH}: only during a rotation, the successor and its statement.
 * </ul>
 *
 * <p>A rotation ({@link #rotate}) is five barrier writes, in an order such that a kill at any
 * point leaves a state the next unseal either rolls back (before the key ring names the successor:
 * the commit point) or finishes (after it); minions pinned to either key authenticate in both. At
 * every unseal the public half of the current key is published to {@code
 * <pki_dir>/master/master.pub}, rewritten if it differs. When the vault seals everything is
 * dropped (RSA keys cannot be wiped in a JVM: docs/security.md).
 *
 * <p>On a cluster ({@link #clustered}) only the active master writes: a standby loads the key
 * once the active master has made it (it looks again at every {@link #follow}), follows the
 * active master's rotations (serving the new key and asking its own minions to re-authenticate),
 * and leaves a half-done rotation and expired keys for the active master to settle; it stops
 * serving a predecessor whose grace ended all the same. {@link #becameActive} makes it the writer.
 *
 * <p>{@link #unsealed} and {@link #sealed} are called by the vault under its lock; {@link #rotate}
 * and {@link #expireRetired} are serialised here; the getters may be called from any thread.
 */
public final class MasterKeyRing implements VaultListener {
  private static final Logger log = LoggerFactory.getLogger(MasterKeyRing.class);

  /** Where the master's current private key is kept, behind the barrier. */
  public static final String PRIVATE_KEY_PATH = "master/rsa-private-key";

  /** The key ring: current epoch, retained predecessors, statements. */
  public static final String RING_PATH = "master/key-ring";

  /** The successor during a rotation, before the key ring names it. */
  public static final String PENDING_PATH = "master/pending-key";

  /** Retained predecessors' private keys, by epoch. */
  public static final String RETIRED_PREFIX = "master/retired/";

  /**
   * Test hook, read only in {@link #step}: the JVM halts ({@link Runtime#halt}, as a kill -9
   * would leave it) right after rotation step n (1 to 5) has been written. Never set in production.
   */
  static final String HALT_AT_STEP_PROPERTY = "brine.test.haltAtMasterKeyRotationStep";

  /** Exit status of a test halt, distinct from a crash's. */
  static final int HALT_STATUS = 137;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The state behind the barrier as loaded, immutable; replaced whole on every change. */
  private record State(
      KeyPair current,
      int epoch,
      List<Retained> retained,
      List<KeySuccession> statements,
      PreviousMasterKeys handshakeKeys) {}

  private record Retained(int epoch, KeyPair keys, long graceEnd) {}

  /** What {@code GET /v1/sys/master-key} shows. */
  public record Status(int epoch, String fingerprint, List<RetainedStatus> retained) {}

  /** A predecessor still answering minions pinned to it, until {@code graceEnd} (Unix seconds). */
  public record RetainedStatus(int epoch, String fingerprint, long graceEnd) {}

  /** Told after a rotation, once the successor is current. */
  public interface Listener {
    void rotated(Status status);
  }

  private final Path publicKeyFile;
  private final int keysize;
  private final Clock clock;
  private volatile State state;
  /** The open barrier while unsealed; guarded by this. */
  private Storage barrier;

  private Listener listener = s -> {};

  /** The current publish epoch (the daemon's rotator); read at each switch to a new key. */
  private IntSupplier publishEpoch = () -> Integer.MAX_VALUE;

  private Duration minimumGrace = Duration.ZERO;

  /** On a cluster: this ring writes only while {@link #writer} (its master is active). */
  private boolean clustered;

  /** Whether this ring may write the barrier; guarded by this. */
  private boolean writer = true;

  /** A standby's digest of the entries it last loaded, so an unchanged look parses nothing. */
  private byte[] lastSeen;

  private boolean waitingLogged;

  /**
   * After a rotation, publications of a publish epoch up to {@link #predecessorSignsThrough} are
   * still signed by the predecessor: connected minions whose session predates the rotation verify
   * with it, and one that has already followed the chain takes it for those epochs
   * (docs/protocol.md §2.8). Written before and after the state switches; read after it.
   */
  private volatile KeyPair predecessorSigner;

  private volatile int predecessorSignsThrough = Integer.MIN_VALUE;

  /**
   * @param pkiDir the PKI folder; the public key goes to {@code master/master.pub} in it
   * @param keysize bits of the RSA keys generated here (a fresh vault's, and each successor's)
   */
  public MasterKeyRing(Path pkiDir, int keysize, Clock clock) {
    this.publicKeyFile = pkiDir.resolve("master").resolve("master.pub");
    this.keysize = keysize;
    this.clock = clock;
  }

  public MasterKeyRing(Path pkiDir, int keysize) {
    this(pkiDir, keysize, Clock.systemUTC());
  }

  /**
   * The shortest grace a rotation may have, zero aside: twice the daemon's {@code reauth_window}.
   * Connected minions meet the new key only at their REAUTH, at a random moment within that
   * window; a shorter grace destroys the old key before some have, and they are locked out.
   */
  public synchronized void minimumGrace(Duration minimum) {
    this.minimumGrace = minimum;
  }

  /** Where the current publish epoch is read at a rotation (the daemon's publish-key rotator). */
  public synchronized void publishEpochFrom(IntSupplier epoch) {
    this.publishEpoch = epoch;
  }

  /**
   * The key that signs a publication sealed under publish epoch {@code epoch}: the current key,
   * or, for the epochs that were current when the key last rotated, its predecessor while that is
   * retained. Empty while sealed.
   */
  public Optional<KeyPair> signingKeyFor(int epoch) {
    State s = state; // first: the fields below were written before it
    if (s == null) {
      return Optional.empty();
    }
    KeyPair previous = predecessorSigner;
    if (previous != null
        && epoch <= predecessorSignsThrough
        && s.retained().stream().anyMatch(r -> r.keys() == previous)) {
      return Optional.of(previous);
    }
    return Optional.of(s.current());
  }

  /** Who hears each rotation (the daemon: rotate the publish key, so minions meet the new key). */
  public synchronized void onRotation(Listener l) {
    this.listener = l;
  }

  /** The master's current key pair while the vault is unsealed; empty while it is sealed. */
  public Optional<KeyPair> masterKey() {
    State s = state;
    return s == null ? Optional.empty() : Optional.of(s.current());
  }

  /**
   * The predecessors in their grace, newest first, each with its chain to the current key; the
   * same list object until the ring changes (the handshakes cache their primitives on it).
   */
  public List<MasterHandshake.RetainedKey> retainedKeys() {
    return previousKeys().retained();
  }

  /** {@link #retainedKeys}, and whether the key ever rotated; the same object until it changes. */
  public PreviousMasterKeys previousKeys() {
    State s = state;
    return s == null ? PreviousMasterKeys.NONE : s.handshakeKeys();
  }

  /** {@code <pki_dir>/master/master.pub}. */
  public Path publicKeyFile() {
    return publicKeyFile;
  }

  /** @throws SealedException while the vault is sealed */
  public Status status() throws SealedException {
    State s = state;
    if (s == null) {
      throw new SealedException();
    }
    return status(s);
  }

  /**
   * This master is one of a cluster's: from the next unseal on it writes only between {@link
   * #becameActive} and {@link #becameStandby}.
   */
  public synchronized void clustered() {
    clustered = true;
    writer = false;
  }

  @Override
  public synchronized void unsealed(Storage barrier) throws VaultException {
    this.barrier = barrier;
    predecessorSigner = null;
    predecessorSignsThrough = Integer.MIN_VALUE;
    if (clustered) {
      writer = false;
      lastSeen = null;
      waitingLogged = false;
      loadAsStandby();
      return;
    }
    KeyPair current = loadOrGenerate(barrier);
    State s = recover(barrier, current, true);
    state = s;
    publish((RSAPublicKey) s.current().getPublic());
    expireRetired();
  }

  /**
   * This master has taken its cluster's HA lock: from now on this ring writes. It makes the key
   * when the vault has none yet, and settles what a stop of the last active master left half done.
   *
   * @throws SealedException while the vault is sealed
   */
  public synchronized void becameActive() throws VaultException {
    if (barrier == null) {
      throw new SealedException();
    }
    writer = true;
    lastSeen = null;
    KeyPair current = loadOrGenerate(barrier);
    adopt(recover(barrier, current, true));
    expireRetired();
  }

  /** This master is no longer active: this ring writes nothing from now on. */
  public synchronized void becameStandby() {
    writer = !clustered;
  }

  /**
   * A standby's look at the barrier: loads the key once the active master has made it, and follows
   * its rotations and expiries. Cheap when nothing changed. Does nothing on the active master.
   */
  public synchronized void follow() throws VaultException {
    if (!clustered || writer || barrier == null) {
      return;
    }
    loadAsStandby();
  }

  /** Must hold this. Reads only. */
  private void loadAsStandby() throws VaultException {
    Optional<byte[]> stored = barrier.get(PRIVATE_KEY_PATH);
    if (stored.isEmpty()) {
      if (!waitingLogged) {
        waitingLogged = true;
        log.info("the vault holds no master key yet: waiting for the active master to make it");
      }
      return;
    }
    byte[] pem = stored.get();
    byte[] seen;
    try {
      seen = digest(pem, barrier.get(RING_PATH), barrier.get(PENDING_PATH));
      if (state != null && Arrays.equals(seen, lastSeen)) {
        return;
      }
      KeyPair current;
      try {
        current = Pem.readPrivateKey(pem);
      } catch (GeneralSecurityException e) {
        throw new VaultException(
            "the master's private key in the vault is not usable: " + e.getMessage(), e);
      }
      adopt(recover(barrier, current, false));
    } finally {
      Arrays.fill(pem, (byte) 0);
    }
    lastSeen = seen;
  }

  /** SHA-256 over the entries a standby loads from, each with its length. */
  private static byte[] digest(byte[] key, Optional<byte[]> ring, Optional<byte[]> pending) {
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      for (byte[] part : List.of(key, ring.orElse(new byte[0]), pending.orElse(new byte[0]))) {
        sha.update(java.nio.ByteBuffer.allocate(4).putInt(part.length).array());
        sha.update(part);
      }
      ring.ifPresent(r -> Arrays.fill(r, (byte) 0));
      pending.ifPresent(p -> Arrays.fill(p, (byte) 0));
      return sha.digest();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }

  /**
   * Must hold this. Serves {@code loaded}, as read from the barrier: after a rotation on the active
   * master, the new key (its minions are asked to re-authenticate), with the predecessor signing
   * for the sessions that know only it. The keys served before are dropped.
   */
  private void adopt(State loaded) throws VaultException {
    State before = state;
    State reused = reusing(loaded, before);
    State next = writer ? reused : withoutExpired(reused);
    RSAPublicKey now = (RSAPublicKey) next.current().getPublic();
    boolean rotated =
        before != null && !sameKey((RSAPublicKey) before.current().getPublic(), now);
    if (rotated) {
      KeyPair predecessor = null;
      for (Retained r : next.retained()) {
        if (r.keys() == before.current()) {
          predecessor = r.keys();
        }
      }
      if (predecessor != null) {
        switchTo(next, predecessor);
      } else {
        predecessorSigner = null;
        predecessorSignsThrough = Integer.MIN_VALUE;
        state = next;
      }
    } else {
      state = next;
    }
    if (before == null || rotated) {
      publish(now);
    }
    // Whatever is no longer served: replaced, or expired.
    destroyAllBut(reused, next);
    if (before != null) {
      destroyAllBut(before, next);
    }
    if (rotated) {
      Status status = status(next);
      log.info(
          "followed the active master's key rotation to {} (epoch {})",
          status.fingerprint(),
          status.epoch());
      listener.rotated(status);
    }
  }

  /**
   * {@code loaded} with the key objects already served wherever they are the same keys: a
   * handshake using one is not cut off because the barrier was read again.
   */
  private State reusing(State loaded, State before) {
    if (before == null) {
      return loaded;
    }
    KeyPair current = served(loaded.current(), before);
    List<Retained> retained = new ArrayList<>();
    for (Retained r : loaded.retained()) {
      retained.add(new Retained(r.epoch(), served(r.keys(), before), r.graceEnd()));
    }
    return state(current, loaded.epoch(), retained, loaded.statements());
  }

  private static KeyPair served(KeyPair fresh, State before) {
    List<KeyPair> known = new ArrayList<>();
    known.add(before.current());
    before.retained().forEach(r -> known.add(r.keys()));
    for (KeyPair k : known) {
      if (sameKey((RSAPublicKey) k.getPublic(), (RSAPublicKey) fresh.getPublic())) {
        if (k != fresh) {
          RsaKeys.destroy(fresh.getPrivate());
        }
        return k;
      }
    }
    return fresh;
  }

  /** Destroys every key of {@code old} that {@code kept} does not serve. */
  private static void destroyAllBut(State old, State kept) {
    List<KeyPair> keep = new ArrayList<>();
    keep.add(kept.current());
    kept.retained().forEach(r -> keep.add(r.keys()));
    List<KeyPair> all = new ArrayList<>();
    all.add(old.current());
    old.retained().forEach(r -> all.add(r.keys()));
    for (KeyPair k : all) {
      if (keep.stream().noneMatch(x -> x == k)) {
        RsaKeys.destroy(k.getPrivate());
      }
    }
  }

  /** {@code s} without the predecessors whose grace has ended; destroys nothing. */
  private State withoutExpired(State s) {
    long now = clock.instant().getEpochSecond();
    if (s.retained().stream().noneMatch(r -> r.graceEnd() <= now)) {
      return s;
    }
    List<Retained> kept = new ArrayList<>();
    for (Retained r : s.retained()) {
      if (r.graceEnd() > now) {
        kept.add(r);
      }
    }
    return state(s.current(), s.epoch(), kept, s.statements());
  }

  /**
   * Makes {@code next} the served state after a rotation away from {@code predecessor}. Until the
   * publish epoch is read every publication is signed by the predecessor, so none sealed under an
   * epoch a pre-rotation session holds is signed by a key that session does not know; after, the
   * predecessor signs the epochs up to the one read (the listener then rotates to a new one).
   */
  private void switchTo(State next, KeyPair predecessor) {
    predecessorSigner = predecessor;
    predecessorSignsThrough = Integer.MAX_VALUE;
    state = next;
    int epoch;
    try {
      epoch = publishEpoch.getAsInt();
    } catch (IllegalStateException e) {
      epoch = Integer.MAX_VALUE; // sealing meanwhile: nothing is published until the next unseal
    }
    predecessorSignsThrough = epoch;
  }

  @Override
  public synchronized void sealed() {
    State s = state;
    writer = !clustered;
    lastSeen = null;
    predecessorSigner = null;
    predecessorSignsThrough = Integer.MIN_VALUE;
    state = null;
    barrier = null;
    if (s != null) {
      // Under ACCP the keys are native AWS-LC keys, freed and cleared here; a handshake still
      // using one fails, as it would a moment later with the vault sealed.
      RsaKeys.destroy(s.current().getPrivate());
      s.retained().forEach(r -> RsaKeys.destroy(r.keys().getPrivate()));
    }
  }

  // ---- rotation

  /**
   * Rotates the master's key: a new key B is generated behind the barrier, the current key A signs
   * "B follows A from epoch E", and A keeps answering minions pinned to it for {@code grace}.
   *
   * @throws SealedException while the vault is sealed
   * @throws VaultException when the barrier cannot be written; the state is then one the next
   *     unseal rolls back or finishes
   */
  public Status rotate(Duration grace) throws VaultException {
    if (state == null) {
      throw new SealedException();
    }
    Duration minimum;
    synchronized (this) {
      minimum = minimumGrace;
    }
    if (!grace.isZero() && grace.compareTo(minimum) < 0) {
      throw new InvalidRequestException(
          "a grace of "
              + grace.toSeconds()
              + "s is shorter than "
              + minimum.toSeconds()
              + "s (twice reauth_window): connected minions meet the new key only when they"
              + " re-authenticate within reauth_window, and would be locked out; give at least "
              + minimum.toSeconds()
              + "s, or 0s to destroy the old key at once (every minion is then re-pinned by hand)");
    }
    // Made before the lock: a 4096-bit key takes seconds, and the expiry check on the shared timer
    // thread must not wait for it.
    KeyPair next;
    try {
      next = RsaKeys.generate(keysize);
    } catch (GeneralSecurityException e) {
      throw new VaultException("cannot make the master's next key: " + e.getMessage(), e);
    }
    return rotate(grace, next);
  }

  private synchronized Status rotate(Duration grace, KeyPair next) throws VaultException {
    State s = state;
    if (s == null || barrier == null) {
      throw new SealedException();
    }
    if (s.retained().size() >= MasterHandshake.MAX_RETAINED) {
      throw new InvalidRequestException(
          "the master already holds " + s.retained().size()
              + " previous keys in their grace; wait until one expires");
    }
    int epoch = s.epoch() + 1;
    // A key kept with a long grace while later ones come and go with short graces falls more
    // rotations behind than the count of retained keys says: its chain has one statement per
    // rotation since it, and a minion follows at most MAX_CHAIN (it would refuse a longer one).
    for (Retained r : s.retained()) {
      if (epoch - r.epoch() > KeySuccession.MAX_CHAIN) {
        throw new InvalidRequestException(
            "the master's previous key of epoch " + r.epoch() + " answers minions pinned to it"
                + " until " + java.time.Instant.ofEpochSecond(r.graceEnd()) + "; one more"
                + " rotation would put it " + (epoch - r.epoch()) + " rotations behind, more"
                + " than the " + KeySuccession.MAX_CHAIN + " a minion follows; wait until its"
                + " grace ends");
      }
    }
    long graceEnd = clock.instant().plus(grace).getEpochSecond();
    KeySuccession statement;
    try {
      statement =
          KeySuccession.sign(s.current(), (RSAPublicKey) next.getPublic(), epoch, graceEnd);
    } catch (GeneralSecurityException e) {
      throw new VaultException("cannot make the master's next key: " + e.getMessage(), e);
    }
    // 1. The successor, with its statement, where a crash before the commit leaves it unused.
    byte[] nextPem = Pem.writePrivateKey((RSAPrivateCrtKey) next.getPrivate());
    byte[] currentPem = Pem.writePrivateKey((RSAPrivateCrtKey) s.current().getPrivate());
    try {
      ObjectNode pending = JSON.createObjectNode();
      pending.put("private_key", new String(nextPem, StandardCharsets.US_ASCII));
      pending.set("statement", readTree(statement.toJson()));
      barrier.put(PENDING_PATH, toBytes(pending));
      step(1);
      // 2. The predecessor's copy under its epoch, for the grace.
      barrier.put(RETIRED_PREFIX + s.epoch(), currentPem);
      step(2);
      // 3. The commit point: the ring names B current and A retained.
      List<Retained> retained = new ArrayList<>();
      retained.add(new Retained(s.epoch(), s.current(), graceEnd));
      retained.addAll(s.retained());
      List<KeySuccession> statements = new ArrayList<>(s.statements());
      statements.add(statement);
      barrier.put(RING_PATH, ringJson(epoch, retained, statements));
      step(3);
      // 4. B where the current key lives; the pending entry is done with.
      try {
        barrier.put(PRIVATE_KEY_PATH, nextPem);
        step(4);
        barrier.delete(PENDING_PATH);
        step(5);
      } catch (VaultException e) {
        // Committed: this process serves what the barrier says (the next unseal finishes these
        // writes). Kept on A, it would let A's grace end unnoticed, and that unseal would destroy
        // the key every minion is still pinned to.
        switchTo(state(next, epoch, retained, statements), s.current());
        throw new VaultException(
            "the master's key rotated to epoch " + epoch + ", but a write that finishes the"
                + " rotation behind the barrier failed (the next unseal finishes it): "
                + e.getMessage(),
            e);
      }
      switchTo(state(next, epoch, retained, statements), s.current());
    } finally {
      Arrays.fill(nextPem, (byte) 0);
      Arrays.fill(currentPem, (byte) 0);
    }
    // 5. Published: master.pub, then the listener rotates the publish key, so every connected
    // minion is asked to re-authenticate and meets B within reauth_window.
    publish((RSAPublicKey) next.getPublic());
    Status status = status(state);
    log.info(
        "rotated the master's key to {} (epoch {}); the previous key {} answers minions pinned to"
            + " it until {}",
        status.fingerprint(),
        epoch,
        Fingerprints.salt((RSAPublicKey) s.current().getPublic()),
        java.time.Instant.ofEpochSecond(graceEnd));
    listener.rotated(status);
    return status;
  }

  /** The fault-injection hook of the crash tests; see {@link #HALT_AT_STEP_PROPERTY}. */
  private static void step(int n) {
    String halt = System.getProperty(HALT_AT_STEP_PROPERTY);
    if (halt != null && halt.equals(Integer.toString(n))) {
      System.err.println("test hook: halting after master key rotation step " + n);
      System.err.flush();
      Runtime.getRuntime().halt(HALT_STATUS);
    }
  }

  /**
   * Destroys the predecessors whose grace has ended: first the ring stops naming them (a crash
   * then leaves an orphan entry, which the next unseal deletes), then their entries go.
   */
  public void expireRetired() throws VaultException {
    State seen = state;
    long now = clock.instant().getEpochSecond();
    if (seen == null || seen.retained().stream().noneMatch(r -> r.graceEnd() <= now)) {
      return; // the common case, every second on the shared timer: no lock, no barrier access
    }
    expireRetired(now);
  }

  private synchronized void expireRetired(long now) throws VaultException {
    State s = state;
    if (s == null || barrier == null) {
      return;
    }
    if (!writer) {
      // A standby: the active master deletes the entries; this one only stops serving the key.
      State kept = withoutExpired(s);
      if (kept != s) {
        state = kept;
        destroyAllBut(s, kept);
        log.info(
            "no longer answers with the master's previous key of epoch(s) {}: its grace ended",
            s.retained().stream()
                .filter(r -> r.graceEnd() <= now)
                .map(r -> Integer.toString(r.epoch()))
                .toList());
      }
      return;
    }
    List<Retained> kept = new ArrayList<>();
    List<Retained> expired = new ArrayList<>();
    for (Retained r : s.retained()) {
      (r.graceEnd() <= now ? expired : kept).add(r);
    }
    if (expired.isEmpty()) {
      return;
    }
    barrier.put(RING_PATH, ringJson(s.epoch(), kept, s.statements()));
    for (Retained r : expired) {
      barrier.delete(RETIRED_PREFIX + r.epoch());
    }
    state = state(s.current(), s.epoch(), kept, s.statements());
    for (Retained r : expired) {
      RsaKeys.destroy(r.keys().getPrivate());
      log.info(
          "destroyed the master's previous key {} (epoch {}): its grace ended; a minion still"
              + " pinned to it must be re-pinned by hand",
          Fingerprints.salt((RSAPublicKey) r.keys().getPublic()),
          r.epoch());
    }
  }

  /** Seconds until the next retained key's grace ends, or empty when none is retained. */
  public Optional<Duration> untilNextExpiry() {
    State s = state;
    if (s == null || s.retained().isEmpty()) {
      return Optional.empty();
    }
    long soonest = s.retained().stream().mapToLong(Retained::graceEnd).min().getAsLong();
    long now = clock.instant().getEpochSecond();
    return Optional.of(Duration.ofSeconds(Math.max(0, soonest - now)));
  }

  // ---- loading and recovery

  /**
   * Reads the ring and settles a rotation a crash interrupted: before the commit (the ring does
   * not name the pending successor) it is rolled back; after it, finished. Without {@code repair}
   * (a standby) nothing is written: the state is what the active master will settle it to.
   */
  private State recover(Storage barrier, KeyPair stored, boolean repair) throws VaultException {
    Ring ring = readRing(barrier);
    Optional<byte[]> pendingEntry = barrier.get(PENDING_PATH);
    KeyPair current = stored;
    RSAPublicKey currentPub = (RSAPublicKey) stored.getPublic();
    if (!ring.statements().isEmpty()) {
      KeySuccession last = ring.statements().get(ring.statements().size() - 1);
      if (!sameKey(last.successor(), currentPub)) {
        // Committed, but step 4 did not happen: B is in the pending entry.
        KeyPair pending = pendingEntry.map(MasterKeyRing::pendingKey).orElse(null);
        if (pending == null
            || !sameKey(last.predecessor(), currentPub)
            || !sameKey((RSAPublicKey) pending.getPublic(), last.successor())) {
          throw new VaultException(
              "the master's key ring names "
                  + Fingerprints.salt(last.successor())
                  + " as the current key but the vault holds "
                  + Fingerprints.salt(currentPub)
                  + ", and no pending rotation explains it; restore the vault storage from a"
                  + " backup");
        }
        if (repair) {
          byte[] pem = Pem.writePrivateKey((RSAPrivateCrtKey) pending.getPrivate());
          try {
            barrier.put(PRIVATE_KEY_PATH, pem);
          } finally {
            Arrays.fill(pem, (byte) 0);
          }
          log.info(
              "finished the master key rotation to epoch {} that a stop interrupted",
              ring.epoch());
        }
        current = pending;
        currentPub = (RSAPublicKey) pending.getPublic();
      }
    }
    if (!repair) {
      List<Retained> retained = new ArrayList<>();
      for (RingEntry e : ring.retained()) {
        retained.add(new Retained(e.epoch(), loadRetired(barrier, e.epoch()), e.graceEnd()));
      }
      return state(current, ring.epoch(), retained, ring.statements());
    }
    if (pendingEntry.isPresent()) {
      barrier.delete(PENDING_PATH);
      KeyPair pending = pendingKey(pendingEntry.get());
      if (pending != null && !sameKey((RSAPublicKey) pending.getPublic(), currentPub)) {
        log.info(
            "rolled back a master key rotation that a stop interrupted before it was committed;"
                + " the master's key is still {}",
            Fingerprints.salt(currentPub));
      }
    }
    // Entries the ring does not name: a rolled-back step 2, or an expiry a stop interrupted.
    List<Retained> retained = new ArrayList<>();
    for (RingEntry e : ring.retained()) {
      retained.add(new Retained(e.epoch(), loadRetired(barrier, e.epoch()), e.graceEnd()));
    }
    for (String name : barrier.list(RETIRED_PREFIX)) {
      boolean named = ring.retained().stream().anyMatch(e -> name.equals(Integer.toString(e.epoch())));
      if (!named) {
        barrier.delete(RETIRED_PREFIX + name);
      }
    }
    return state(current, ring.epoch(), retained, ring.statements());
  }

  private record RingEntry(int epoch, long graceEnd) {}

  private record Ring(int epoch, List<RingEntry> retained, List<KeySuccession> statements) {}

  private static Ring readRing(Storage barrier) throws VaultException {
    Optional<byte[]> stored = barrier.get(RING_PATH);
    if (stored.isEmpty()) {
      return new Ring(0, List.of(), List.of());
    }
    try {
      JsonNode o = JSON.readTree(stored.get());
      List<RingEntry> retained = new ArrayList<>();
      for (JsonNode r : o.get("retained")) {
        retained.add(new RingEntry(r.get("epoch").intValue(), r.get("grace_end").longValue()));
      }
      List<KeySuccession> statements = new ArrayList<>();
      for (JsonNode st : o.get("statements")) {
        statements.add(KeySuccession.parse(JSON.writeValueAsBytes(st)));
      }
      return new Ring(o.get("epoch").intValue(), retained, statements);
    } catch (IOException | ProtocolException | RuntimeException e) {
      throw new VaultException("the master's key ring in the vault is not usable: " + e, e);
    }
  }

  private static byte[] ringJson(
      int epoch, List<Retained> retained, List<KeySuccession> statements) {
    ObjectNode o = JSON.createObjectNode();
    o.put("epoch", epoch);
    ArrayNode r = o.putArray("retained");
    for (Retained k : retained) {
      r.addObject()
          .put("epoch", k.epoch())
          .put("path", RETIRED_PREFIX + k.epoch())
          .put("grace_end", k.graceEnd());
    }
    ArrayNode st = o.putArray("statements");
    for (KeySuccession s : statements) {
      st.add(readTree(s.toJson()));
    }
    return toBytes(o);
  }

  /** The pending entry's key, or null when the entry is unreadable (it is deleted either way). */
  private static KeyPair pendingKey(byte[] entry) {
    try {
      JsonNode o = JSON.readTree(entry);
      byte[] pem = o.get("private_key").textValue().getBytes(StandardCharsets.US_ASCII);
      try {
        return Pem.readPrivateKey(pem);
      } finally {
        Arrays.fill(pem, (byte) 0);
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      log.warn("the pending master key entry is unreadable ({}); ignoring it", e.getMessage());
      return null;
    } finally {
      Arrays.fill(entry, (byte) 0);
    }
  }

  private static KeyPair loadRetired(Storage barrier, int epoch) throws VaultException {
    byte[] pem =
        barrier
            .get(RETIRED_PREFIX + epoch)
            .orElseThrow(
                () ->
                    new VaultException(
                        "the master's key ring names a previous key of epoch "
                            + epoch
                            + " but the vault does not hold it; restore the vault storage from a"
                            + " backup"));
    try {
      return Pem.readPrivateKey(pem);
    } catch (GeneralSecurityException e) {
      throw new VaultException(
          "the master's previous key of epoch " + epoch + " is not usable: " + e.getMessage(), e);
    } finally {
      Arrays.fill(pem, (byte) 0);
    }
  }

  private State state(
      KeyPair current, int epoch, List<Retained> retained, List<KeySuccession> statements) {
    List<MasterHandshake.RetainedKey> handshakeKeys = new ArrayList<>();
    for (Retained r : retained) {
      // The statements after r's epoch lead from r to the current key.
      List<KeySuccession> chain =
          statements.stream().filter(st -> st.epoch() > r.epoch()).toList();
      handshakeKeys.add(new MasterHandshake.RetainedKey(r.keys(), chain));
    }
    return new State(
        current,
        epoch,
        List.copyOf(retained),
        List.copyOf(statements),
        new PreviousMasterKeys(handshakeKeys, !statements.isEmpty()));
  }

  private static Status status(State s) {
    List<RetainedStatus> retained = new ArrayList<>();
    for (Retained r : s.retained()) {
      retained.add(
          new RetainedStatus(
              r.epoch(), Fingerprints.salt((RSAPublicKey) r.keys().getPublic()), r.graceEnd()));
    }
    return new Status(
        s.epoch(), Fingerprints.salt((RSAPublicKey) s.current().getPublic()), List.copyOf(retained));
  }

  private static boolean sameKey(RSAPublicKey a, RSAPublicKey b) {
    return a.getModulus().equals(b.getModulus())
        && a.getPublicExponent().equals(b.getPublicExponent());
  }

  private static JsonNode readTree(byte[] json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("a statement this master wrote is not JSON", e);
    }
  }

  private static byte[] toBytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }

  private KeyPair loadOrGenerate(Storage barrier) throws VaultException {
    Optional<byte[]> stored = barrier.get(PRIVATE_KEY_PATH);
    if (stored.isPresent()) {
      byte[] pem = stored.get();
      try {
        return Pem.readPrivateKey(pem);
      } catch (GeneralSecurityException e) {
        throw new VaultException(
            "the master's private key in the vault is not usable: " + e.getMessage(), e);
      } finally {
        Arrays.fill(pem, (byte) 0);
      }
    }
    if (Files.exists(publicKeyFile)) {
      // A published identity with no private key behind it: the vault's storage was replaced or
      // the entry deleted. Making a new key here would silently change the master's identity,
      // and every minion that pinned the old one would refuse it.
      throw new VaultException(
          "the vault holds no master private key but "
              + publicKeyFile
              + " exists: restore the vault storage from a backup, or delete that file to give"
              + " this master a new identity (every minion must then accept the new key)");
    }
    KeyPair fresh;
    try {
      fresh = RsaKeys.generate(keysize);
    } catch (GeneralSecurityException e) {
      throw new VaultException("cannot generate the master's RSA key: " + e.getMessage(), e);
    }
    byte[] pem = Pem.writePrivateKey((RSAPrivateCrtKey) fresh.getPrivate());
    try {
      barrier.put(PRIVATE_KEY_PATH, pem);
    } finally {
      Arrays.fill(pem, (byte) 0);
    }
    log.info("generated the master's {}-bit RSA key inside the vault", keysize);
    return fresh;
  }

  /** Writes master.pub unless it already holds exactly this key. */
  private void publish(RSAPublicKey key) throws VaultException {
    String pem = Pem.writePublicKey(key);
    byte[] wanted = pem.getBytes(StandardCharsets.US_ASCII);
    try {
      byte[] existing = DurableFiles.read(publicKeyFile, 64 * 1024);
      if (!Arrays.equals(existing, wanted)) {
        DurableFiles.ensureFolder(publicKeyFile.toAbsolutePath().getParent());
        DurableFiles.write(publicKeyFile, wanted, DurableFiles.PUBLIC);
        if (existing == null) {
          log.info("wrote the master's public key to {}", publicKeyFile);
        } else if (state != null && sameKey(key, (RSAPublicKey) state.current().getPublic())
            && !state.statements().isEmpty()
            && sameKey(
                state.statements().get(state.statements().size() - 1).successor(), key)) {
          log.info("wrote the master's new public key to {}", publicKeyFile);
        } else {
          log.warn(
              "{} did not hold the vault's master key; rewrote it (the vault is the source of"
                  + " truth)",
              publicKeyFile);
        }
      }
    } catch (IOException e) {
      throw new VaultException(
          "cannot write the master's public key to " + publicKeyFile + ": " + e, e);
    }
    log.info("master key fingerprint (salt-key -F master): {}", Fingerprints.salt(pem));
  }
}
