package io.brine.master.listener;

import io.brine.master.net.SourceAddress;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts what each IP address holds at once (here: HELLOs waiting or in work) and refuses more
 * than a limit, so one host cannot take every handshake slot. An IPv6 address counts as its /64
 * ({@link SourceAddress}). Addresses are forgotten when their count falls to zero: the map holds
 * only the addresses busy now. Thread-safe.
 */
final class AddressQuota {
  private final int limit;
  private final ConcurrentHashMap<InetAddress, Integer> held = new ConcurrentHashMap<>();

  AddressQuota(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1");
    }
    this.limit = limit;
  }

  /** Takes one unit for {@code address}; false (and nothing taken) when it already holds the limit. */
  boolean tryAcquire(InetAddress address) {
    boolean[] taken = {false};
    held.compute(
        SourceAddress.of(address),
        (a, count) -> {
          int now = count == null ? 0 : count;
          if (now >= limit) {
            return count;
          }
          taken[0] = true;
          return now + 1;
        });
    return taken[0];
  }

  /** Gives back one unit taken by {@link #tryAcquire}. */
  void release(InetAddress address) {
    held.computeIfPresent(SourceAddress.of(address), (a, count) -> count <= 1 ? null : count - 1);
  }

  /** What {@code address} holds now. */
  int held(InetAddress address) {
    return held.getOrDefault(SourceAddress.of(address), 0);
  }

  /** Addresses holding anything now. */
  int addresses() {
    return held.size();
  }
}
