package io.brine.bench.attack;

import io.brine.protocol.wire.MessageType;
import java.net.InetAddress;
import java.util.function.Supplier;

/**
 * Issue 14 §1: the minion's own HELLO, recorded on the path by a {@link FrameTap}, sent again on
 * new connections. The master remembers the nonces and tokens of the last 10 minutes' HELLOs, so
 * within a soak every replay must be closed unanswered.
 */
final class ReplayAttack implements Attack {
  private final Outcomes outcomes = new Outcomes("replayer");
  private final SoakTarget target;
  private final InetAddress from;
  private final Supplier<byte[]> recordedHello;

  ReplayAttack(SoakTarget target, InetAddress from, Supplier<byte[]> recordedHello) {
    this.target = target;
    this.from = from;
    this.recordedHello = recordedHello;
  }

  @Override
  public Outcomes outcomes() {
    return outcomes;
  }

  @Override
  public void attempt() throws Exception {
    target
        .held()
        .connectAndHold(
            from,
            target.minionPort(),
            RawFrames.frame(MessageType.HELLO, recordedHello.get()),
            outcomes,
            target.timeouts().hello(),
            (after, answered) ->
                answered ? Outcomes.DEFECT + "a replayed HELLO answered" : "closed unanswered",
            null);
  }
}
