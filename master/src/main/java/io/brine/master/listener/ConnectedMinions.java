package io.brine.master.listener;

import io.brine.protocol.MinionId;
import io.brine.protocol.wire.Disconnector;
import io.netty.channel.Channel;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authenticated minions and their connections: one live connection per id. A second
 * authenticated connection for an id replaces the first, which is closed (a minion that restarts
 * reconnects before the master notices the old socket is dead).
 *
 * <p>It also knows the connections answered WELCOME for an id whose CONFIRM has not come yet. They
 * are not the minion (nothing is published to them, and they replace nobody), but when the id's
 * key is removed or the vault seals they are closed with the rest, so that none of them can
 * confirm afterwards under a key that no longer stands.
 *
 * <p>And it knows the call sessions ({@code brine call} on a minion host, docs/protocol.md §2.1):
 * authenticated under the minion's key, but not the minion's connection. They replace nobody, are
 * published nothing and ask for no re-delivery; at most {@link #MAX_CALL_SESSIONS_PER_ID} per id
 * are open at once, and they close with the id's connection when its key is removed or the vault
 * seals. Thread-safe.
 */
public final class ConnectedMinions {
  private static final Logger log = LoggerFactory.getLogger(ConnectedMinions.class);

  private final ConcurrentMap<MinionId, Channel> channels = new ConcurrentHashMap<>();
  private final ConcurrentMap<Channel, MinionId> confirming = new ConcurrentHashMap<>();
  private final ConcurrentMap<Channel, MinionId> callSessions = new ConcurrentHashMap<>();

  /** Call sessions one id may hold open at once: a salt-call at a time is the habit, not 100. */
  static final int MAX_CALL_SESSIONS_PER_ID = 4;

  /**
   * Counts removals (of one id's connections, or of all at a seal), so that a handshake that was
   * already decided when its minion was removed does not register after the sweep: its CONFIRM
   * finds a removal newer than its HELLO ({@link #removedSince}). The map holds the last removal
   * of each id removed; it is cleared, counting as a removal of all, if it grows past {@link
   * #MAX_REMEMBERED_REMOVALS}.
   */
  private final java.util.concurrent.atomic.AtomicLong removals =
      new java.util.concurrent.atomic.AtomicLong();

  private final ConcurrentMap<MinionId, Long> lastRemoval = new ConcurrentHashMap<>();
  private volatile long lastRemovalOfAll;

  static final int MAX_REMEMBERED_REMOVALS = 100_000;

  /** Told of each id registered; called on its connection's event loop, so it must not block. */
  private volatile Consumer<MinionId> onRegistered = id -> {};

  /**
   * {@code listener} is told each id that becomes a connection's minion (its first CONFIRM), on
   * that connection's event loop: it must hand anything slow to a thread of its own.
   */
  void onRegistered(Consumer<MinionId> listener) {
    onRegistered = Objects.requireNonNull(listener, "listener");
  }

  /** The removal count now: taken when a HELLO arrives, handed to {@link #removedSince}. */
  long removals() {
    return removals.get();
  }

  /** Whether {@code id}, or every connection, was removed after {@code removalsThen}. */
  boolean removedSince(MinionId id, long removalsThen) {
    Long last = lastRemoval.get(id);
    return lastRemovalOfAll > removalsThen || (last != null && last > removalsThen);
  }

  /** {@code channel} was answered WELCOME for {@code id} and owes its CONFIRM. */
  void confirming(MinionId id, Channel channel) {
    confirming.put(channel, id);
  }

  /**
   * Records {@code channel} as {@code id}'s connection once it proved the key, closing the one it
   * replaces.
   */
  void register(MinionId id, Channel channel) {
    confirming.remove(channel);
    Channel previous = channels.put(id, channel);
    if (previous != null && previous != channel) {
      Disconnector.disconnect(
          previous, "minion " + id + " authenticated on a new connection; closing this one", null);
    }
    try {
      onRegistered.accept(id);
    } catch (RuntimeException e) {
      // The session stands whatever a listener does.
      log.warn("minion {}: a listener of new sessions failed: {}", id, e.toString());
    }
  }

  /**
   * Records {@code channel} as a call session of {@code id} once it proved the key; false, with
   * nothing recorded, when {@code id} already holds {@link #MAX_CALL_SESSIONS_PER_ID}.
   */
  boolean registerCallSession(MinionId id, Channel channel) {
    confirming.remove(channel);
    synchronized (callSessions) {
      long open = callSessions.values().stream().filter(id::equals).count();
      if (open >= MAX_CALL_SESSIONS_PER_ID) {
        return false;
      }
      callSessions.put(channel, id);
      return true;
    }
  }

  /** Call sessions open now, all ids together. */
  int callSessions() {
    return callSessions.size();
  }

  /** Forgets {@code channel}: it closed, or its CONFIRM did not come. */
  void remove(MinionId id, Channel channel) {
    confirming.remove(channel);
    callSessions.remove(channel);
    if (id != null) {
      channels.remove(id, channel);
    }
  }

  /** Closes {@code id}'s connection, if it has one, and any still confirming for {@code id}. */
  boolean disconnect(MinionId id, String reason) {
    if (lastRemoval.size() >= MAX_REMEMBERED_REMOVALS) {
      lastRemoval.clear();
      lastRemovalOfAll = removals.incrementAndGet();
    }
    lastRemoval.put(id, removals.incrementAndGet());
    for (Map.Entry<Channel, MinionId> candidate : List.copyOf(confirming.entrySet())) {
      if (candidate.getValue().equals(id) && confirming.remove(candidate.getKey(), id)) {
        Disconnector.disconnect(candidate.getKey(), reason + " (before its CONFIRM)", null);
      }
    }
    for (Map.Entry<Channel, MinionId> candidate : List.copyOf(callSessions.entrySet())) {
      if (candidate.getValue().equals(id) && callSessions.remove(candidate.getKey(), id)) {
        Disconnector.disconnect(candidate.getKey(), reason + " (a call session)", null);
      }
    }
    Channel channel = channels.remove(id);
    if (channel == null) {
      return false;
    }
    Disconnector.disconnect(channel, reason, null);
    return true;
  }

  /**
   * Closes every connection, confirmed or confirming (the vault sealed: no session may outlive
   * the master's keys).
   */
  int disconnectAll(String reason) {
    lastRemovalOfAll = removals.incrementAndGet();
    int closed = 0;
    for (Channel candidate : List.copyOf(confirming.keySet())) {
      if (confirming.remove(candidate) != null) {
        Disconnector.disconnect(candidate, reason, null);
      }
    }
    for (Channel candidate : List.copyOf(callSessions.keySet())) {
      if (callSessions.remove(candidate) != null) {
        Disconnector.disconnect(candidate, reason, null);
      }
    }
    for (MinionId id : List.copyOf(channels.keySet())) {
      if (disconnect(id, reason)) {
        closed++;
      }
    }
    return closed;
  }

  /** Connections answered WELCOME whose CONFIRM has not come yet. */
  int confirming() {
    return confirming.size();
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
