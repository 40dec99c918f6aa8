package io.brine.bench.attack;

import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.handshake.MinionHandshake;
import io.brine.protocol.wire.MessageType;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.security.KeyPair;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Issue 14 §4: HELLOs with new random ids, each a key the master has never seen, from a few
 * addresses in turn, several on each connection (a PENDING answer lets a minion ask again). The
 * master may write at most {@code max_new_keys_per_address} of them a minute per address and
 * never more than {@code max_pending_keys} in all; beyond, it answers PENDING "not recorded yet".
 * The soak counts the files in {@code minions_pre} afterwards.
 */
final class FreshIdAttack implements Attack {
  private final Outcomes outcomes = new Outcomes("fresh ids");
  private final SoakTarget target;
  private final List<InetAddress> from;
  private final SocketChannel[] open;
  private final KeyPair stranger;
  private final Random random;
  private int next;

  FreshIdAttack(SoakTarget target, List<InetAddress> from, KeyPair stranger, Random random) {
    this.target = target;
    this.from = from;
    this.open = new SocketChannel[from.size()];
    this.stranger = stranger;
    this.random = random;
  }

  @Override
  public Outcomes outcomes() {
    return outcomes;
  }

  @Override
  public void attempt() throws Exception {
    int i = next++ % from.size();
    if (open[i] == null || !open[i].isOpen()) {
      open[i] = Strangers.connect(from.get(i), target.minionPort());
    }
    SocketChannel channel = open[i];
    byte[] id = new byte[8];
    random.nextBytes(id);
    MinionHandshake attempt =
        MinionHandshake.start(
            MinionId.of("fresh-" + HexFormat.of().formatHex(id)), stranger, MasterTrust.firstContact());
    try {
      RawFrames.Read answer =
          Strangers.exchange(channel, RawFrames.frame(MessageType.HELLO, attempt.hello()));
      outcomes.count(label(attempt, answer));
    } catch (IOException e) {
      channel.close();
      outcomes.count("closed unanswered");
    }
  }

  private static String label(MinionHandshake attempt, RawFrames.Read answer) {
    MessageType type;
    try {
      type = MessageType.fromCode((byte) answer.type());
      if (!(attempt.finish(type, answer.body()) instanceof MinionHandshake.Refused refused)) {
        return Outcomes.DEFECT + "a new id was WELCOMEd";
      }
      String reason = refused.reason();
      if (type != MessageType.PENDING) {
        return "answered " + type;
      }
      if (reason.contains("max_pending_keys")) {
        return "PENDING, not recorded: max_pending_keys";
      }
      if (reason.contains("max_new_keys_per_address")) {
        return "PENDING, not recorded: max_new_keys_per_address";
      }
      return "PENDING, key recorded";
    } catch (io.brine.protocol.ProtocolException e) {
      return Outcomes.DEFECT + "an answer that does not verify";
    }
  }

  /** Closes the connections it keeps. */
  void close() {
    for (SocketChannel c : open) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
