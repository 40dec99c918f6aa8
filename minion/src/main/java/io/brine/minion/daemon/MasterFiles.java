package io.brine.minion.daemon;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.common.files.DurableFiles;
import io.brine.minion.functions.ChunkedFiles;
import io.brine.minion.functions.FileFetcher;
import io.brine.minion.functions.PipelinedCopy;
import io.brine.protocol.job.JobJson;
import io.brine.protocol.job.SessionCall;
import io.brine.protocol.job.SessionReply;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code cp.get_file} over the session (docs/protocol.md §5.3): {@code file.stat} for the size and
 * SHA-256, then {@code file.read}s, {@link PipelinedCopy#WINDOW} in flight, into a temp file beside
 * the destination, which replaces the destination only when every byte arrived and the SHA-256
 * matches. The file never sits in memory whole; a failure anywhere leaves the destination as it
 * was. As {@link ChunkedFiles}, the same calls serve {@code cp.recv}, which writes on its own terms.
 */
final class MasterFiles implements FileFetcher, ChunkedFiles {
  /** The chunk asked for each time; the master serves at most this much in one REPLY. */
  static final int CHUNK_BYTES = 256 * 1024;

  /** A master that does not answer one call in this time is given up on. */
  static final long CALL_TIMEOUT_SECONDS = PipelinedCopy.CALL_TIMEOUT_SECONDS;

  private final MasterCalls calls;

  MasterFiles(MasterCalls calls) {
    this.calls = calls;
  }

  @Override
  public long fetch(String source, Path dest) throws IOException, InterruptedException {
    Path target = Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)
        ? dest.resolve(baseName(source))
        : dest;
    if (target.getParent() == null || !Files.isDirectory(target.getParent())) {
      throw new NoSuchFileException(target.toString(), null, "the destination folder is missing");
    }
    Stat stat = stat(source);
    try {
      DurableFiles.write(
          target,
          DurableFiles.PUBLIC,
          out ->
              PipelinedCopy.copy(
                  (offset, length) -> read(source, offset, length),
                  stat.size(),
                  stat.sha256(),
                  CHUNK_BYTES,
                  out,
                  source));
    } catch (InterruptedIOException e) {
      throw new InterruptedException(e.getMessage());
    }
    return stat.size();
  }

  @Override
  public Stat stat(String source) throws IOException, InterruptedException {
    ObjectNode statBody = JobJson.MAPPER.createObjectNode().put("path", source);
    SessionReply stat = await(calls.call(SessionCall.FILE_STAT, statBody));
    long size = stat.body().path("size").asLong(-1);
    byte[] expected = hex(stat.body().path("sha256").asText(""));
    if (size < 0 || expected == null) {
      throw new IOException("the master's answer to file.stat has no size or sha256");
    }
    return new Stat(size, expected);
  }

  @Override
  public int chunkBytes() {
    return CHUNK_BYTES;
  }

  @Override
  public CompletableFuture<byte[]> read(String source, long offset, int length) {
    ObjectNode body =
        JobJson.MAPPER.createObjectNode().put("path", source).put("offset", offset).put(
            "length", length);
    // The reply completes on the event loop; decoding there is a few hundred microseconds a chunk.
    return calls.call(SessionCall.FILE_READ, body).thenApply(reply -> chunk(reply, length));
  }

  private static byte[] chunk(SessionReply reply, int length) {
    try {
      if (!reply.isOk()) {
        throw new IOException(reply.error());
      }
      String data = reply.body().path("data").asText(null);
      if (data == null) {
        throw new IOException("the master's answer to file.read has no data");
      }
      byte[] chunk;
      try {
        chunk = Base64.getDecoder().decode(data);
      } catch (IllegalArgumentException e) {
        throw new IOException("the master's file.read data is not base64");
      }
      if (chunk.length > length) {
        throw new IOException("the master sent more than was asked for");
      }
      return chunk;
    } catch (IOException e) {
      throw new CompletionException(e);
    }
  }

  /** Waits for a call's reply; an error reply becomes an IOException with the master's words. */
  private static SessionReply await(CompletableFuture<SessionReply> call)
      throws IOException, InterruptedException {
    SessionReply reply;
    try {
      reply = call.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException io ? io : new IOException(String.valueOf(cause), cause);
    } catch (TimeoutException e) {
      call.cancel(false);
      throw new IOException("the master did not answer in " + CALL_TIMEOUT_SECONDS + " s");
    }
    if (!reply.isOk()) {
      throw new IOException(reply.error());
    }
    return reply;
  }

  private static String baseName(String source) {
    String path = source.endsWith("/") ? source.substring(0, source.length() - 1) : source;
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static byte[] hex(String text) {
    try {
      byte[] bytes = HexFormat.of().parseHex(text);
      return bytes.length == 32 ? bytes : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
