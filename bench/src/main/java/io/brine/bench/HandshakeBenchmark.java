package io.brine.bench;

import io.brine.crypto.CryptoProviders;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.crypto.rsa.RsaPssSigner;
import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.Hello;
import io.brine.protocol.handshake.MasterHandshake;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.handshake.MinionHandshake;
import io.brine.protocol.publish.PublishKey;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The master's whole share of one handshake (parse the HELLO, answer with a WELCOME: the token's
 * RSA-OAEP decryption or a PSS signature, X25519, HKDF, the two key wraps to the minion, the MAC),
 * next to one RSA private-key operation with the same master key, measured in the same run. The
 * ratio welcome / rsaPrivateOp is the figure the fleet-scale issue asks for (goal at most 1.3).
 * No network and no PKI lookup: the crypto and encoding only.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
public class HandshakeBenchmark {
  @Param({"2048", "4096"})
  int masterBits;

  /** crypto_provider: ACCP's AWS-LC or the JDK's, in the same run (docs/performance.md). */
  @Param({"accp", "jdk"})
  String provider;

  private MasterHandshake master;
  private RSAPublicKey minionKey;
  private PublishKey publishKey;
  private byte[] pinnedHello;
  private byte[] firstContactHello;
  private RsaPssSigner signer;
  private byte[] data;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    CryptoProviders.select(CryptoProviders.Choice.parse(provider));
    KeyPair masterPair = RsaKeys.generate(masterBits);
    KeyPair minionPair = RsaKeys.generate(RsaKeys.DEFAULT_MINION_BITS);
    master = MasterHandshake.create(masterPair);
    minionKey = (RSAPublicKey) minionPair.getPublic();
    publishKey = new PublishKey(7, AesGcmKey.generate());
    MinionId id = MinionId.of("web1");
    pinnedHello =
        MinionHandshake.start(
                id, minionPair, MasterTrust.pinned((RSAPublicKey) masterPair.getPublic()))
            .hello();
    firstContactHello = MinionHandshake.start(id, minionPair, MasterTrust.firstContact()).hello();
    signer = RsaPssSigner.create((RSAPrivateCrtKey) masterPair.getPrivate());
    data = new byte[32];
  }

  /** A minion that has pinned the master: one OAEP decryption, the reply is MACed. */
  @Benchmark
  public Object welcomePinned() throws Exception {
    return master.welcome(Hello.parse(pinnedHello), minionKey, publishKey);
  }

  /** First contact: no token, the reply is signed with RSA-PSS. */
  @Benchmark
  public Object welcomeFirstContact() throws Exception {
    return master.welcome(Hello.parse(firstContactHello), minionKey, publishKey);
  }

  /** The yardstick: one private-key operation with the master's key. */
  @Benchmark
  public byte[] rsaPrivateOp() throws Exception {
    return signer.sign(data);
  }
}
