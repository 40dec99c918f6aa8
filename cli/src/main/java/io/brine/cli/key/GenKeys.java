package io.brine.cli.key;

import io.brine.cli.CliException;
import io.brine.crypto.WeakKeyException;
import io.brine.crypto.rsa.Fingerprints;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Set;

/**
 * {@code brine key --gen-keys NAME}: a new RSA pair as {@code NAME.pem} (PKCS#8, 0600) and {@code
 * NAME.pub} (SubjectPublicKeyInfo, 0644), e.g. to pre-seed a minion. Existing files are never
 * overwritten: a key someone relies on would be lost.
 */
final class GenKeys {
  /** The files written and the public key's salt-key fingerprint. */
  record Written(Path privateKey, Path publicKey, String fingerprint) {}

  private GenKeys() {}

  static Written write(Path dir, String name, int bits) {
    Path pem = dir.resolve(name + ".pem");
    Path pub = dir.resolve(name + ".pub");
    for (Path p : new Path[] {pem, pub}) {
      if (Files.exists(p)) {
        throw new CliException(p + " already exists; brine key never overwrites a key file");
      }
    }
    KeyPair pair;
    try {
      pair = RsaKeys.generate(bits);
    } catch (WeakKeyException e) {
      throw new CliException(e.getMessage(), e);
    }
    String publicPem = Pem.writePublicKey((RSAPublicKey) pair.getPublic());
    byte[] privatePem = Pem.writePrivateKey((RSAPrivateCrtKey) pair.getPrivate());
    try {
      Files.createDirectories(dir);
      create(pem, privatePem, "rw-------");
      create(pub, publicPem.getBytes(StandardCharsets.US_ASCII), "rw-r--r--");
    } catch (FileAlreadyExistsException e) {
      throw new CliException(
          e.getFile() + " already exists; brine key never overwrites a key file", e);
    } catch (IOException e) {
      throw new CliException("cannot write the key pair to " + dir + ": " + e.getMessage(), e);
    } finally {
      Arrays.fill(privatePem, (byte) 0);
    }
    return new Written(pem, pub, Fingerprints.salt(publicPem));
  }

  /** Created with its final mode, so the private key is never readable by others, even briefly. */
  private static void create(Path file, byte[] content, String mode) throws IOException {
    Set<StandardOpenOption> options =
        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try (FileChannel out =
        FileChannel.open(
            file,
            options,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)))) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      out.force(true);
    }
    // The umask may have taken bits away from the public key's 0644; set it exactly.
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
  }
}
