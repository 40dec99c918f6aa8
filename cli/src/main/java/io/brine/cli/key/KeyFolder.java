package io.brine.cli.key;

import io.brine.cli.CliException;
import io.brine.master.pki.ImportedKey;
import io.brine.master.pki.KeyRules;
import io.brine.master.pki.KeyStatus;
import io.brine.protocol.MinionId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The keys of another master's PKI folder, for {@code brine key --import}: Salt's layout, {@code
 * minions/}, {@code minions_pre/}, {@code minions_rejected/}, {@code minions_denied/} (the names
 * {@link KeyStatus} gives), either in the folder given (Salt's {@code /etc/salt/pki/master}) or in
 * its {@code master/} (brine's {@code pki_dir}). Read only: the folder is neither repaired nor
 * created, as opening it as a {@code PkiDirectory} would. Links are not followed and hidden files
 * (an interrupted write's temp files) are skipped; anything else that is not a usable key is one
 * error naming the file, before anything is sent.
 */
final class KeyFolder {
  private KeyFolder() {}

  /**
   * Every key of the folder, sorted by id then status.
   *
   * @throws CliException when {@code dir} is not a key folder, holds no keys, or holds a file that
   *     is not a key (one line naming the file)
   */
  static List<ImportedKey> read(Path dir) {
    Path root = root(dir);
    TreeMap<String, ImportedKey> keys = new TreeMap<>();
    for (KeyStatus status : KeyStatus.values()) {
      Path folder = root.resolve(status.dirName());
      if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
        throw new CliException(folder + ": not a folder (links are not followed)");
      }
      for (Path file : entries(folder)) {
        String name = file.getFileName().toString();
        if (name.startsWith(".")) {
          continue;
        }
        ImportedKey key = key(file, name, status);
        keys.put(name + "\0" + status.ordinal(), key);
      }
    }
    if (keys.isEmpty()) {
      throw new CliException(root + " holds no keys: nothing to import");
    }
    return List.copyOf(keys.values());
  }

  /** {@code dir} when it holds one of the four folders, else its {@code master/} if that does. */
  private static Path root(Path dir) {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new CliException(dir + " is not a folder");
    }
    for (Path candidate : List.of(dir, dir.resolve("master"))) {
      for (KeyStatus status : KeyStatus.values()) {
        if (Files.isDirectory(candidate.resolve(status.dirName()), LinkOption.NOFOLLOW_LINKS)) {
          return candidate;
        }
      }
    }
    throw new CliException(
        dir
            + " is not a key folder: it has none of minions, minions_pre, minions_rejected,"
            + " minions_denied (nor has "
            + dir.resolve("master")
            + ")");
  }

  private static List<Path> entries(Path folder) {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
      stream.forEach(entries::add);
    } catch (IOException e) {
      throw new CliException(folder + ": cannot be read: " + reason(e), e);
    }
    entries.sort(null);
    return entries;
  }

  private static ImportedKey key(Path file, String name, KeyStatus status) {
    if (!MinionId.isValid(name)) {
      throw new CliException(file + ": the name is not a valid minion id");
    }
    String text;
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isRegularFile()) {
        throw new CliException(file + ": not a regular file (links are not followed)");
      }
      text = readBounded(file);
    } catch (IOException e) {
      throw new CliException(file + ": cannot be read: " + reason(e), e);
    }
    try {
      return ImportedKey.checked(name, KeyRules.label(status), text);
    } catch (IllegalArgumentException e) {
      throw new CliException(file + ": " + e.getMessage());
    }
  }

  /** At most {@link ImportedKey#MAX_PEM_BYTES} and one byte more, so a huge file is not read. */
  private static String readBounded(Path file) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes(ImportedKey.MAX_PEM_BYTES + 1);
    }
    if (bytes.length > ImportedKey.MAX_PEM_BYTES) {
      throw new CliException(
          file + ": over " + ImportedKey.MAX_PEM_BYTES + " bytes, not a public key");
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CliException(file + ": not text, not a public key");
    }
  }

  /** The JDK's file exceptions carry only the path as their message: say what happened. */
  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
