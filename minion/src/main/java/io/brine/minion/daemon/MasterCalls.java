package io.brine.minion.daemon;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.protocol.job.SessionCall;
import io.brine.protocol.job.SessionReply;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The minion's calls to its master (returns, file reads, pings): each a REQUEST under the session, paired
 * with its REPLY by {@code rid} (docs/protocol.md §5). A call made while no session is ready (not
 * yet authenticated, or re-authenticating: the master takes nothing but the HELLO then) waits here
 * and goes out as soon as one is. A connection lost with calls out fails them with an {@link
 * IOException}; the caller decides whether to try again (a return is kept until the master has
 * acknowledged it, a file read is not retried).
 *
 * <p>{@link #call} may be used from any thread; everything else runs on the daemon's event loop.
 */
final class MasterCalls {
  /** Sends one call's plaintext as a sealed REQUEST on the current connection. */
  @FunctionalInterface
  interface Link {
    void send(byte[] plaintext);
  }

  private record Waiting(SessionCall call, CompletableFuture<SessionReply> reply) {}

  /** Calls not yet sent; beyond this a new call fails at once rather than queue without bound. */
  static final int MAX_WAITING = 10_000;

  private final EventLoop loop;
  private final Map<Long, CompletableFuture<SessionReply>> outstanding = new HashMap<>();
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private long nextRid;
  private Link link;

  MasterCalls(EventLoop loop) {
    this.loop = loop;
  }

  /** Calls the master; the future completes on the event loop with its reply. */
  CompletableFuture<SessionReply> call(String kind, ObjectNode body) {
    CompletableFuture<SessionReply> reply = new CompletableFuture<>();
    loop.execute(() -> enqueue(kind, body, reply));
    return reply;
  }

  private void enqueue(String kind, ObjectNode body, CompletableFuture<SessionReply> reply) {
    SessionCall call = new SessionCall(nextRid++, kind, body);
    if (link != null) {
      send(call, reply);
    } else if (waiting.size() < MAX_WAITING) {
      waiting.add(new Waiting(call, reply));
    } else {
      reply.completeExceptionally(
          new IOException("too many calls waiting for a connection to the master"));
    }
  }

  private void send(SessionCall call, CompletableFuture<SessionReply> reply) {
    outstanding.put(call.rid(), reply);
    link.send(call.toJson());
  }

  /**
   * Asks the master for a sign of life (docs/protocol.md §5.2), now or not at all: a ping that
   * waited for the next session would prove nothing. Any reply will do, an error too (a master
   * older than the call answers "unknown request kind"): it came from a master that holds the
   * session.
   *
   * @return false when no session is ready (a HELLO is out)
   */
  boolean ping() {
    if (link == null) {
      return false;
    }
    send(SessionCall.of(nextRid++, SessionCall.PING), new CompletableFuture<>());
    return true;
  }

  /** A session is ready for calls: the waiting ones go out. */
  void ready(Link current) {
    link = current;
    while (link != null && !waiting.isEmpty()) {
      Waiting w = waiting.poll();
      send(w.call(), w.reply());
    }
  }

  /** A HELLO is out (a re-authentication): new calls wait; calls already sent keep their replies. */
  void paused() {
    link = null;
  }

  /** A REPLY arrived; an unknown rid is ignored (its caller gave up or it was never asked). */
  boolean replied(SessionReply reply) {
    CompletableFuture<SessionReply> future = outstanding.remove(reply.rid());
    if (future == null) {
      return false;
    }
    future.complete(reply);
    return true;
  }

  /** The connection is gone: every call out fails; the waiting ones stay for the next session. */
  void connectionLost() {
    link = null;
    IOException lost = new IOException("the connection to the master was lost");
    Map<Long, CompletableFuture<SessionReply>> failed = new HashMap<>(outstanding);
    outstanding.clear();
    failed.values().forEach(f -> f.completeExceptionally(lost));
  }

  int outstanding() {
    return outstanding.size();
  }
}
