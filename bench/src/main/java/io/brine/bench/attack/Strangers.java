package io.brine.bench.attack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * Connections from a chosen loopback address (Linux routes all of 127/8 to loopback), so each
 * attacker is its own address to the master's per-address limits, as separate hosts would be,
 * and the real minions and the checker on 127.0.0.1 are another.
 */
final class Strangers {
  /** How long a blocking read of an answer waits: far longer than any answer takes. */
  static final int READ_TIMEOUT_MILLIS = 15_000;

  private Strangers() {}

  /** 127.0.0.{@code last}. */
  static InetAddress loopback(int last) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e); // four bytes are always an address
    }
  }

  /** A blocking channel from {@code from} to {@code to}, reads timing out. */
  static SocketChannel connect(InetAddress from, InetSocketAddress to) throws IOException {
    SocketChannel channel = SocketChannel.open();
    try {
      // No TIME_WAIT pile-up on the attacker's side: thousands of short connections a minute.
      channel.setOption(StandardSocketOptions.SO_LINGER, 0);
      channel.bind(new InetSocketAddress(from, 0));
      channel.socket().connect(to, READ_TIMEOUT_MILLIS);
      channel.socket().setSoTimeout(READ_TIMEOUT_MILLIS);
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Sends one handshake frame and reads the master's answer.
   *
   * @throws IOException when the master closes the connection instead of answering
   */
  static RawFrames.Read exchange(SocketChannel channel, byte[] frame) throws IOException {
    channel.socket().getOutputStream().write(frame);
    return RawFrames.read(
        channel.socket().getInputStream(), io.brine.protocol.wire.Wire.MAX_HANDSHAKE_FRAME_BYTES);
  }

  /** "closed at hello_timeout" or "refused (closed at accept)": early is under half the timeout. */
  static HeldConnections.Classifier byTime(
      Duration timeout, String answered, String early, String atTimeout) {
    return (after, gotBytes) ->
        gotBytes ? answered : after.compareTo(timeout.dividedBy(2)) < 0 ? early : atTimeout;
  }
}
