package io.brine.master.pki;

import io.brine.common.files.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The PKI folder's view of {@link DurableFiles}: key files are public-key PEM text, mode 0644 (as
 * Salt leaves them), at most 64 KiB. Every operation is durable on return and follows no link.
 */
final class KeyFiles {
  /** Temp files start with this; no minion id can (ids never start with '.'). */
  static final String TEMP_PREFIX = DurableFiles.TEMP_PREFIX;

  /** A public key PEM is a few KB even at 16384 bits; anything far larger is not one. */
  static final int MAX_KEY_FILE_BYTES = 64 * 1024;

  private KeyFiles() {}

  /**
   * The file's text, or null when there is no entry at all.
   *
   * @throws UnreadableKeyException when the entry is no key file: a link, a folder, a huge file
   */
  static String read(Path file) throws IOException {
    byte[] content;
    try {
      content = DurableFiles.read(file, MAX_KEY_FILE_BYTES);
    } catch (DurableFiles.NotARegularFileException e) {
      throw new UnreadableKeyException(e);
    }
    return content == null ? null : new String(content, StandardCharsets.UTF_8);
  }

  static boolean exists(Path file) {
    return DurableFiles.exists(file);
  }

  /** Atomically replaces (or creates) {@code file} with {@code text}, mode 0644. */
  static void write(Path file, String text) throws IOException {
    DurableFiles.write(file, text.getBytes(StandardCharsets.UTF_8), DurableFiles.PUBLIC);
  }

  static boolean delete(Path file) throws IOException {
    return DurableFiles.delete(file);
  }

  static void ensureFolder(Path dir) throws IOException {
    DurableFiles.ensureFolder(dir);
  }
}
