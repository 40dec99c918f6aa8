package io.brine.bench.attack;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one attack did: how many attempts it made and what became of them, by a label that says
 * what the master did ("answered WELCOME", "closed at confirm_timeout", "refused at accept", ...).
 * Attack threads and the held-connection watcher count into it at once.
 */
final class Outcomes {
  /** Labels that start so are defects: the soak fails on any of them. */
  static final String DEFECT = "DEFECT: ";

  /** The label of a connection the master kept open past its deadline. */
  static final String HELD_PAST_DEADLINE = DEFECT + "held open past its deadline";

  /** A held connection still open, within its deadline, when the watcher was closed. */
  static final String STILL_HELD = "still held when the soak ended";

  private final String attack;
  private final LongAdder attempts = new LongAdder();
  private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();

  Outcomes(String attack) {
    this.attack = attack;
  }

  String attack() {
    return attack;
  }

  void attempt() {
    attempts.increment();
  }

  void count(String outcome) {
    outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
  }

  long attempts() {
    return attempts.sum();
  }

  /** The attempts counted under a label that starts with {@code prefix}. */
  long countStartingWith(String prefix) {
    return snapshot().entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  /** The counts so far, sorted by label. */
  Map<String, Long> snapshot() {
    Map<String, Long> copy = new TreeMap<>();
    outcomes.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }
}
