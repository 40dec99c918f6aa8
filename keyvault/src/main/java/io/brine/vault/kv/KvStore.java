package io.brine.vault.kv;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.vault.IntegrityException;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.VaultException;
import io.brine.vault.storage.Storage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * OpenBao's KV version 2 secrets engine, mounted at {@code secret/}, over the barrier: every value
 * it stores is encrypted there, and nothing is kept in memory between calls.
 *
 * <p>Layout under {@value #PREFIX} in the barrier:
 *
 * <ul>
 *   <li>{@code meta/<escaped path>}: a secret's metadata ({@link KvMetadata}), paths escaped by
 *       {@link KvPaths} so any secret path fits the storage's alphabet;
 *   <li>{@code ver/<sha-256 of the path>/<n>}: the data of version n, one record per version, so a
 *       write stores one version and a destroy removes exactly one;
 *   <li>{@code config}: the engine's {@link KvConfig};
 *   <li>{@code usage}: how many secrets and bytes the engine holds, checked against {@link
 *       KvLimits} before a write adds to them.
 * </ul>
 *
 * <p>Semantics follow OpenBao's engine: version 0 names the current version; a soft-deleted
 * version keeps its data until destroyed or pruned; a secret keeps at most {@code max_versions}
 * (its own, else the engine's, else 10), the oldest pruned at the write that goes over; {@code
 * cas_required} (the secret's or the engine's) makes a write without {@code cas} fail; {@code
 * delete_version_after} gives each new version a deletion time in the future.
 *
 * <p>Writes are serialized on this store (the active master is the only writer of a cluster);
 * reads take no lock. Messages of {@link InvalidRequestException}s are OpenBao's where it has one,
 * and never hold a value. Thread-safe.
 */
public final class KvStore {
  /** Where the engine's records live in the barrier. */
  public static final String PREFIX = "kv/secret/";

  static final String META = PREFIX + "meta/";
  static final String VERSIONS = PREFIX + "ver/";
  static final String CONFIG = PREFIX + "config";
  static final String USAGE = PREFIX + "usage";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
  private static final TypeReference<LinkedHashMap<String, Object>> DATA =
      new TypeReference<>() {};

  private final Storage barrier;
  private final Clock clock;
  private final Object writes = new Object();

  public KvStore(Storage barrier, Clock clock) {
    this.barrier = Objects.requireNonNull(barrier, "barrier");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The data of one version. Version 0 = the current one; empty when the path, or that version,
   * does not exist, is deleted or destroyed.
   */
  public Optional<KvVersion> read(String path, int version) throws VaultException {
    Optional<KvRead> r = get(path, version);
    if (r.isEmpty() || r.get().data().isEmpty()) {
      return Optional.empty();
    }
    VersionMetadata v = r.get().version();
    return Optional.of(new KvVersion(r.get().data().get(), v.version(), v.createdTime()));
  }

  /**
   * One version as OpenBao's {@code data/} read answers it: empty when the secret or the version
   * does not exist (404 with no body); a version that is deleted or destroyed comes with its
   * metadata and no data (404 with the metadata).
   */
  public Optional<KvRead> get(String path, int version) throws VaultException {
    String p = KvPaths.checkSecret(path);
    if (version < 0) {
      throw new InvalidRequestException("version must be a non-negative number");
    }
    Optional<KvMetadata> meta = readMetadata(p);
    if (meta.isEmpty()) {
      return Optional.empty();
    }
    int n = version == 0 ? meta.get().currentVersion() : version;
    VersionMetadata v = meta.get().versions().get(n);
    if (v == null) {
      return Optional.empty();
    }
    Map<String, String> custom = meta.get().customMetadata();
    if (!v.liveAt(clock.instant())) {
      return Optional.of(new KvRead(v, custom, Optional.empty()));
    }
    Optional<byte[]> raw = barrier.get(versionKey(p, n));
    if (raw.isEmpty()) {
      // Destroyed or pruned between the two reads.
      return Optional.empty();
    }
    return Optional.of(new KvRead(v, custom, Optional.of(decodeData(p, raw.get()))));
  }

  /**
   * Writes a new version. {@code cas}, when present, must equal the current version (0 for a
   * secret that does not exist yet).
   *
   * @return the new version's metadata and the secret's custom metadata
   */
  public KvRead write(String path, Map<String, Object> data, OptionalInt cas)
      throws VaultException {
    String p = KvPaths.checkSecret(path);
    if (data == null) {
      throw new InvalidRequestException("no data provided");
    }
    synchronized (writes) {
      return writeLocked(p, data, cas, readMetadata(p).orElse(null));
    }
  }

  /**
   * Applies an RFC 7386 merge patch to the current version's data and writes the result as a new
   * version, as OpenBao's PATCH on {@code data/}: a null removes a key, an object merges.
   *
   * @return empty when the secret does not exist or its current version is deleted or destroyed
   *     (OpenBao's 404)
   */
  public Optional<KvRead> patch(String path, Map<String, Object> mergePatch, OptionalInt cas)
      throws VaultException {
    String p = KvPaths.checkSecret(path);
    if (mergePatch == null) {
      throw new InvalidRequestException("no data provided");
    }
    synchronized (writes) {
      Optional<KvMetadata> meta = readMetadata(p);
      if (meta.isEmpty()) {
        return Optional.empty();
      }
      // As OpenBao: check-and-set is checked before the current version's state.
      checkCas(config(), meta.get(), cas);
      VersionMetadata current = meta.get().versions().get(meta.get().currentVersion());
      if (current == null || !current.liveAt(clock.instant())) {
        return Optional.empty();
      }
      Optional<byte[]> raw = barrier.get(versionKey(p, current.version()));
      if (raw.isEmpty()) {
        return Optional.empty();
      }
      Map<String, Object> merged = MergePatch.apply(decodeData(p, raw.get()), mergePatch);
      return Optional.of(writeLocked(p, merged, cas, meta.get()));
    }
  }

  /** Soft-deletes the current version (OpenBao's DELETE on {@code data/}); no secret, no change. */
  public void deleteLatest(String path) throws VaultException {
    String p = KvPaths.checkSecret(path);
    synchronized (writes) {
      Optional<KvMetadata> meta = readMetadata(p);
      if (meta.isEmpty()) {
        return;
      }
      deleteLocked(meta.get(), List.of(meta.get().currentVersion()));
    }
  }

  /** Soft-deletes the versions named; ones missing, destroyed or already deleted are skipped. */
  public void delete(String path, Collection<Integer> versions) throws VaultException {
    String p = KvPaths.checkSecret(path);
    checkVersions(versions);
    synchronized (writes) {
      Optional<KvMetadata> meta = readMetadata(p);
      if (meta.isPresent()) {
        deleteLocked(meta.get(), versions);
      }
    }
  }

  /** Clears the deletion time of the versions named that are not destroyed. */
  public void undelete(String path, Collection<Integer> versions) throws VaultException {
    String p = KvPaths.checkSecret(path);
    checkVersions(versions);
    synchronized (writes) {
      Optional<KvMetadata> meta = readMetadata(p);
      if (meta.isEmpty()) {
        return;
      }
      SortedMap<Integer, VersionMetadata> all = new TreeMap<>(meta.get().versions());
      boolean changed = false;
      for (int n : versions) {
        VersionMetadata v = all.get(n);
        if (v == null || v.destroyed()) {
          continue;
        }
        all.put(n, v.withDeletion(null));
        changed = true;
      }
      if (changed) {
        writeMetadata(withVersions(meta.get(), all, meta.get().oldestVersion()));
      }
    }
  }

  /** Removes the data of the versions named for good; their metadata stays, marked destroyed. */
  public void destroy(String path, Collection<Integer> versions) throws VaultException {
    String p = KvPaths.checkSecret(path);
    checkVersions(versions);
    synchronized (writes) {
      Optional<KvMetadata> meta = readMetadata(p);
      if (meta.isEmpty()) {
        return;
      }
      SortedMap<Integer, VersionMetadata> all = new TreeMap<>(meta.get().versions());
      List<Integer> gone = new ArrayList<>();
      long freed = 0;
      for (int n : versions) {
        VersionMetadata v = all.get(n);
        if (v == null || v.destroyed()) {
          continue;
        }
        all.put(n, v.destroyedNow());
        gone.add(n);
        freed += v.sizeInBytes();
      }
      if (gone.isEmpty()) {
        return;
      }
      // The metadata first: a crash then leaves a data record no version points to, never a
      // version marked live without data.
      writeMetadata(withVersions(meta.get(), all, meta.get().oldestVersion()));
      for (int n : gone) {
        barrier.delete(versionKey(p, n));
      }
      addUsage(0, -freed);
    }
  }

  /** The metadata of a secret; empty when there is none. */
  public Optional<KvMetadata> metadata(String path) throws VaultException {
    return readMetadata(KvPaths.checkSecret(path));
  }

  /**
   * Changes a secret's settings (OpenBao's write on {@code metadata/}), creating its metadata when
   * it has none. A null field of {@code update} leaves that setting alone; with {@code merge},
   * custom metadata is merged (a null value removes a key), as OpenBao's PATCH on {@code
   * metadata/}, else replaced.
   */
  public KvMetadata writeMetadata(String path, MetadataUpdate update, boolean merge)
      throws VaultException {
    String p = KvPaths.checkSecret(path);
    Objects.requireNonNull(update, "update");
    update.check();
    synchronized (writes) {
      Instant now = clock.instant();
      Optional<KvMetadata> old = readMetadata(p);
      if (old.isEmpty()) {
        reserveSecret();
      }
      KvMetadata base = old.orElseGet(() -> fresh(p, now));
      Map<String, String> custom = base.customMetadata();
      if (update.customMetadata() != null) {
        if (merge) {
          Map<String, String> m = custom == null ? new TreeMap<>() : new TreeMap<>(custom);
          update.customMetadata().forEach((k, v) -> {
            if (v == null) {
              m.remove(k);
            } else {
              m.put(k, v);
            }
          });
          custom = m;
        } else {
          Map<String, String> m = new TreeMap<>();
          update.customMetadata().forEach((k, v) -> {
            if (v != null) {
              m.put(k, v);
            }
          });
          custom = m;
        }
        MetadataUpdate.checkCustom(custom);
      }
      KvMetadata next =
          new KvMetadata(
              p,
              base.versions(),
              base.currentVersion(),
              base.oldestVersion(),
              update.maxVersions() == null ? base.maxVersions() : update.maxVersions(),
              update.casRequired() == null ? base.casRequired() : update.casRequired(),
              update.deleteVersionAfter() == null
                  ? base.deleteVersionAfter()
                  : update.deleteVersionAfter(),
              custom,
              base.createdTime(),
              now);
      writeMetadata(next);
      return next;
    }
  }

  /** Removes a secret: every version's data, then its metadata. No secret, no change. */
  public void deleteMetadata(String path) throws VaultException {
    String p = KvPaths.checkSecret(path);
    synchronized (writes) {
      Optional<KvMetadata> meta = readMetadata(p);
      if (meta.isEmpty()) {
        return;
      }
      for (int n : meta.get().versions().keySet()) {
        barrier.delete(versionKey(p, n));
      }
      barrier.delete(KvPaths.secretKey(META, p));
      addUsage(-1, -meta.get().sizeInBytes());
    }
  }

  /**
   * The names under a folder as OpenBao's LIST on {@code metadata/} gives them: secrets by name,
   * folders with a trailing '/', sorted; a name that is both appears twice. Empty when none.
   */
  public List<String> list(String folder) throws VaultException {
    String f = KvPaths.checkFolder(folder);
    TreeSet<String> keys = new TreeSet<>();
    for (String name : barrier.list(KvPaths.folderKey(META, f))) {
      KvPaths.listed(name).ifPresent(keys::add);
    }
    return List.copyOf(keys);
  }

  /** The engine's settings ({@code secret/config}). */
  public KvConfig config() throws VaultException {
    Optional<byte[]> raw = barrier.get(CONFIG);
    if (raw.isEmpty()) {
      return KvConfig.DEFAULT;
    }
    return KvRecords.config(raw.get());
  }

  /** Changes the engine's settings; a null argument leaves that setting alone. */
  public KvConfig writeConfig(Integer maxVersions, Boolean casRequired, Duration deleteVersionAfter)
      throws VaultException {
    if (maxVersions != null) {
      MetadataUpdate.checkMaxVersions(maxVersions);
    }
    synchronized (writes) {
      KvConfig old = config();
      KvConfig next =
          new KvConfig(
              maxVersions == null ? old.maxVersions() : maxVersions,
              casRequired == null ? old.casRequired() : casRequired,
              deleteVersionAfter == null ? old.deleteVersionAfter() : deleteVersionAfter);
      barrier.put(CONFIG, KvRecords.encode(next));
      return next;
    }
  }

  /** Under the write lock. */
  private KvRead writeLocked(String p, Map<String, Object> data, OptionalInt cas, KvMetadata old)
      throws VaultException {
    KvConfig config = config();
    checkCas(config, old, cas);
    int current = old == null ? 0 : old.currentVersion();
    byte[] encoded = encodeData(data);
    Instant now = clock.instant();
    if (old == null) {
      reserveSecret();
    }
    KvMetadata base = old == null ? fresh(p, now) : old;
    int version = current + 1;
    Duration after =
        base.deleteVersionAfter().isZero() ? config.deleteVersionAfter() : base.deleteVersionAfter();
    Instant deletion = after.isZero() ? null : now.plus(after);
    VersionMetadata added = new VersionMetadata(version, now, deletion, false, encoded.length);

    // OpenBao's sliding window (KeyMetadata.AddVersion): the larger of the secret's and the
    // engine's max_versions, else 10; once current - oldest reaches it, everything up to current -
    // max goes and oldest moves past it.
    int max = Math.max(base.maxVersions(), config.maxVersions());
    if (max <= 0) {
      max = KvLimits.DEFAULT_MAX_VERSIONS;
    }
    SortedMap<Integer, VersionMetadata> all = new TreeMap<>(base.versions());
    all.put(version, added);
    int oldest = base.oldestVersion();
    List<Integer> pruned = new ArrayList<>();
    long freed = 0;
    if (version - oldest >= max) {
      int last = version - max;
      for (VersionMetadata v : new ArrayList<>(all.headMap(last + 1).values())) {
        all.remove(v.version());
        pruned.add(v.version());
        if (!v.destroyed()) {
          freed += v.sizeInBytes();
        }
      }
      oldest = last + 1;
    }
    addUsage(0, encoded.length - freed);
    barrier.put(versionKey(p, version), encoded);
    KvMetadata next =
        new KvMetadata(
            p,
            all,
            version,
            oldest,
            base.maxVersions(),
            base.casRequired(),
            base.deleteVersionAfter(),
            base.customMetadata(),
            base.createdTime(),
            now);
    writeMetadata(next);
    for (int n : pruned) {
      barrier.delete(versionKey(p, n));
    }
    return new KvRead(added, next.customMetadata(), Optional.empty());
  }

  /** OpenBao's check-and-set rule, with its messages. */
  private static void checkCas(KvConfig config, KvMetadata meta, OptionalInt cas)
      throws InvalidRequestException {
    int current = meta == null ? 0 : meta.currentVersion();
    if (cas.isPresent()) {
      if (cas.getAsInt() != current) {
        throw new InvalidRequestException(
            "check-and-set parameter did not match the current version");
      }
    } else if (config.casRequired() || (meta != null && meta.casRequired())) {
      throw new InvalidRequestException("check-and-set parameter required for this call");
    }
  }

  private void deleteLocked(KvMetadata meta, Collection<Integer> versions) throws VaultException {
    Instant now = clock.instant();
    SortedMap<Integer, VersionMetadata> all = new TreeMap<>(meta.versions());
    boolean changed = false;
    for (int n : versions) {
      VersionMetadata v = all.get(n);
      if (v == null || v.destroyed() || v.deletedAt(now)) {
        continue;
      }
      all.put(n, v.withDeletion(now));
      changed = true;
    }
    if (changed) {
      writeMetadata(withVersions(meta, all, meta.oldestVersion()));
    }
  }

  private static void checkVersions(Collection<Integer> versions) throws InvalidRequestException {
    if (versions == null || versions.isEmpty()) {
      throw new InvalidRequestException("no version number provided");
    }
  }

  private KvMetadata withVersions(
      KvMetadata m, SortedMap<Integer, VersionMetadata> versions, int oldest) {
    return new KvMetadata(
        m.path(),
        versions,
        m.currentVersion(),
        oldest,
        m.maxVersions(),
        m.casRequired(),
        m.deleteVersionAfter(),
        m.customMetadata(),
        m.createdTime(),
        clock.instant());
  }

  private static KvMetadata fresh(String p, Instant now) {
    return new KvMetadata(p, new TreeMap<>(), 0, 0, 0, false, Duration.ZERO, null, now, now);
  }

  private Optional<KvMetadata> readMetadata(String p) throws VaultException {
    Optional<byte[]> raw = barrier.get(KvPaths.secretKey(META, p));
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(KvRecords.metadata(p, raw.get()));
  }

  private void writeMetadata(KvMetadata m) throws VaultException {
    barrier.put(KvPaths.secretKey(META, m.path()), KvRecords.encode(m));
  }

  /** Counts one more secret, refusing the one past {@link KvLimits#MAX_SECRETS}. */
  private void reserveSecret() throws VaultException {
    long[] usage = usage();
    if (usage[0] >= KvLimits.MAX_SECRETS) {
      throw new InvalidRequestException(
          "the secrets engine holds its maximum of " + KvLimits.MAX_SECRETS + " secrets");
    }
    putUsage(usage[0] + 1, usage[1]);
  }

  /**
   * Adds to the bytes held, refusing growth past {@link KvLimits#MAX_TOTAL_BYTES}. Written before
   * the data it counts and after the data it frees, so a crash can only overcount.
   */
  private void addUsage(long secrets, long bytes) throws VaultException {
    long[] usage = usage();
    long total = Math.max(0, usage[1] + bytes);
    if (bytes > 0 && total > KvLimits.MAX_TOTAL_BYTES) {
      throw new InvalidRequestException(
          "the secrets engine holds its maximum of "
              + KvLimits.MAX_TOTAL_BYTES / (1024 * 1024)
              + " MiB of secret data");
    }
    putUsage(Math.max(0, usage[0] + secrets), total);
  }

  private long[] usage() throws VaultException {
    Optional<byte[]> raw = barrier.get(USAGE);
    return raw.isEmpty() ? new long[] {0, 0} : KvRecords.usage(raw.get());
  }

  private void putUsage(long secrets, long bytes) throws VaultException {
    barrier.put(USAGE, KvRecords.usage(secrets, bytes));
  }

  private static String versionKey(String p, int version) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(p.getBytes(StandardCharsets.UTF_8));
      return VERSIONS + HexFormat.of().formatHex(digest) + "/" + version;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The data as stored, after the bounds of {@link KvLimits}. */
  private static byte[] encodeData(Map<String, Object> data) throws InvalidRequestException {
    if (data.size() > KvLimits.MAX_KEYS) {
      throw new InvalidRequestException(
          "secret data has more than " + KvLimits.MAX_KEYS + " keys");
    }
    checkDepth(data, 1);
    byte[] encoded;
    try {
      encoded = JSON.writeValueAsBytes(data);
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException("secret data cannot be written as JSON");
    }
    if (encoded.length > KvLimits.MAX_VERSION_BYTES) {
      throw new InvalidRequestException(
          "secret data is larger than " + KvLimits.MAX_VERSION_BYTES / 1024 + " KiB");
    }
    return encoded;
  }

  private static void checkDepth(Object value, int depth) throws InvalidRequestException {
    if (depth > KvLimits.MAX_DEPTH) {
      throw new InvalidRequestException(
          "secret data is nested deeper than " + KvLimits.MAX_DEPTH + " levels");
    }
    if (value instanceof Map<?, ?> m) {
      for (Object v : m.values()) {
        checkDepth(v, depth + 1);
      }
    } else if (value instanceof List<?> l) {
      for (Object v : l) {
        checkDepth(v, depth + 1);
      }
    }
  }

  private static Map<String, Object> decodeData(String p, byte[] raw) throws VaultException {
    try {
      Map<String, Object> data = JSON.readValue(raw, DATA);
      if (data == null) {
        throw new IntegrityException("stored data of secret " + KvPaths.quote(p) + " is null");
      }
      return data;
    } catch (IOException e) {
      throw new IntegrityException("stored data of secret " + KvPaths.quote(p) + " is not JSON");
    }
  }
}
