package io.brine.master.api;

import io.brine.master.net.SourceAddress;
import io.netty.channel.Channel;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The operator API's connections open now, in all and per source (an IPv4 address, or an IPv6
 * /64: {@link SourceAddress}), against {@code api_max_connections} and {@code
 * api_max_connections_per_address}. Only sources holding a connection are in the table, so it is
 * no bigger than the connections themselves.
 *
 * <p>At the total cap a new connection takes the place of the one that has been idle longest (a
 * keep-alive connection whose requests are all answered), which is closed; only when none is idle
 * is the new one refused. Found in review: eight addresses each holding 32 idle keep-alive
 * connections, one request every five minutes, kept every operator out. Now holding the API
 * means keeping 256 requests in flight, each cut off at its read deadlines. Thread-safe.
 */
final class ConnectionLimits implements RequestDeadlines.IdleWatch {
  /** Why a connection was refused, for its log line. */
  enum Refusal {
    TOTAL,
    PER_ADDRESS
  }

  private final int maxConnections;
  private final int maxPerAddress;
  private final Map<InetAddress, Integer> bySource = new HashMap<>();
  /** Idle connections, the longest idle first. */
  private final LinkedHashSet<Channel> idle = new LinkedHashSet<>();
  /** Connections closed to make room, already uncounted. */
  private final Set<Channel> evicted = new HashSet<>();
  private int open;

  ConnectionLimits(int maxConnections, int maxPerAddress) {
    this.maxConnections = maxConnections;
    this.maxPerAddress = maxPerAddress;
  }

  /**
   * Counts a new connection from {@code address}, closing the longest-idle connection when the
   * total cap is reached, or says which limit refuses it (nothing counted).
   */
  Refusal tryOpen(InetAddress address) {
    Channel makeRoom = null;
    synchronized (this) {
      InetAddress source = SourceAddress.of(address);
      int held = bySource.getOrDefault(source, 0);
      if (held >= maxPerAddress) {
        return Refusal.PER_ADDRESS;
      }
      if (open >= maxConnections) {
        Iterator<Channel> oldest = idle.iterator();
        if (!oldest.hasNext()) {
          return Refusal.TOTAL;
        }
        makeRoom = oldest.next();
        oldest.remove();
        evicted.add(makeRoom);
        uncount(SourceAddress.of(remote(makeRoom)));
      }
      bySource.merge(source, 1, Integer::sum);
      open++;
    }
    if (makeRoom != null) {
      makeRoom.close();
    }
    return null;
  }

  /** {@code channel} answered every request it sent: it may make room for a new connection. */
  @Override
  public synchronized void idle(Channel channel) {
    if (!evicted.contains(channel) && channel.isActive()) {
      idle.add(channel);
    }
  }

  /** {@code channel} started a request: it holds its place. */
  @Override
  public synchronized void busy(Channel channel) {
    idle.remove(channel);
  }

  /** A connection counted by {@link #tryOpen} closed. */
  synchronized void closed(Channel channel, InetAddress address) {
    idle.remove(channel);
    if (evicted.remove(channel)) {
      return; // uncounted when it was closed to make room
    }
    uncount(SourceAddress.of(address));
  }

  private void uncount(InetAddress source) {
    Integer held = bySource.get(source);
    if (held == null) {
      return;
    }
    if (held <= 1) {
      bySource.remove(source);
    } else {
      bySource.put(source, held - 1);
    }
    open--;
  }

  private static InetAddress remote(Channel channel) {
    return channel.remoteAddress() instanceof java.net.InetSocketAddress inet
        ? inet.getAddress()
        : null;
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
