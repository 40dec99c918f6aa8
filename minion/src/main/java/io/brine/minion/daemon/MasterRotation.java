package io.brine.minion.daemon;

import io.brine.minion.config.MasterAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The masters in the order the minion tries them, and where it is in that order. The order is the
 * file's, or shuffled once at start ({@code random_master}); with {@code master_failback} the first
 * entry stays first and only the others are shuffled, as Salt does, so that "back to the first"
 * still means the master the operator put there.
 *
 * <p>A round is one try of every master, starting where the minion last authenticated (or at the
 * first, before it ever has): the minion moves on to the next master at once, and backs off only
 * when a round is over ({@link #next} says so). Not thread-safe: the daemon uses it from its one
 * event loop.
 */
final class MasterRotation {
  private final List<MasterAddress> order;
  private int current;
  private int roundStart;

  MasterRotation(List<MasterAddress> masters, boolean shuffle, boolean keepFirst, Random random) {
    List<MasterAddress> list = new ArrayList<>(masters);
    if (shuffle) {
      Collections.shuffle(keepFirst ? list.subList(1, list.size()) : list, random);
    }
    this.order = List.copyOf(list);
  }

  /** The masters, in the order they are tried. */
  List<MasterAddress> order() {
    return order;
  }

  MasterAddress current() {
    return order.get(current);
  }

  MasterAddress first() {
    return order.get(0);
  }

  boolean several() {
    return order.size() > 1;
  }

  boolean onFirst() {
    return current == 0;
  }

  /**
   * Moves to the next master.
   *
   * @return true when that master is the one this round began with: every master has been tried
   */
  boolean next() {
    current = (current + 1) % order.size();
    return current == roundStart;
  }

  /** The minion authenticated to the current master: a later round starts here. */
  void settled() {
    roundStart = current;
  }

  /** The minion went back to the first master (failback). */
  void backToFirst() {
    current = 0;
    roundStart = 0;
  }
}
