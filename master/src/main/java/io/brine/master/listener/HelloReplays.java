package io.brine.master.listener;

import io.brine.protocol.handshake.Hello;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The HELLO nonces and tokens the master has seen lately, so that a recorded HELLO sent again is
 * refused before it costs an RSA operation or earns a WELCOME (docs/protocol.md §2.7). A real
 * minion makes a fresh nonce and a fresh token for every HELLO, so a repeat of either is a replay.
 *
 * <p>Bounded, as everything a stranger can fill: entries older than {@code window} are forgotten,
 * and past {@code capacity} the oldest go first. A replay older than that is answered as any HELLO
 * would be, which gains its sender nothing: the WELCOME's keys are wrapped to the accepted key, and
 * without the CONFIRM only that key can make, the connection never becomes the minion.
 *
 * <p>What is kept is a 128-bit tag of each value under a key chosen at start (SHA-256 of key ‖
 * kind ‖ value), never the value: a peer cannot pick nonces that collide in the table's buckets.
 * Thread-safe; the work per HELLO is one hash and a map lookup, fine on the event loop.
 */
final class HelloReplays {
  static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);
  static final int DEFAULT_CAPACITY = 200_000;

  private record Tag(long high, long low) {}

  private final long windowNanos;
  private final int capacity;
  private final LongSupplier clock;
  private final byte[] key = new byte[32];
  private final LinkedHashMap<Tag, Long> seen = new LinkedHashMap<>();

  HelloReplays() {
    this(DEFAULT_WINDOW, DEFAULT_CAPACITY, System::nanoTime);
  }

  HelloReplays(Duration window, int capacity, LongSupplier nanoClock) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1");
    }
    this.windowNanos = window.toNanos();
    this.capacity = capacity;
    this.clock = nanoClock;
    new SecureRandom().nextBytes(key);
  }

  /**
   * Records {@code hello}'s nonce and token.
   *
   * @return what was seen before ("nonce" or "token"), or null for a fresh HELLO
   */
  String replayed(Hello hello) {
    Tag nonce = tag(hello, false);
    Tag token = hello.hasToken() ? tag(hello, true) : null;
    long now = clock.getAsLong();
    synchronized (seen) {
      forgetOlderThan(now - windowNanos);
      String repeat =
          seen.containsKey(nonce) ? "nonce" : token != null && seen.containsKey(token) ? "token" : null;
      remember(nonce, now);
      if (token != null) {
        remember(token, now);
      }
      return repeat;
    }
  }

  /** Entries held now. */
  int size() {
    synchronized (seen) {
      return seen.size();
    }
  }

  private void remember(Tag tag, long now) {
    seen.remove(tag); // re-inserted last: the map stays in order of last sight
    seen.put(tag, now);
    if (seen.size() > capacity) {
      Iterator<Tag> oldest = seen.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
  }

  private void forgetOlderThan(long cutoff) {
    Iterator<Map.Entry<Tag, Long>> it = seen.entrySet().iterator();
    while (it.hasNext()) {
      if (it.next().getValue() - cutoff >= 0) {
        return;
      }
      it.remove();
    }
  }

  private Tag tag(Hello hello, boolean token) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    sha256.update(key);
    sha256.update(token ? (byte) 't' : (byte) 'n');
    hello.digestFresh(sha256, token);
    ByteBuffer digest = ByteBuffer.wrap(sha256.digest());
    return new Tag(digest.getLong(), digest.getLong());
  }
}
