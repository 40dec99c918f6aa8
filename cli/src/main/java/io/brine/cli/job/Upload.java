package io.brine.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.CliException;
import io.brine.cli.operator.OperatorClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.LoggerFactory;

/**
 * One file staged on the master for {@code brine cp} ({@code /v1/brine/cp}): hashed here, the
 * hash and size declared, then the chunks (raw bytes, 1 MiB by default) sent {@link #IN_FLIGHT}
 * at a time, each read from the file when its turn comes (memory: a few chunks, whatever the
 * file's size). The master hashes
 * what arrived and refuses a file that changed while it was read.
 */
final class Upload {
  /** Requests in flight: enough to overlap the master's write of one with the next's transfer. */
  static final int IN_FLIGHT = 4;

  /** The staged file's time to live covers the upload itself with this much room. */
  static final int UPLOAD_SECONDS = 600;

  /** Tries of a chunk the master answers 503 (busy with other uploads): about 10 s in all. */
  static final int BUSY_ATTEMPTS = 20;

  static final String SCHEME = "brine-staged://";

  private final OperatorClient client;
  private final Path file;
  private final long size;
  private final byte[] sha256;
  private final int ttlSeconds;
  private String id;

  private Upload(OperatorClient client, Path file, long size, byte[] sha256, int ttlSeconds) {
    this.client = client;
    this.file = file;
    this.size = size;
    this.sha256 = sha256;
    this.ttlSeconds = ttlSeconds;
  }

  /** Reads and hashes {@code file}; nothing is sent yet. */
  static Upload of(OperatorClient client, Path file, int ttlSeconds) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    long size = 0;
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
        size += n;
      }
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return new Upload(client, file, size, digest.digest(), ttlSeconds);
  }

  long size() {
    return size;
  }

  String sha256Hex() {
    return HexFormat.of().formatHex(sha256);
  }

  /** {@code brine-staged://<id>}, as the minions ask for it. */
  String source() {
    return SCHEME + id;
  }

  /** Stages the file: declared, then every chunk; the first failure ends it (one line). */
  void send() throws InterruptedException {
    JsonNode created =
        client.post(
            "/v1/brine/cp", Map.of("size", size, "sha256", sha256Hex(), "ttl", ttlSeconds));
    if (created == null || !created.path("id").asText("").matches("[0-9a-f]{32}")
        || created.path("chunk_bytes").asInt(0) < 1) {
      throw new CliException("the master's answer to the upload has no staged id");
    }
    id = created.path("id").asText();
    int chunk = created.path("chunk_bytes").asInt();
    if (size == 0) {
      return;
    }
    ExecutorService senders = Executors.newFixedThreadPool(IN_FLIGHT, daemonThreads());
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      List<Future<?>> sent = new ArrayList<>();
      for (long offset = 0; offset < size; offset += chunk) {
        long at = offset;
        int length = (int) Math.min(chunk, size - offset);
        sent.add(senders.submit(() -> sendChunk(in, at, length)));
      }
      for (Future<?> f : sent) {
        f.get();
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof CliException c
          ? c
          : new CliException("upload failed: " + cause.getMessage(), cause);
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
    } finally {
      senders.shutdownNow();
    }
  }

  private Void sendChunk(FileChannel in, long offset, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (in.read(buffer, offset + buffer.position()) < 0) {
        throw new CliException(file + " became shorter while it was sent");
      }
    }
    // 503: the master holds as many large chunks as it takes from all uploaders at once; another
    // upload's chunks leave room soon.
    for (int attempt = 1; ; attempt++) {
      try {
        client.putBytes("/v1/brine/cp/" + id + "?offset=" + offset, buffer.array());
        return null;
      } catch (OperatorClient.ApiError e) {
        if (e.status() != 503 || attempt == BUSY_ATTEMPTS) {
          throw e;
        }
      }
      try {
        Thread.sleep(50L * attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("upload interrupted", e);
      }
    }
  }

  /** Removes the staged file from the master; it expires there anyway. */
  void discard() {
    if (id == null) {
      return;
    }
    try {
      client.delete("/v1/brine/cp/" + id);
    } catch (CliException e) {
      LoggerFactory.getLogger(Upload.class)
          .debug("cannot remove staged file {}: {}", id, e.getMessage());
    }
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    return r -> {
      Thread t = new Thread(r, "brine-cp-upload");
      t.setDaemon(true);
      return t;
    };
  }
}
