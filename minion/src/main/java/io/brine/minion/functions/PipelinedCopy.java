package io.brine.minion.functions;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Copies a master file into a channel with {@link #WINDOW} reads in flight, so a transfer moves at
 * the link's pace rather than one round trip per chunk. Chunks are written and hashed in order as
 * their replies come, so at most {@code WINDOW} chunks are held in memory; a short, long or
 * missing chunk, a reply that does not come within {@link #CALL_TIMEOUT_SECONDS}, or a SHA-256
 * other than the expected one fails the copy with an IOException (the caller's temp file then goes).
 */
public final class PipelinedCopy {
  /** Reads in flight: 8 × 256 KiB keeps a loopback or LAN link busy while holding 2 MiB. */
  public static final int WINDOW = 8;

  /** A master that does not answer one read in this time is given up on. */
  public static final long CALL_TIMEOUT_SECONDS = 60;

  private PipelinedCopy() {}

  /** Reads one chunk; {@link ChunkedFiles#read} bound to a source. */
  @FunctionalInterface
  public interface Reader {
    CompletableFuture<byte[]> read(long offset, int length);
  }

  /**
   * Writes {@code size} bytes read through {@code reader} into {@code out} from its position 0 and
   * checks them against {@code sha256}.
   *
   * @throws IOException a read failed, a chunk was not the length asked, or the hash differs
   * @throws InterruptedIOException when interrupted (a job's timeout): the reads out are cancelled
   */
  public static void copy(
      Reader reader, long size, byte[] sha256, int chunkBytes, FileChannel out, String shown)
      throws IOException {
    if (chunkBytes < 1) {
      throw new IllegalArgumentException("chunkBytes must be positive");
    }
    MessageDigest digest = sha256();
    ArrayDeque<CompletableFuture<byte[]>> inFlight = new ArrayDeque<>();
    long requested = 0;
    long written = 0;
    try {
      while (written < size) {
        while (inFlight.size() < WINDOW && requested < size) {
          int length = (int) Math.min(chunkBytes, size - requested);
          inFlight.add(reader.read(requested, length));
          requested += length;
        }
        int expected = (int) Math.min(chunkBytes, size - written);
        byte[] chunk = await(inFlight.poll(), shown);
        if (chunk.length != expected) {
          throw new IOException(
              shown + ": the master sent " + chunk.length + " bytes at " + written + " where "
                  + expected + " were due (did the file change?)");
        }
        digest.update(chunk);
        ByteBuffer buffer = ByteBuffer.wrap(chunk);
        while (buffer.hasRemaining()) {
          out.write(buffer, written + buffer.position());
        }
        written += chunk.length;
      }
    } finally {
      inFlight.forEach(f -> f.cancel(false));
    }
    if (!MessageDigest.isEqual(digest.digest(), sha256)) {
      throw new IOException(shown + " does not match its SHA-256; nothing was written");
    }
  }

  private static byte[] await(CompletableFuture<byte[]> read, String shown) throws IOException {
    try {
      byte[] chunk = read.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (chunk == null) {
        throw new IOException(shown + ": the master's answer has no data");
      }
      return chunk;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while fetching " + shown);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException io ? io : new IOException(String.valueOf(cause), cause);
    } catch (TimeoutException e) {
      throw new IOException("the master did not answer in " + CALL_TIMEOUT_SECONDS + " s");
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
