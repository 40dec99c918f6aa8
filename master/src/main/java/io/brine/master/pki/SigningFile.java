package io.brine.master.pki;

import io.brine.protocol.IdGlob;
import io.brine.protocol.MinionId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Salt's {@code autosign_file} / {@code autoreject_file}: one id or glob a line, blank lines and
 * {@code #} comments skipped. Read at each decision, as Salt does, so an edit needs no restart (the
 * files are consulted only for new and pending ids, never on the accepted path).
 *
 * <p>A world-writable file is ignored: anyone on the host could otherwise get a key accepted.
 * Salt's regex entries are not supported; a line is an exact id or a glob.
 */
final class SigningFile {
  private static final Logger log = LoggerFactory.getLogger(SigningFile.class);

  private final String configKey;
  private final Path path;

  /** The last problem logged, so a minion retrying every few seconds does not repeat it. */
  private final AtomicReference<String> lastWarning = new AtomicReference<>();

  SigningFile(String configKey, Path path) {
    this.configKey = configKey;
    this.path = path;
  }

  boolean matches(MinionId id) {
    String text;
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
      if (permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
        warnOnce(configKey + " " + path + " is world-writable; ignoring it (chmod o-w to use it)");
        return false;
      }
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      warnOnce(configKey + " " + path + " does not exist; no id matches it");
      return false;
    } catch (IOException | UnsupportedOperationException e) {
      warnOnce("cannot read " + configKey + " " + path + ": " + e.getMessage());
      return false;
    }
    lastWarning.set(null);
    return text.lines()
        .map(String::strip)
        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
        .anyMatch(entry -> entry.equals(id.value()) || IdGlob.of(entry).matches(id.value()));
  }

  private void warnOnce(String warning) {
    if (!warning.equals(lastWarning.getAndSet(warning))) {
      log.warn(warning);
    }
  }
}
