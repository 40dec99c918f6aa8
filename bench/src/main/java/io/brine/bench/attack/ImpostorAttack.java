package io.brine.bench.attack;

import io.brine.crypto.rsa.RsaKeys;
import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.handshake.MinionHandshake;
import io.brine.protocol.wire.MessageType;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;

/**
 * Issue 14 §1: a HELLO for an accepted minion with its public key (anyone may have it: {@code
 * brine key -p} prints it) and a fresh nonce, token and ephemeral key, on a new connection each
 * time. The master answers WELCOME, wrapped to the real key, which the impostor cannot open; every
 * other attempt then sends a forged CONFIRM, the others stay silent. Either way the connection
 * must be closed (at once, or at {@code confirm_timeout}) and receive nothing more: a frame after
 * the WELCOME would be a publication reaching an unproven peer.
 */
final class ImpostorAttack implements Attack {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Outcomes outcomes = new Outcomes("impostor");
  private final SoakTarget target;
  private final InetAddress from;
  private final MinionId id;
  private final KeyPair posing;
  private final MasterTrust trust;
  private long attempts;

  ImpostorAttack(
      SoakTarget target, InetAddress from, MinionId id, RSAPublicKey minionKey, RSAPublicKey master)
      throws Exception {
    this.target = target;
    this.from = from;
    this.id = id;
    // The minion's public key, which it knows, with a private key of its own.
    this.posing = new KeyPair(minionKey, RsaKeys.generate(RsaKeys.MIN_MODULUS_BITS).getPrivate());
    this.trust = MasterTrust.pinned(master);
  }

  @Override
  public Outcomes outcomes() {
    return outcomes;
  }

  @Override
  public void attempt() throws Exception {
    SocketChannel channel = Strangers.connect(from, target.minionPort());
    byte[] hello = MinionHandshake.start(id, posing, trust).hello();
    RawFrames.Read answer;
    try {
      answer = Strangers.exchange(channel, RawFrames.frame(MessageType.HELLO, hello));
    } catch (java.io.IOException e) {
      channel.close();
      outcomes.count("closed unanswered");
      return;
    }
    if (answer.type() != MessageType.WELCOME.code()) {
      channel.close();
      outcomes.count("answered type " + answer.type());
      return;
    }
    boolean forge = attempts++ % 2 == 0;
    if (forge) {
      // Random bytes where the CONFIRM's sealed transcript goes: it cannot make the real one.
      byte[] forged = new byte[48];
      RANDOM.nextBytes(forged);
      channel.socket().getOutputStream().write(RawFrames.frame(MessageType.CONFIRM, forged));
    }
    String kind = forge ? "WELCOME, forged CONFIRM: " : "WELCOME, silent: ";
    target
        .held()
        .hold(
            channel,
            outcomes,
            HeldConnections.deadline(target.timeouts().confirm()),
            Strangers.byTime(
                target.timeouts().confirm(),
                Outcomes.DEFECT + kind + "a frame after the WELCOME",
                kind + "closed at once",
                kind + "closed at confirm_timeout"),
            null);
  }
}
