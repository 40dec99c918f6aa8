package io.brine.bench.attack;

import io.brine.protocol.wire.MessageType;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Issue 14 §4: a stranger answered PENDING (which may wait {@code refused_idle_timeout}, 300 s,
 * for its next HELLO) that sends that next frame one byte a second. Before the fix it could hold
 * a partial frame the whole 300 s; now the frame must arrive whole within {@code
 * partial_frame_timeout} of its first byte.
 */
final class TrickleAttack implements Attack {
  private final Outcomes outcomes = new Outcomes("trickled frame");
  private final SoakTarget target;
  private final InetAddress from;
  private final Supplier<byte[]> hellos;

  /** @param hellos a new stranger's HELLO (first contact, a fresh nonce) at each call */
  TrickleAttack(SoakTarget target, InetAddress from, Supplier<byte[]> hellos) {
    this.target = target;
    this.from = from;
    this.hellos = hellos;
  }

  @Override
  public Outcomes outcomes() {
    return outcomes;
  }

  @Override
  public void attempt() throws Exception {
    SocketChannel channel = Strangers.connect(from, target.minionPort());
    RawFrames.Read answer;
    try {
      answer = Strangers.exchange(channel, RawFrames.frame(MessageType.HELLO, hellos.get()));
    } catch (IOException e) {
      channel.close();
      outcomes.count("HELLO closed unanswered");
      return;
    }
    if (answer.type() != MessageType.PENDING.code()) {
      channel.close();
      outcomes.count("HELLO answered type " + answer.type() + ", not PENDING");
      return;
    }
    Duration timeout = target.timeouts().partialFrame();
    target
        .held()
        .hold(
            channel,
            outcomes,
            HeldConnections.deadline(timeout),
            Strangers.byTime(
                timeout,
                "PENDING, then answered",
                "PENDING, then closed early",
                "PENDING, then closed at partial_frame_timeout"),
            RawFrames.frame(MessageType.HELLO, hellos.get()));
  }
}
