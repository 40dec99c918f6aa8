package io.brine.master.api;

import io.brine.master.net.SourceAddress;
import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How many refused unseal shares each remote address may send: a token bucket per address ({@code
 * burst} refusals at once, one more every {@code refillNanos}), kept as one "theoretical arrival
 * time" per address (the generic cell rate algorithm). Beyond it the address's refused shares are
 * answered 429 and logged once, so a flood neither fills the log nor is mistaken for an operator's
 * typo.
 *
 * <p>Memory is bounded: at most {@code maxAddresses} addresses are tracked, an address is forgotten
 * once its bucket is full again, and addresses beyond the cap share one bucket (an attacker with
 * many addresses limits only himself and other newcomers, never evicts a limited address). IPv6
 * addresses count per /64, the block one host is usually given. Thread-safe.
 */
final class ShareRefusalLimiter {
  static final int DEFAULT_BURST = 10;
  static final long DEFAULT_REFILL_NANOS = TimeUnit.SECONDS.toNanos(6);
  static final int DEFAULT_MAX_ADDRESSES = 1024;

  /** What to do with a refusal. */
  enum Verdict {
    /** Within the allowance: answer the refusal (400) and log it. */
    ANSWER,
    /** The allowance just ran out: answer 429 and log one line that says so. */
    NOW_LIMITED,
    /** Still over the allowance: answer 429, log nothing. */
    LIMITED
  }

  private static final class Bucket {
    /** When the bucket is full again; the allowance is gone while it is beyond the burst. */
    long fullAt;
    /** The "now limited" line was logged since the last refusal within the allowance. */
    boolean announced;
  }

  private final int burst;
  private final long refillNanos;
  private final int maxAddresses;
  private final LongSupplier nanoTime;
  // Access order: the head is the address refused longest ago, the first to have refilled.
  private final LinkedHashMap<InetAddress, Bucket> buckets = new LinkedHashMap<>(16, 0.75f, true);
  private final Bucket overflow = new Bucket();

  ShareRefusalLimiter() {
    this(DEFAULT_BURST, DEFAULT_REFILL_NANOS, DEFAULT_MAX_ADDRESSES, System::nanoTime);
  }

  ShareRefusalLimiter(int burst, long refillNanos, int maxAddresses, LongSupplier nanoTime) {
    if (burst < 1 || refillNanos < 1 || maxAddresses < 1) {
      throw new IllegalArgumentException("burst, refill and maxAddresses must be positive");
    }
    this.burst = burst;
    this.refillNanos = refillNanos;
    this.maxAddresses = maxAddresses;
    this.nanoTime = nanoTime;
  }

  /** Counts one refused share from {@code address} (null: unknown, counted with the overflow). */
  synchronized Verdict refused(InetAddress address) {
    long now = nanoTime.getAsLong();
    Bucket b = bucket(address, now);
    long start = b.fullAt - now > 0 ? b.fullAt : now;
    if (start - now <= (burst - 1) * refillNanos) {
      b.fullAt = start + refillNanos;
      b.announced = false;
      return Verdict.ANSWER;
    }
    if (!b.announced) {
      b.announced = true;
      return Verdict.NOW_LIMITED;
    }
    return Verdict.LIMITED;
  }

  /** Whether {@code address} has used up its allowance now (nothing is counted). */
  synchronized boolean limited(InetAddress address) {
    long now = nanoTime.getAsLong();
    Bucket b = address == null ? overflow : buckets.get(key(address));
    if (b == null && buckets.size() >= maxAddresses) {
      b = overflow;
    }
    return b != null && b.fullAt - now > (burst - 1) * refillNanos;
  }

  /** Whole seconds until {@code address} may be refused again without a 429 (at least 1). */
  synchronized long retryAfterSeconds(InetAddress address) {
    long now = nanoTime.getAsLong();
    Bucket b = address == null ? overflow : buckets.getOrDefault(key(address), overflow);
    long wait = b.fullAt - (burst - 1) * refillNanos - now;
    return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait + TimeUnit.SECONDS.toNanos(1) - 1));
  }

  /** Addresses tracked now (for tests: the table stays within its cap). */
  synchronized int trackedAddresses() {
    return buckets.size();
  }

  int burst() {
    return burst;
  }

  long windowSeconds() {
    return TimeUnit.NANOSECONDS.toSeconds(burst * refillNanos);
  }

  private Bucket bucket(InetAddress address, long now) {
    if (address == null) {
      return overflow;
    }
    InetAddress key = key(address);
    Bucket b = buckets.get(key);
    if (b != null) {
      return b;
    }
    forgetRefilled(now);
    if (buckets.size() >= maxAddresses) {
      return overflow;
    }
    b = new Bucket();
    b.fullAt = now;
    buckets.put(key, b);
    return b;
  }

  /** Drops addresses whose bucket is full again, from the head (least recently refused). */
  private void forgetRefilled(long now) {
    Iterator<Map.Entry<InetAddress, Bucket>> it = buckets.entrySet().iterator();
    while (it.hasNext()) {
      if (it.next().getValue().fullAt - now > 0) {
        return;
      }
      it.remove();
    }
  }

  /** IPv6: the /64 prefix; IPv4: the address ({@link SourceAddress}). */
  static InetAddress key(InetAddress address) {
    return SourceAddress.of(address);
  }
}
