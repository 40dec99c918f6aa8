package io.brine.minion.keys;

import io.brine.common.files.DurableFiles;
import io.brine.crypto.WeakKeyException;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The minion's own key pair, Salt's layout: {@code <pki_dir>/minion/minion.pem} (mode 0600) and
 * {@code minion.pub}. Made at the first start; read at every later one.
 *
 * <p>The private key is written before the public one, so a crash in between leaves a usable
 * private key and the public half is rebuilt from it at the next start. A private key file that
 * others can read is tightened to 0600 with a warning, as Salt's verify_env does.
 */
public final class MinionKeyFiles {
  private static final Logger log = LoggerFactory.getLogger(MinionKeyFiles.class);

  /** A PEM private key is a few KB even at 16384 bits. */
  static final int MAX_KEY_FILE_BYTES = 64 * 1024;

  private final Path privateKeyFile;
  private final Path publicKeyFile;

  private MinionKeyFiles(Path minionPkiDir) {
    this.privateKeyFile = minionPkiDir.resolve("minion.pem");
    this.publicKeyFile = minionPkiDir.resolve("minion.pub");
  }

  /** @param minionPkiDir {@code <pki_dir>/minion} */
  public static MinionKeyFiles in(Path minionPkiDir) {
    return new MinionKeyFiles(minionPkiDir);
  }

  public Path privateKeyFile() {
    return privateKeyFile;
  }

  public Path publicKeyFile() {
    return publicKeyFile;
  }

  /**
   * The minion's key pair, made with {@code keysize} bits if there is none yet.
   *
   * @throws KeyFileException with a one-line reason: unreadable, malformed, or a weak key
   */
  public KeyPair loadOrCreate(int keysize) throws KeyFileException {
    try {
      byte[] pem = DurableFiles.read(privateKeyFile, MAX_KEY_FILE_BYTES);
      KeyPair pair;
      if (pem == null) {
        pair = create(keysize);
      } else {
        try {
          tightenMode();
          pair = Pem.readPrivateKey(pem);
        } finally {
          Arrays.fill(pem, (byte) 0);
        }
      }
      publishPublicHalf((RSAPublicKey) pair.getPublic());
      return pair;
    } catch (IOException e) {
      throw new KeyFileException("cannot use " + privateKeyFile + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new KeyFileException(privateKeyFile + ": " + e.getMessage(), e);
    }
  }

  private KeyPair create(int keysize) throws IOException, WeakKeyException {
    KeyPair pair = RsaKeys.generate(keysize);
    byte[] pem = Pem.writePrivateKey((RSAPrivateCrtKey) pair.getPrivate());
    try {
      DurableFiles.ensureFolder(privateKeyFile.toAbsolutePath().getParent());
      DurableFiles.write(privateKeyFile, pem, DurableFiles.PRIVATE);
    } finally {
      Arrays.fill(pem, (byte) 0);
    }
    log.info("generated this minion's {}-bit RSA key in {}", keysize, privateKeyFile);
    return pair;
  }

  private void publishPublicHalf(RSAPublicKey key) throws IOException {
    byte[] wanted = Pem.writePublicKey(key).getBytes(StandardCharsets.US_ASCII);
    byte[] existing = DurableFiles.read(publicKeyFile, MAX_KEY_FILE_BYTES);
    if (!Arrays.equals(existing, wanted)) {
      DurableFiles.write(publicKeyFile, wanted, DurableFiles.PUBLIC);
      if (existing != null) {
        log.warn("{} did not match minion.pem; rewrote it from the private key", publicKeyFile);
      }
    }
  }

  private void tightenMode() throws IOException {
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(privateKeyFile);
    Set<PosixFilePermission> wanted = PosixFilePermissions.fromString(DurableFiles.PRIVATE);
    if (!mode.equals(wanted)) {
      Files.setPosixFilePermissions(privateKeyFile, wanted);
      log.warn("{} had mode {}; set it to 0600", privateKeyFile, mode);
    }
  }
}
