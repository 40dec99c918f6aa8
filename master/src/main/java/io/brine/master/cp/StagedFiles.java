package io.brine.master.cp;

import io.brine.common.files.DurableFiles;
import io.brine.master.files.ServedFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's staging area for {@code brine cp}: files an operator uploads in chunks through the
 * operator API, which the targeted minions then pull over their sessions as {@code
 * brine-staged://<id>} ({@code file.stat}/{@code file.read}, as file_roots files).
 *
 * <p>Everything is bounded: one file's size ({@code maxFileBytes}), the bytes all staged files may
 * take together and their number; a staged file lives for its time to live, counted again from
 * the moment its last chunk arrived, and is removed then (or at once by its uploader). Chunks may
 * come in any order and several at a time (positional writes into a 0600 file), each exactly
 * {@link #chunkBytes()} but the last; once all are in, the file is hashed and kept only when its
 * SHA-256 is the one declared at creation. Only complete files are served. The id is 128 random
 * bits, and writes and deletes are the uploading token's (its accessor) alone. The folder is
 * emptied at start: staged files do not outlive the master.
 */
public final class StagedFiles {
  private static final Logger log = LoggerFactory.getLogger(StagedFiles.class);

  public static final String SCHEME = "brine-staged://";

  /** The largest upload chunk, whatever the API's request limit. */
  public static final int MAX_CHUNK_BYTES = 4 * 1024 * 1024;

  private static final int CHUNK_STEP = 4096;

  /**
   * A chunk's size when the API's {@code max_request_bytes} is smaller: chunks travel as raw bytes
   * on their own route, whose body limit is this (see the operator API's cp upload gate), so 100
   * MiB is 100 requests rather than 2,300 of base64 in JSON.
   */
  public static final int RAW_CHUNK_BYTES = 1024 * 1024;

  public static final long DEFAULT_MAX_FILE_BYTES = 256L * 1024 * 1024;
  public static final long DEFAULT_MAX_TOTAL_BYTES = 1024L * 1024 * 1024;
  public static final int DEFAULT_MAX_FILES = 64;
  public static final Duration MAX_TTL = Duration.ofDays(1);

  private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A refusal whose message is safe to send back (no path of the master's, no secret). */
  public static final class StagingException extends Exception {
    private static final long serialVersionUID = 1L;

    public StagingException(String message) {
      super(message);
    }
  }

  /** What an upload has reached. */
  public record Progress(String id, long received, long size, boolean complete) {}

  private static final class Entry {
    final String id;
    final String owner;
    final Path file;
    final long size;
    final byte[] sha256;
    final Duration ttl;
    final int chunks;
    final int chunkBytes;
    /** Chunks being written or written: each is written once, so the hash sees settled bytes. */
    final BitSet claimed = new BitSet();
    final BitSet received = new BitSet();
    Instant expires;
    /** Set, under the entry's lock, by the write that found every chunk in: no write after it. */
    boolean sealed;
    boolean complete;
    boolean gone;

    Entry(
        String id,
        String owner,
        Path file,
        long size,
        byte[] sha256,
        Duration ttl,
        Instant now,
        int chunkBytes) {
      this.chunkBytes = chunkBytes;
      this.id = id;
      this.owner = owner;
      this.file = file;
      this.size = size;
      this.sha256 = sha256;
      this.ttl = ttl;
      this.chunks = (int) ((size + chunkBytes - 1) / chunkBytes);
      this.expires = now.plus(ttl);
    }

    long receivedBytes() {
      int n = received.cardinality();
      boolean last = chunks > 0 && received.get(chunks - 1);
      long lastBytes = size - (long) (chunks - 1) * chunkBytes;
      return last ? (long) (n - 1) * chunkBytes + lastBytes : (long) n * chunkBytes;
    }
  }

  private final Path folder;
  private final Clock clock;
  private final int chunkBytes;
  private final long maxFileBytes;
  private final long maxTotalBytes;
  private final int maxFiles;
  private final Map<String, Entry> entries = new LinkedHashMap<>();

  private StagedFiles(
      Path folder,
      Clock clock,
      int chunkBytes,
      long maxFileBytes,
      long maxTotalBytes,
      int maxFiles) {
    this.folder = folder;
    this.clock = clock;
    this.chunkBytes = chunkBytes;
    this.maxFileBytes = maxFileBytes;
    this.maxTotalBytes = maxTotalBytes;
    this.maxFiles = maxFiles;
  }

  /**
   * The staging folder {@code folder} (0700), emptied; the default limits; chunks as large as
   * requests of {@code maxRequestBytes} (the API's {@code max_request_bytes}) carry.
   */
  public static StagedFiles open(Path folder, Clock clock, int maxRequestBytes)
      throws IOException {
    return open(
        folder,
        clock,
        chunkFor(maxRequestBytes),
        DEFAULT_MAX_FILE_BYTES,
        DEFAULT_MAX_TOTAL_BYTES,
        DEFAULT_MAX_FILES);
  }

  public static StagedFiles open(
      Path folder,
      Clock clock,
      int chunkBytes,
      long maxFileBytes,
      long maxTotalBytes,
      int maxFiles)
      throws IOException {
    if (chunkBytes < 1
        || chunkBytes > MAX_CHUNK_BYTES
        || maxFileBytes < 1
        || maxTotalBytes < maxFileBytes
        || maxFiles < 1) {
      throw new IllegalArgumentException(
          "staging limits: chunk 1 byte to 4 MiB, file >= 1, total >= file, files >= 1");
    }
    DurableFiles.deleteTree(folder);
    DurableFiles.ensureFolder(folder);
    return new StagedFiles(folder, clock, chunkBytes, maxFileBytes, maxTotalBytes, maxFiles);
  }

  /**
   * The chunk size for an API whose request limit is {@code maxRequestBytes}: {@link
   * #RAW_CHUNK_BYTES}, or that limit in 4 KiB steps when it is larger, at most {@link
   * #MAX_CHUNK_BYTES}. A chunk is a request's whole body (raw bytes), so the cp route reads
   * bodies of up to this size.
   */
  public static int chunkFor(int maxRequestBytes) {
    long stepped = (long) maxRequestBytes / CHUNK_STEP * CHUNK_STEP;
    return (int) Math.min(MAX_CHUNK_BYTES, Math.max(RAW_CHUNK_BYTES, stepped));
  }

  /** The size of every upload chunk but the last. */
  public int chunkBytes() {
    return chunkBytes;
  }

  public long maxFileBytes() {
    return maxFileBytes;
  }

  /**
   * Reserves room for a file of {@code size} bytes whose SHA-256 is {@code sha256}, for {@code
   * owner} (the uploading token's accessor).
   *
   * @throws StagingException over a limit, or a ttl outside 1 s to a day
   */
  public Progress create(String owner, long size, byte[] sha256, Duration ttl)
      throws StagingException, IOException {
    if (size < 0 || sha256 == null || sha256.length != 32) {
      refuse("a staged file needs a size >= 0 and a 64-hex-digit sha256");
    }
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
      refuse("ttl must be 1 s to " + MAX_TTL.toHours() + " h");
    }
    if (size > maxFileBytes) {
      refuse("the file is " + size + " bytes, over the master's limit of " + maxFileBytes);
    }
    String id = HexFormat.of().formatHex(randomBytes(16));
    Entry entry;
    synchronized (this) {
      expire();
      if (entries.size() >= maxFiles) {
        refuse("the master stages " + maxFiles + " files already; try again when a copy ends");
      }
      long reserved = entries.values().stream().mapToLong(e -> e.size).sum();
      if (reserved + size > maxTotalBytes) {
        refuse(
            "the staging area holds "
                + reserved
                + " of its "
                + maxTotalBytes
                + " bytes; this file does not fit now");
      }
      entry =
          new Entry(
              id, owner, folder.resolve(id), size, sha256.clone(), ttl, clock.instant(), chunkBytes);
      entries.put(id, entry);
    }
    try {
      Files.createFile(
          entry.file,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      if (size == 0) {
        synchronized (entry) {
          entry.sealed = true;
        }
        finish(entry);
      }
    } catch (IOException | StagingException | RuntimeException e) {
      remove(entry);
      throw e;
    }
    return progress(entry);
  }

  /**
   * Writes one chunk at {@code offset} (a multiple of {@link #chunkBytes()}); the chunk that
   * completes the file has it hashed, and a file whose hash is not the declared one is removed.
   */
  public Progress write(String owner, String id, long offset, byte[] data)
      throws StagingException, IOException {
    Entry entry = owned(owner, id);
    if (offset < 0 || offset % chunkBytes != 0 || offset >= Math.max(entry.size, 1)) {
      refuse("offset " + offset + " is no chunk start of this " + entry.size + "-byte file");
    }
    int index = (int) (offset / chunkBytes);
    long due = Math.min(chunkBytes, entry.size - offset);
    if (data.length != due) {
      refuse("the chunk at " + offset + " must be " + due + " bytes, not " + data.length);
    }
    synchronized (entry) {
      if (entry.sealed) {
        refuse("staged file " + id + " is complete; it takes no more chunks");
      }
      if (entry.claimed.get(index)) {
        refuse("the chunk at " + offset + " was sent already");
      }
      entry.claimed.set(index);
    }
    try (FileChannel out =
        FileChannel.open(entry.file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer buffer = ByteBuffer.wrap(data);
      while (buffer.hasRemaining()) {
        out.write(buffer, offset + buffer.position());
      }
    } catch (IOException e) {
      synchronized (entry) {
        entry.claimed.clear(index); // not written: it may be sent again
      }
      throw e;
    }
    boolean last;
    synchronized (entry) {
      entry.received.set(index);
      last = entry.received.cardinality() == entry.chunks;
      entry.sealed = last;
    }
    if (last) {
      finish(entry);
    }
    return progress(entry);
  }

  /** Hashes the whole file and keeps it only when it is what its uploader declared. */
  private void finish(Entry entry) throws StagingException, IOException {
    MessageDigest digest = sha256();
    try (InputStream in = Files.newInputStream(entry.file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    if (!MessageDigest.isEqual(digest.digest(), entry.sha256)) {
      remove(entry);
      refuse("the uploaded bytes do not match the declared sha256; the staged file is removed");
    }
    try (FileChannel sync = FileChannel.open(entry.file, StandardOpenOption.READ)) {
      sync.force(true);
    }
    synchronized (entry) {
      entry.complete = true;
      entry.expires = clock.instant().plus(entry.ttl);
    }
    log.info("staged file {} complete ({} bytes)", entry.id, entry.size);
  }

  /** The complete, unexpired file {@code brine-staged://<id>} as a file the master serves. */
  public Optional<ServedFile> find(String source) {
    if (source == null || !source.startsWith(SCHEME)) {
      return Optional.empty();
    }
    String id = source.substring(SCHEME.length());
    Entry entry;
    synchronized (this) {
      expire();
      entry = ID.matcher(id).matches() ? entries.get(id) : null;
    }
    if (entry == null) {
      return Optional.empty();
    }
    synchronized (entry) {
      if (!entry.complete || entry.gone) {
        return Optional.empty();
      }
    }
    return Optional.of(new ServedFile(SCHEME + id, entry.file, entry.size, entry.sha256));
  }

  /** Removes the uploader's staged file; false when there is none (expired, never made). */
  public boolean delete(String owner, String id) {
    Entry entry;
    try {
      entry = owned(owner, id);
    } catch (StagingException e) {
      return false;
    }
    remove(entry);
    return true;
  }

  /** Removes every staged file past its time; cheap when none is. */
  public void expire() {
    List<Entry> expired = new ArrayList<>();
    Instant now = clock.instant();
    synchronized (this) {
      for (Entry e : entries.values()) {
        if (now.isAfter(e.expires)) {
          expired.add(e);
        }
      }
    }
    for (Entry e : expired) {
      log.info("staged file {} expired; removed", e.id);
      remove(e);
    }
  }

  synchronized int count() {
    return entries.size();
  }

  private Entry owned(String owner, String id) throws StagingException {
    Entry entry;
    synchronized (this) {
      expire();
      entry = id != null && ID.matcher(id).matches() ? entries.get(id) : null;
    }
    if (entry == null || !entry.owner.equals(owner)) {
      // The same answer for another token's file: ids are not probed.
      refuse("no staged file " + shown(id) + " (expired, or not yours)");
    }
    return entry;
  }

  private void remove(Entry entry) {
    synchronized (this) {
      entries.remove(entry.id, entry);
    }
    synchronized (entry) {
      entry.gone = true;
    }
    try {
      Files.deleteIfExists(entry.file);
    } catch (IOException e) {
      log.warn("cannot remove staged file {}: {}", entry.id, e.getMessage());
    }
  }

  private Progress progress(Entry entry) {
    synchronized (entry) {
      return new Progress(entry.id, entry.receivedBytes(), entry.size, entry.complete);
    }
  }

  private static void refuse(String why) throws StagingException {
    log.warn("brine cp upload refused: {}", why);
    throw new StagingException(why);
  }

  private static String shown(String id) {
    return id != null && ID.matcher(id).matches() ? id : "(not an id)";
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
