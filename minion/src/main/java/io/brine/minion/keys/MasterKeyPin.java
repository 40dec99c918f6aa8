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
 * other key is refused, loudly, until an operator removes the file.
 */
public final class MasterKeyPin {
  private static final Logger log = LoggerFactory.getLogger(MasterKeyPin.class);

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
}
