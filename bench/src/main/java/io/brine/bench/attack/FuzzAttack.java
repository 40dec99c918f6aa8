package io.brine.bench.attack;

import io.brine.protocol.wire.MessageType;
import io.brine.protocol.wire.Wire;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

/**
 * Random and mutated frames, one per new connection: a valid prefix with a random version, type
 * or body; a real HELLO with a few bytes changed; a frame cut short; a length over the
 * pre-authentication cap, or negative, or under the header's two bytes; plain noise. Each must be closed (at
 * once, or at the timeout of a frame that never completes) or answered, and never held.
 */
final class FuzzAttack implements Attack {
  private enum Kind {
    RANDOM_VERSION,
    RANDOM_TYPE,
    RANDOM_HELLO_BODY,
    MUTATED_HELLO,
    TRUNCATED,
    OVERSIZE_LENGTH,
    UNDERSIZE_LENGTH,
    NOISE
  }

  private static final int MAX_RANDOM_BODY = 2048;

  private final Outcomes outcomes = new Outcomes("fuzz");
  private final SoakTarget target;
  private final InetAddress from;
  private final byte[] hello;
  private final Random random;

  /**
   * @param hello a real HELLO body (a stranger's, first contact) for the mutations to start from
   * @param random the source of every choice, seeded so that a run can be repeated
   */
  FuzzAttack(SoakTarget target, InetAddress from, byte[] hello, Random random) {
    this.target = target;
    this.from = from;
    this.hello = hello;
    this.random = random;
  }

  @Override
  public Outcomes outcomes() {
    return outcomes;
  }

  @Override
  public void attempt() throws Exception {
    Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
    byte[] bytes = bytes(kind);
    // A frame cut short (noise may be one too) waits for the partial-frame or the HELLO
    // deadline, whichever comes first; an answered HELLO is counted at its answer and closed here.
    Duration hello = target.timeouts().hello();
    Duration partial = target.timeouts().partialFrame();
    Duration timeout = hello.compareTo(partial) < 0 ? partial : hello;
    String name = kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    target
        .held()
        .connectAndHold(
            from,
            target.minionPort(),
            bytes,
            outcomes,
            timeout,
            Strangers.byTime(
                timeout, name + ": answered", name + ": closed at once", name + ": closed at its timeout"),
            null);
  }

  private byte[] bytes(Kind kind) {
    return switch (kind) {
      case RANDOM_VERSION -> {
        int version = random.nextInt(256);
        yield RawFrames.frame(
            version == Wire.VERSION ? version + 1 : version, random.nextInt(256), randomBody());
      }
      case RANDOM_TYPE -> RawFrames.frame(Wire.VERSION, random.nextInt(256), randomBody());
      case RANDOM_HELLO_BODY -> RawFrames.frame(MessageType.HELLO, randomBody());
      case MUTATED_HELLO -> {
        byte[] body = hello.clone();
        for (int i = 1 + random.nextInt(8); i > 0; i--) {
          body[random.nextInt(body.length)] = (byte) random.nextInt(256);
        }
        yield RawFrames.frame(MessageType.HELLO, body);
      }
      case TRUNCATED -> {
        byte[] whole = RawFrames.frame(MessageType.HELLO, hello);
        yield Arrays.copyOf(whole, 1 + random.nextInt(whole.length - 1));
      }
      case OVERSIZE_LENGTH -> {
        int length = Wire.MAX_HANDSHAKE_FRAME_BYTES + 1 + random.nextInt(Integer.MAX_VALUE / 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(RawFrames.prefix(length));
        out.writeBytes(randomBody());
        yield out.toByteArray();
      }
      case UNDERSIZE_LENGTH -> {
        // 0 and 1 are shorter than the 2-byte header (1 with its one byte, so it is whole); a
        // negative length is a huge one to the decoder's unsigned reading.
        int[] lengths = {0, 1, -1, Integer.MIN_VALUE, -1 - random.nextInt(Integer.MAX_VALUE)};
        int length = lengths[random.nextInt(lengths.length)];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(RawFrames.prefix(length));
        if (length == 1) {
          out.write(Wire.VERSION);
        }
        yield out.toByteArray();
      }
      case NOISE -> {
        byte[] noise = new byte[1 + random.nextInt(MAX_RANDOM_BODY)];
        random.nextBytes(noise);
        yield noise;
      }
    };
  }

  private byte[] randomBody() {
    byte[] body = new byte[random.nextInt(MAX_RANDOM_BODY)];
    random.nextBytes(body);
    return body;
  }
}
