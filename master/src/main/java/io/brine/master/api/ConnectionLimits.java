package io.brine.master.api;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The operator API's connections open now, in all and per IP address, against {@code
 * api_max_connections} and {@code api_max_connections_per_address}. Only addresses holding a
 * connection are in the table, so it is no bigger than the connections themselves. Thread-safe.
 */
final class ConnectionLimits {
  /** Why a connection was refused, for its log line. */
  enum Refusal {
    TOTAL,
    PER_ADDRESS
  }

  private final int maxConnections;
  private final int maxPerAddress;
  private final Map<InetAddress, Integer> byAddress = new HashMap<>();
  private int open;

  ConnectionLimits(int maxConnections, int maxPerAddress) {
    this.maxConnections = maxConnections;
    this.maxPerAddress = maxPerAddress;
  }

  /** Counts a new connection from {@code address}, or says which limit refuses it (nothing counted). */
  synchronized Refusal tryOpen(InetAddress address) {
    if (open >= maxConnections) {
      return Refusal.TOTAL;
    }
    int held = byAddress.getOrDefault(address, 0);
    if (held >= maxPerAddress) {
      return Refusal.PER_ADDRESS;
    }
    byAddress.put(address, held + 1);
    open++;
    return null;
  }

  /** A connection counted by {@link #tryOpen} closed. */
  synchronized void closed(InetAddress address) {
    Integer held = byAddress.get(address);
    if (held == null) {
      return;
    }
    if (held <= 1) {
      byAddress.remove(address);
    } else {
      byAddress.put(address, held - 1);
    }
    open--;
  }

  synchronized int open() {
    return open;
  }

  int maxConnections() {
    return maxConnections;
  }

  int maxPerAddress() {
    return maxPerAddress;
  }
}
