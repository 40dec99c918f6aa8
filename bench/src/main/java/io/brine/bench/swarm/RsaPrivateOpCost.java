package io.brine.bench.swarm;

import io.brine.crypto.CryptoProviders;
import io.brine.crypto.DecryptionFailedException;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.crypto.rsa.RsaOaepDecrypter;
import io.brine.crypto.rsa.RsaOaepEncrypter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The yardsticks of figure 1, measured in the same run as the storm: one RSA private-key
 * operation of {@code openssl speed} on this machine (the physical limit, and issue 16's
 * yardstick), and one in this JVM through crypto-core, as the master does it (OAEP-SHA256 of a
 * 32-byte token, with the provider {@link CryptoProviders} chose).
 *
 * @param bits the key's modulus size
 * @param cpuSeconds CPU seconds of one decryption in this JVM: the lowest average of {@link
 *     #ROUNDS} rounds of {@link #OPS_PER_ROUND}, so that a round another thread disturbed (the
 *     JIT, a GC) does not make the yardstick longer and figure 1 look better than it is
 * @param opensslSeconds seconds of one {@code openssl speed rsa<bits>} signature, or null when
 *     openssl is not installed
 * @param provider who did this JVM's operation
 */
record RsaPrivateOpCost(int bits, double cpuSeconds, Double opensslSeconds, String provider) {
  static final int ROUNDS = 5;
  static final int OPS_PER_ROUND = 100;

  /** Until the JIT has compiled the code around the operation, as it has in a master that has run. */
  private static final long WARM_UP_NANOS = 2_000_000_000L;

  private static final int MIN_WARM_UP_OPS = 50;

  /** {@code rsa 2048 bits 0.000335s 0.000021s 2985.4 48155.5}: the sign column. */
  private static final Pattern OPENSSL_ROW =
      Pattern.compile("(?m)^rsa\\s+(\\d+)\\s+bits\\s+([0-9.]+)s\\s");

  /** The modulus size of the key in a {@code master.pub}. */
  static int modulusBits(Path masterPub) throws IOException, GeneralSecurityException {
    String pem = Files.readString(masterPub, StandardCharsets.US_ASCII);
    return Pem.readPublicKey(pem).getModulus().bitLength();
  }

  static RsaPrivateOpCost measure(int bits) throws GeneralSecurityException {
    KeyPair pair = RsaKeys.generate(bits);
    RsaOaepDecrypter decrypter = RsaOaepDecrypter.create((RSAPrivateCrtKey) pair.getPrivate());
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    byte[] token = RsaOaepEncrypter.create((RSAPublicKey) pair.getPublic()).encrypt(secret);

    long warmUpEnd = System.nanoTime() + WARM_UP_NANOS;
    for (int i = 0; i < MIN_WARM_UP_OPS || System.nanoTime() < warmUpEnd; i++) {
      decrypt(decrypter, token);
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long best = Long.MAX_VALUE;
    for (int round = 0; round < ROUNDS; round++) {
      long start = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < OPS_PER_ROUND; i++) {
        decrypt(decrypter, token);
      }
      best = Math.min(best, threads.getCurrentThreadCpuTime() - start);
    }
    return new RsaPrivateOpCost(
        bits, best / 1e9 / OPS_PER_ROUND, opensslSeconds(bits), CryptoProviders.describe());
  }

  /** Figure 1 against the JVM's operation and against openssl's (null without openssl). */
  double inJvmOps(double cpuSecondsPerHandshake) {
    return cpuSecondsPerHandshake / cpuSeconds;
  }

  Double inOpensslOps(double cpuSecondsPerHandshake) {
    return opensslSeconds == null ? null : cpuSecondsPerHandshake / opensslSeconds;
  }

  private static void decrypt(RsaOaepDecrypter decrypter, byte[] token)
      throws DecryptionFailedException {
    if (decrypter.decrypt(token).length != 32) {
      throw new IllegalStateException("OAEP gave back a secret of the wrong length");
    }
  }

  /** {@code openssl speed -seconds 3 rsa<bits>}: its sign time, or null when it cannot run. */
  static Double opensslSeconds(int bits) {
    try {
      Process p =
          new ProcessBuilder("openssl", "speed", "-seconds", "3", "rsa" + bits)
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return null;
      }
      Matcher m = OPENSSL_ROW.matcher(out);
      while (m.find()) {
        if (Integer.parseInt(m.group(1)) == bits) {
          return Double.parseDouble(m.group(2));
        }
      }
      return null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
