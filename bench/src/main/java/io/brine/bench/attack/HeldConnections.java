package io.brine.bench.attack;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The connections the attackers hold open, watched by one thread: each waits until the master
 * answers or closes it, and optionally trickles bytes to it, one a second. A connection the
 * master keeps past its deadline (the timeout that should close it, with slack for a loaded
 * machine) is closed here and counted {@link Outcomes#HELD_PAST_DEADLINE}: a stranger holding a
 * socket longer than the master promises is the resource the soak looks for.
 */
final class HeldConnections implements Closeable {
  /** How a finished connection is counted: a label from how long it lasted and whether it got bytes. */
  interface Classifier {
    String label(Duration after, boolean answered);
  }

  /** Past the timeout: scheduling on two shared cores can delay the master's timer this much. */
  static Duration deadline(Duration timeout) {
    return timeout.plus(timeout.dividedBy(2)).plusSeconds(5);
  }

  private static final long TRICKLE_NANOS = Duration.ofSeconds(1).toNanos();

  private final class Held {
    final SocketChannel channel;
    final Outcomes outcomes;
    final Classifier classifier;
    final long since = System.nanoTime();
    final long deadline;
    final ByteBuffer trickle;
    long nextByte = since;

    Held(SocketChannel channel, Outcomes outcomes, Duration deadline, Classifier c, byte[] trickle) {
      this.channel = channel;
      this.outcomes = outcomes;
      this.classifier = c;
      this.deadline = since + deadline.toNanos();
      this.trickle = trickle == null ? null : ByteBuffer.wrap(trickle);
    }

    void finish(boolean answered) {
      outcomes.count(classifier.label(Duration.ofNanos(System.nanoTime() - since), answered));
      closeQuietly(channel);
    }
  }

  private final Selector selector;
  private final ConcurrentLinkedQueue<Held> arriving = new ConcurrentLinkedQueue<>();
  private final List<Held> held = new ArrayList<>();
  private final Thread watcher;
  private volatile boolean closing;
  private volatile int size;

  HeldConnections() throws IOException {
    selector = Selector.open();
    watcher = new Thread(this::watch, "soak-held-connections");
    watcher.setDaemon(true);
    watcher.start();
  }

  /**
   * Watches {@code channel} (connected, in blocking mode) until the master answers or closes it;
   * past {@code deadline} it is counted held past its deadline.
   *
   * @param trickle bytes to send one a second meanwhile, or null to stay silent
   */
  void hold(
      SocketChannel channel, Outcomes outcomes, Duration deadline, Classifier c, byte[] trickle) {
    arriving.add(new Held(channel, outcomes, deadline, c, trickle));
    selector.wakeup();
  }

  /**
   * Connects from {@code from} to {@code to}, sends {@code first} (if not null) and holds the
   * connection until the master answers or closes it, at most {@link #deadline} of {@code timeout}.
   */
  void connectAndHold(
      InetAddress from,
      InetSocketAddress to,
      byte[] first,
      Outcomes outcomes,
      Duration timeout,
      Classifier c,
      byte[] trickle)
      throws IOException {
    SocketChannel channel = Strangers.connect(from, to);
    try {
      if (first != null) {
        channel.socket().getOutputStream().write(first);
      }
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    hold(channel, outcomes, deadline(timeout), c, trickle);
  }

  /** How many connections are held now (arrived ones included). */
  int size() {
    return size + arriving.size();
  }

  /** Waits until every held connection has finished or passed its deadline, at most {@code limit}. */
  void drain(Duration limit) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (size() > 0 && System.nanoTime() < end) {
      Thread.sleep(100);
    }
  }

  private void watch() {
    ByteBuffer sink = ByteBuffer.allocate(4096);
    while (!closing) {
      try {
        selector.select(200);
        for (Held h; (h = arriving.poll()) != null; ) {
          try {
            h.channel.configureBlocking(false);
            h.channel.register(selector, SelectionKey.OP_READ, h);
            held.add(h);
          } catch (IOException e) {
            h.finish(false);
          }
        }
        for (SelectionKey key : selector.selectedKeys()) {
          Held h = (Held) key.attachment();
          sink.clear();
          int n;
          try {
            n = h.channel.read(sink);
          } catch (IOException e) {
            n = -1; // reset: closed by the master
          }
          if (n != 0) {
            key.cancel();
            held.remove(h);
            h.finish(n > 0);
          }
        }
        selector.selectedKeys().clear();
        long now = System.nanoTime();
        for (Held h : List.copyOf(held)) {
          if (now > h.deadline) {
            held.remove(h);
            h.outcomes.count(Outcomes.HELD_PAST_DEADLINE);
            closeQuietly(h.channel);
          } else if (h.trickle != null && h.trickle.hasRemaining() && now >= h.nextByte) {
            h.nextByte = now + TRICKLE_NANOS;
            try {
              h.channel.write(h.trickle.slice(h.trickle.position(), 1));
              h.trickle.position(h.trickle.position() + 1);
            } catch (IOException e) {
              held.remove(h);
              h.finish(false); // the master closed it under the write
            }
          }
        }
        size = held.size();
      } catch (IOException | RuntimeException e) {
        // A selector failure ends the watch; the connections left are closed below.
        break;
      }
    }
    for (Held h : held) {
      h.outcomes.count(Outcomes.STILL_HELD);
      closeQuietly(h.channel);
    }
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    closing = true;
    selector.wakeup();
    try {
      watcher.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    selector.close();
  }
}
