package io.brine.bench.swarm;

import io.brine.crypto.rsa.Pem;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * The CPU time of one RSA private-key operation in this JVM, the yardstick of figure 1: a pinned
 * handshake should cost the master little more than the one OAEP decryption of the minion's token
 * it cannot avoid. Measured with the JDK's own primitives, as the master does it (a new Cipher per
 * operation, OAEP with SHA-256 and MGF1-SHA-256, a 32-byte secret), on a key of the master's size.
 *
 * @param bits the key's modulus size
 * @param cpuSeconds CPU seconds of one decryption: the lowest average of {@link #ROUNDS} rounds of
 *     {@link #OPS_PER_ROUND}, so that a round another thread disturbed (the JIT, a GC) does not
 *     make the yardstick longer and figure 1 look better than it is
 */
record RsaPrivateOpCost(int bits, double cpuSeconds) {
  static final int ROUNDS = 5;
  static final int OPS_PER_ROUND = 100;

  /** Until the JIT has compiled the BigInteger arithmetic, as it has in a master that has run. */
  private static final long WARM_UP_NANOS = 2_000_000_000L;

  private static final int MIN_WARM_UP_OPS = 50;

  private static final OAEPParameterSpec OAEP_SHA256 =
      new OAEPParameterSpec(
          "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);

  /** The modulus size of the key in a {@code master.pub}. */
  static int modulusBits(Path masterPub) throws IOException, GeneralSecurityException {
    String pem = Files.readString(masterPub, StandardCharsets.US_ASCII);
    return Pem.readPublicKey(pem).getModulus().bitLength();
  }

  static RsaPrivateOpCost measure(int bits) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(bits);
    KeyPair pair = generator.generateKeyPair();
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    Cipher encrypt = Cipher.getInstance("RSA/ECB/OAEPPadding");
    encrypt.init(Cipher.ENCRYPT_MODE, pair.getPublic(), OAEP_SHA256);
    byte[] token = encrypt.doFinal(secret);

    long warmUpEnd = System.nanoTime() + WARM_UP_NANOS;
    for (int i = 0; i < MIN_WARM_UP_OPS || System.nanoTime() < warmUpEnd; i++) {
      decrypt(pair, token);
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long best = Long.MAX_VALUE;
    for (int round = 0; round < ROUNDS; round++) {
      long start = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < OPS_PER_ROUND; i++) {
        decrypt(pair, token);
      }
      best = Math.min(best, threads.getCurrentThreadCpuTime() - start);
    }
    return new RsaPrivateOpCost(bits, best / 1e9 / OPS_PER_ROUND);
  }

  private static void decrypt(KeyPair pair, byte[] token) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
    cipher.init(Cipher.DECRYPT_MODE, pair.getPrivate(), OAEP_SHA256);
    if (cipher.doFinal(token).length != 32) {
      throw new IllegalStateException("OAEP gave back a secret of the wrong length");
    }
  }
}
