package io.brine.master.listener;

import io.brine.master.net.SourceAddress;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How many new minion ids one source may have written to the key folders: a bucket of {@code
 * perMinute} per source that refills continuously at that rate ({@code max_new_keys_per_address}).
 * A stranger inventing ids gets a burst, then one a few seconds; a real fleet behind one NAT that
 * comes up at once is recorded over some minutes instead of at once.
 *
 * <p>A source is an IPv4 address or an IPv6 /64 ({@link SourceAddress}: one host holds a whole
 * /64, and would otherwise have 2^64 sources). The table is bounded: past {@link #MAX_SOURCES}, sources whose bucket has
 * refilled are forgotten, and when none has, a new source is refused: a flood from very many
 * addresses slows new ids for everyone rather than growing the table without bound. Thread-safe.
 */
final class NewKeyRate {
  static final int MAX_SOURCES = 65_536;

  private static final long NANOS_PER_MINUTE = 60_000_000_000L;

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  private final int perMinute;
  private final LongSupplier clock;
  private final Map<InetAddress, Bucket> buckets = new HashMap<>();
  private long lastScan;
  private boolean scanned;

  NewKeyRate(int perMinute) {
    this(perMinute, System::nanoTime);
  }

  NewKeyRate(int perMinute, LongSupplier nanoClock) {
    if (perMinute < 1) {
      throw new IllegalArgumentException("max_new_keys_per_address must be >= 1");
    }
    this.perMinute = perMinute;
    this.clock = nanoClock;
  }

  /** Takes one new id for {@code address}; false when its bucket is empty. */
  synchronized boolean tryTake(InetAddress address) {
    long now = clock.getAsLong();
    InetAddress source = SourceAddress.of(address);
    Bucket bucket = buckets.get(source);
    if (bucket == null) {
      if (buckets.size() >= MAX_SOURCES && !forgetRefilled(now)) {
        return false;
      }
      bucket = new Bucket(perMinute, now);
      buckets.put(source, bucket);
    }
    refill(bucket, now);
    if (bucket.tokens < 1) {
      return false;
    }
    bucket.tokens -= 1;
    return true;
  }

  synchronized int sources() {
    return buckets.size();
  }

  private void refill(Bucket bucket, long now) {
    double earned = (double) (now - bucket.at) * perMinute / NANOS_PER_MINUTE;
    bucket.tokens = Math.min(perMinute, bucket.tokens + earned);
    bucket.at = now;
  }

  /**
   * Drops the sources whose bucket is full again; true if any went. At most once a second: a scan
   * costs the whole table, and a flood of new sources must not buy one per HELLO.
   */
  private boolean forgetRefilled(long now) {
    if (scanned && now - lastScan < 1_000_000_000L) {
      return false;
    }
    scanned = true;
    lastScan = now;
    boolean freed = false;
    for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
      Bucket b = it.next();
      refill(b, now);
      if (b.tokens >= perMinute) {
        it.remove();
        freed = true;
      }
    }
    return freed;
  }
}
