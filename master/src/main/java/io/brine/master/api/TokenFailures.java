package io.brine.master.api;

import io.brine.master.net.SourceAddress;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Wrong tokens, per IP address: each address may fail {@link #BURST} times at once, then one more
 * time per {@link #REFILL_MILLIS} (a leaky bucket). An address over that is answered 429 for every
 * request carrying a token, without the token being checked, until its bucket has leaked below the
 * burst again. Issue 14 saw 20,000 wrong tokens checked in 2.5 s; from one address that is now 10,
 * then one a second.
 *
 * <p>A root token is 24+ random characters, so the point is less guessing (hopeless at any rate)
 * than the work and the log a flood costs. The cost: a client that shares an address with someone
 * flooding wrong tokens (every local client of a loopback API) gets 429 too while the flood lasts.
 *
 * <p>The table is bounded at {@link #MAX_ADDRESSES}: the address least recently failed goes first,
 * so a flood from very many addresses forgets some of them (each then starts a fresh burst) rather
 * than growing memory. Thread-safe.
 */
final class TokenFailures {
  static final int BURST = 10;
  static final long REFILL_MILLIS = 1_000;
  static final int MAX_ADDRESSES = 10_000;

  /** One address's failures: the bucket's level at {@code at} (ms, from the clock). */
  private static final class Bucket {
    double level;
    long at;
  }

  private final LongSupplier millis;
  private final Map<InetAddress, Bucket> buckets =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
          return size() > MAX_ADDRESSES;
        }
      };

  /** @param millis a monotonic clock in milliseconds ({@code System.nanoTime() / 1e6}) */
  TokenFailures(LongSupplier millis) {
    this.millis = millis;
  }

  static TokenFailures systemClock() {
    return new TokenFailures(() -> System.nanoTime() / 1_000_000);
  }

  /** Whether {@code address} has failed too often lately to have a token checked now. */
  synchronized boolean throttled(InetAddress peer) {
    InetAddress address = SourceAddress.of(peer); // IPv6: its /64
    Bucket b = buckets.get(address);
    if (b == null) {
      return false;
    }
    leak(b);
    if (b.level <= 0) {
      buckets.remove(address);
      return false;
    }
    return b.level > BURST - 1;
  }

  /** A wrong token from {@code address}. */
  synchronized void failed(InetAddress peer) {
    InetAddress address = SourceAddress.of(peer);
    Bucket b = buckets.get(address);
    if (b == null) {
      b = new Bucket();
      b.at = millis.getAsLong();
      buckets.put(address, b);
    }
    leak(b);
    b.level = Math.min(BURST, b.level + 1);
  }

  synchronized int addresses() {
    return buckets.size();
  }

  private void leak(Bucket b) {
    long now = millis.getAsLong();
    b.level = Math.max(0, b.level - (now - b.at) / (double) REFILL_MILLIS);
    b.at = now;
  }
}
