package io.brine.master.listener;

import io.brine.protocol.MinionId;
import io.brine.protocol.wire.Disconnector;
import io.netty.channel.Channel;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The authenticated minions and their connections: one live connection per id. A second
 * authenticated connection for an id replaces the first, which is closed (a minion that restarts
 * reconnects before the master notices the old socket is dead). Thread-safe.
 */
public final class ConnectedMinions {
  private final ConcurrentMap<MinionId, Channel> channels = new ConcurrentHashMap<>();

  /** Records {@code channel} as {@code id}'s connection, closing the one it replaces. */
  void register(MinionId id, Channel channel) {
    Channel previous = channels.put(id, channel);
    if (previous != null && previous != channel) {
      Disconnector.disconnect(
          previous, "minion " + id + " authenticated on a new connection; closing this one", null);
    }
  }

  /** Forgets {@code channel} if it is still {@code id}'s connection. */
  void remove(MinionId id, Channel channel) {
    channels.remove(id, channel);
  }

  /** Closes {@code id}'s connection, if it has one. */
  boolean disconnect(MinionId id, String reason) {
    Channel channel = channels.remove(id);
    if (channel == null) {
      return false;
    }
    Disconnector.disconnect(channel, reason, null);
    return true;
  }

  /** Closes every connection (the vault sealed: no session may outlive the master's keys). */
  int disconnectAll(String reason) {
    int closed = 0;
    for (MinionId id : List.copyOf(channels.keySet())) {
      if (disconnect(id, reason)) {
        closed++;
      }
    }
    return closed;
  }

  Optional<Channel> channel(MinionId id) {
    return Optional.ofNullable(channels.get(id));
  }

  Collection<Channel> channels() {
    return List.copyOf(channels.values());
  }

  /** The ids connected and authenticated now, sorted. */
  public Set<MinionId> ids() {
    return new TreeSet<>(channels.keySet());
  }

  public boolean isConnected(MinionId id) {
    return channels.containsKey(id);
  }

  public int size() {
    return channels.size();
  }
}
