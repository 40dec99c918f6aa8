package io.brine.minion.states;

import io.brine.common.render.TemplateSource;
import io.brine.minion.functions.ChunkedFiles;
import io.brine.minion.functions.FileFetcher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The text of SLS files and templates from the master's file roots, read over the minion's
 * session into memory (never written on the minion), each once per state run. A file larger than
 * {@link #MAX_BYTES} is refused: an SLS is a page of YAML, not a data set.
 */
final class SlsFiles implements TemplateSource {
  static final int MAX_BYTES = 4 * 1024 * 1024;

  private static final long CALL_TIMEOUT_SECONDS = 60;

  private final FileFetcher files;
  private final Map<String, Optional<String>> read = new HashMap<>();

  SlsFiles(FileFetcher files) {
    this.files = files;
  }

  /**
   * A template's include, as it names it: {@code map.jinja}, {@code salt://nginx/map.jinja} or
   * {@code nginx/map.jinja}, all from the root of the file server.
   */
  @Override
  public Optional<String> read(String name) throws IOException {
    String relative = name.startsWith("salt://") ? name.substring(7) : name;
    while (relative.startsWith("/")) {
      relative = relative.substring(1);
    }
    try {
      return text(relative);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading salt://" + relative);
    }
  }

  /** The text of {@code salt://relative}, or empty when the master has no such file. */
  synchronized Optional<String> text(String relative) throws IOException, InterruptedException {
    if (relative.isEmpty() || relative.contains("..") || relative.indexOf('\0') >= 0) {
      throw new IOException("not a file server path: salt://" + relative);
    }
    Optional<String> known = read.get(relative);
    if (known != null) {
      return known;
    }
    Optional<String> text;
    try {
      text = Optional.of(decode(relative, bytes("salt://" + relative)));
    } catch (NoSuchFileException e) {
      text = Optional.empty();
    } catch (IOException e) {
      if (!isMissing(e)) {
        throw e;
      }
      text = Optional.empty();
    }
    read.put(relative, text);
    return text;
  }

  private byte[] bytes(String source) throws IOException, InterruptedException {
    if (files instanceof ChunkedFiles chunked) {
      return readChunked(chunked, source);
    }
    // A file server that only copies to disk (brine call with a master): a private temp folder,
    // gone before this returns.
    Path dir = Files.createTempDirectory("brine-sls");
    Path file = dir.resolve("sls");
    try {
      files.fetch(source, file);
      if (Files.size(file) > MAX_BYTES) {
        throw tooBig(source);
      }
      return Files.readAllBytes(file);
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(dir);
    }
  }

  private static byte[] readChunked(ChunkedFiles chunked, String source)
      throws IOException, InterruptedException {
    ChunkedFiles.Stat stat = chunked.stat(source);
    if (stat.size() > MAX_BYTES) {
      throw tooBig(source);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) stat.size());
    long offset = 0;
    while (offset < stat.size()) {
      int length = (int) Math.min(chunked.chunkBytes(), stat.size() - offset);
      byte[] chunk;
      try {
        chunk = chunked.read(source, offset, length).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c
            ? c.getCause() : e.getCause();
        throw cause instanceof IOException io ? io : new IOException(String.valueOf(cause), cause);
      } catch (TimeoutException e) {
        throw new IOException("the master did not send " + source + " in time");
      }
      if (chunk.length == 0) {
        throw new IOException(source + " changed on the master while it was read");
      }
      out.write(chunk);
      offset += chunk.length;
    }
    byte[] bytes = out.toByteArray();
    if (!MessageDigest.isEqual(sha256(bytes), stat.sha256())) {
      throw new IOException(source + " changed on the master while it was read");
    }
    return bytes;
  }

  private static String decode(String relative, byte[] bytes) throws IOException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IOException("salt://" + relative + " is not UTF-8 text");
    }
  }

  private static boolean isMissing(IOException e) {
    String message = e.getMessage();
    return message != null && message.startsWith("no such file");
  }

  private static IOException tooBig(String source) {
    return new IOException(source + " is larger than " + (MAX_BYTES >> 20) + " MiB");
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
