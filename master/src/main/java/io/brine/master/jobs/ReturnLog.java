package io.brine.master.jobs;

import io.brine.protocol.MinionId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job's returns on disk: {@code {jid}/returns.log}, one return per line, in the order they
 * arrived. A line is the minion's id, a space, and its return ({@link JobJson}) sealed by {@link
 * JobCacheCipher} for this job and this minion, in base64: neither holds a space or a newline, so a
 * line is exactly one return. The id is in clear, as in the cluster's rows (which minions answered
 * a job is no secret; what they answered may be); it only says which key the line opens with, and
 * the return inside must name the same minion.
 *
 * <p>Why one appended file rather than a file per return: a return is acknowledged to its minion
 * only once it is on disk, and a file per return cost a write, two fsyncs and a rename each, one
 * after the other, so 10,000 minions answering one {@code test.ping} waited seconds for the disk.
 * Appending lets {@link ReturnWriter} make a whole batch durable with one fsync.
 *
 * <p>Only complete lines count. A line without its newline is a write in progress (a reader races
 * the writer) or one a crash cut short; it was never acknowledged, so {@link #repairTail} drops
 * it before the next append and its minion sends it again. A complete line that does not open
 * (moved from another job or minion, tampered with) or does not parse is damage: skipped, like a
 * damaged file. Reading needs no lock, only the key: while the vault is sealed a read fails with
 * {@link JobStoreUnavailableException}.
 */
final class ReturnLog {
  private static final Logger log = LoggerFactory.getLogger(ReturnLog.class);

  static final String FILE = "returns.log";

  private static final int BUFFER_BYTES = 64 * 1024;

  private ReturnLog() {}

  /** What to do with each complete line of a log. */
  interface LineVisitor {
    void line(byte[] line) throws IOException;
  }

  /**
   * Feeds each complete line to {@code visitor}; a line longer than {@code maxLineBytes} is
   * skipped (logged) without being held in memory.
   *
   * @return false when the file does not exist or is not a regular file
   */
  static boolean forEachLine(Path file, int maxLineBytes, LineVisitor visitor) throws IOException {
    if (!isLog(file)) {
      return false;
    }
    InputStream in;
    try {
      in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return false;
    }
    try (in) {
      byte[] buffer = new byte[BUFFER_BYTES];
      ByteArrayOutputStream line = new ByteArrayOutputStream(256);
      boolean tooLong = false;
      int n;
      while ((n = in.read(buffer)) > 0) {
        int from = 0;
        for (int i = 0; i < n; i++) {
          if (buffer[i] != '\n') {
            continue;
          }
          tooLong |= line.size() + (i - from) > maxLineBytes;
          if (tooLong) {
            log.warn("job cache: skipping a return longer than {} bytes in {}", maxLineBytes, file);
          } else {
            line.write(buffer, from, i - from);
            visitor.line(line.toByteArray());
          }
          line.reset();
          tooLong = false;
          from = i + 1;
        }
        if (!tooLong && line.size() + (n - from) <= maxLineBytes) {
          line.write(buffer, from, n - from);
        } else {
          tooLong = true;
          line.reset();
        }
      }
      return true; // what is left in `line` has no newline yet: not a return
    }
  }

  /**
   * The line that stores {@code ret} in {@code jid}'s log, without its newline.
   *
   * @throws JobStoreUnavailableException while the vault is sealed
   */
  static byte[] line(JobCacheCipher cipher, String jid, JobReturn ret) throws IOException {
    byte[] id = ret.id().value().getBytes(StandardCharsets.UTF_8);
    byte[] sealed = cipher.seal(JobJson.write(ret), JobCacheCipher.jobReturn(jid, ret.id()));
    byte[] line = new byte[id.length + 1 + sealed.length];
    System.arraycopy(id, 0, line, 0, id.length);
    line[id.length] = ' ';
    System.arraycopy(sealed, 0, line, id.length + 1, sealed.length);
    return line;
  }

  /**
   * The returns in {@code file}, opened and parsed, to {@code sink}; each line that is not a return
   * of this job is skipped, and why told to {@code damaged}.
   *
   * @return false when the file does not exist
   * @throws JobStoreUnavailableException while the vault is sealed
   */
  static boolean read(
      Path file,
      String jid,
      JobCacheCipher cipher,
      Consumer<JobReturn> sink,
      Consumer<String> damaged)
      throws IOException {
    return forEachLine(
        file,
        JobCache.MAX_RETURN_BYTES,
        line -> {
          try {
            sink.accept(open(line, jid, cipher));
          } catch (JobJson.MalformedException e) {
            damaged.accept(e.getMessage());
          }
        });
  }

  private static JobReturn open(byte[] line, String jid, JobCacheCipher cipher)
      throws IOException {
    if (JobCacheCipher.isClearJson(line)) {
      throw new JobJson.MalformedException("it is in clear (an earlier version's format)");
    }
    int space = indexOf(line, (byte) ' ');
    String name = new String(line, 0, Math.max(space, 0), StandardCharsets.UTF_8);
    if (space < 0 || !MinionId.isValid(name)) {
      throw new JobJson.MalformedException("it does not start with a minion id");
    }
    MinionId id = MinionId.of(name);
    byte[] sealed = Arrays.copyOfRange(line, space + 1, line.length);
    Optional<byte[]> plain = cipher.open(sealed, JobCacheCipher.jobReturn(jid, id));
    if (plain.isEmpty()) {
      throw new JobJson.MalformedException(
          "the line of "
              + id
              + " does not open (moved from another job or minion, altered, or sealed under"
              + " another key)");
    }
    JobReturn ret = JobJson.readReturn(plain.get());
    if (!ret.id().equals(id)) {
      throw new JobJson.MalformedException("the line of " + id + " holds a return of " + ret.id());
    }
    return ret;
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** Complete lines in {@code file}, without parsing them; -1 when it is missing or no file. */
  static int count(Path file) throws IOException {
    if (!isLog(file)) {
      return -1;
    }
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      int lines = 0;
      ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
      while (channel.read(buffer.clear()) > 0) {
        for (int i = 0; i < buffer.position(); i++) {
          if (buffer.get(i) == '\n') {
            lines++;
          }
        }
      }
      return lines;
    } catch (NoSuchFileException e) {
      return -1;
    }
  }


  /** A regular file: a link or anything else where the log should be is never followed. */
  private static boolean isLog(Path file) {
    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return true;
    }
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      log.warn("job cache: {} is not a regular file; ignoring it", file);
    }
    return false;
  }

  /**
   * Cuts a line that has no newline off the end of {@code channel}'s file, so the next append
   * starts a line of its own, and leaves the position at the end.
   *
   * @return the bytes cut (0 when the file ends with a newline or is empty)
   */
  static long repairTail(FileChannel channel) throws IOException {
    long size = channel.size();
    long end = size;
    ByteBuffer chunk = ByteBuffer.allocate(BUFFER_BYTES);
    search:
    while (end > 0) {
      long from = Math.max(0, end - BUFFER_BYTES);
      chunk.clear().limit((int) (end - from));
      while (chunk.hasRemaining()) {
        if (channel.read(chunk, from + chunk.position()) < 0) {
          throw new IOException("the returns log shrank while being repaired");
        }
      }
      for (int i = chunk.limit() - 1; i >= 0; i--) {
        if (chunk.get(i) == '\n') {
          end = from + i + 1;
          break search;
        }
      }
      end = from;
    }
    if (end < size) {
      channel.truncate(end);
      channel.force(false);
    }
    channel.position(end);
    return size - end;
  }

}
