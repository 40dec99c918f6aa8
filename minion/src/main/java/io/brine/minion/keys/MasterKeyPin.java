package io.brine.minion.keys;

import io.brine.common.files.DurableFiles;
import io.brine.crypto.rsa.Fingerprints;
import io.brine.crypto.rsa.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.interfaces.RSAPublicKey;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's public key as this minion trusts it: {@code <pki_dir>/minion/minion_master.pub},
 * pinned at first contact (trust on first use, as Salt), or checked against {@code master_finger}
 * when the operator set one, which removes the first-use gap. Once pinned, a master presenting any
 * other key is refused, loudly, until an operator removes the file, unless the pinned key vouched
 * for it: after a rotation of the master's key the minion re-pins its successor ({@link #repin},
 * docs/protocol.md §2.8).
 */
public final class MasterKeyPin {
  private static final Logger log = LoggerFactory.getLogger(MasterKeyPin.class);

  /**
   * Test hook, read only in {@link #repin}: the JVM halts ({@link Runtime#halt}, as a kill -9
   * would leave it) after the successor has authenticated and before it is written. Never set in
   * production.
   */
  static final String HALT_BEFORE_REPIN_PROPERTY = "brine.test.haltBeforeMasterKeyRepin";

  private final Path file;
  private final String masterFinger;

  /**
   * @param minionPkiDir {@code <pki_dir>/minion}
   * @param masterFinger Salt's {@code master_finger} (colon-separated SHA-256 of master.pub's body
   *     lines, as {@code brine key -F} prints it), or null
   */
  public MasterKeyPin(Path minionPkiDir, String masterFinger) {
    this.file = minionPkiDir.resolve("minion_master.pub");
    this.masterFinger = masterFinger == null ? null : masterFinger.strip().toLowerCase(Locale.ROOT);
  }

  public Path file() {
    return file;
  }

  /** The pinned key, if this minion has met its master before. */
  public Optional<RSAPublicKey> pinned() throws KeyFileException {
    try {
      byte[] pem = DurableFiles.read(file, MinionKeyFiles.MAX_KEY_FILE_BYTES);
      if (pem == null) {
        return Optional.empty();
      }
      return Optional.of(Pem.readPublicKey(new String(pem, StandardCharsets.US_ASCII)));
    } catch (IOException | GeneralSecurityException e) {
      throw new KeyFileException("cannot use the pinned master key " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Accepts {@code presented} as the master's key: it must equal the pinned key, or, with none
   * pinned yet, match {@code master_finger} when one is set. Pins it at first contact. Call this
   * only after the master proved it holds the key (the handshake's signature or token check).
   *
   * @throws KeyFileException when the key changed or does not match master_finger
   */
  public void acceptOrRefuse(RSAPublicKey presented) throws KeyFileException {
    Optional<RSAPublicKey> known = pinned();
    if (known.isPresent()) {
      if (!known.get().equals(presented)) {
        throw new KeyFileException(
            "the master's key has changed: it presents "
                + Fingerprints.salt(presented)
                + " but "
                + file
                + " holds "
                + Fingerprints.salt(known.get())
                + "; if the master was re-keyed on purpose, remove that file");
      }
      return;
    }
    String finger = Fingerprints.salt(presented);
    if (masterFinger != null && !masterFinger.equals(finger)) {
      throw new KeyFileException(
          "the master's key " + finger + " does not match master_finger " + masterFinger);
    }
    try {
      DurableFiles.ensureFolder(file.toAbsolutePath().getParent());
      DurableFiles.write(
          file,
          Pem.writePublicKey(presented).getBytes(StandardCharsets.US_ASCII),
          DurableFiles.PUBLIC);
    } catch (IOException e) {
      throw new KeyFileException("cannot pin the master's key in " + file + ": " + e.getMessage(), e);
    }
    log.info(
        "pinned the master's key {} in {}{}",
        finger,
        file,
        masterFinger == null ? " (first contact; set master_finger to check it)" : "");
  }

  /**
   * Replaces the pinned key with its successor, atomically (temp file, fsync, rename): a crash
   * leaves the old key or the new one, and the old one still works while the master keeps it in
   * its grace. Call this only after a handshake whose token was encrypted to {@code successor}
   * succeeded, and whose chain from the pinned key was verified before it.
   *
   * @param epoch the successor's epoch, for the log line
   * @param vouchedBy the key that was pinned, which signed (the first step of) the chain
   */
  public void repin(RSAPublicKey successor, int epoch, RSAPublicKey vouchedBy)
      throws KeyFileException {
    if (Boolean.getBoolean(HALT_BEFORE_REPIN_PROPERTY)) {
      System.err.println("test hook: halting before re-pinning the master's key");
      System.err.flush();
      Runtime.getRuntime().halt(137);
    }
    try {
      DurableFiles.write(
          file,
          Pem.writePublicKey(successor).getBytes(StandardCharsets.US_ASCII),
          DurableFiles.PUBLIC);
    } catch (IOException e) {
      throw new KeyFileException(
          "cannot re-pin the master's key in " + file + ": " + e.getMessage(), e);
    }
    log.info(
        "the master's key rotated: re-pinned {} (epoch {}) in {}, vouched for by {}",
        Fingerprints.salt(successor),
        epoch,
        file,
        Fingerprints.salt(vouchedBy));
  }
}
