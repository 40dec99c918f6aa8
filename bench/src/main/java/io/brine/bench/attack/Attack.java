package io.brine.bench.attack;

/**
 * One kind of attack: each {@link #attempt} is one try (a connection, a request), counted in
 * {@link #outcomes} by what the master did with it. {@link RatedAttacks} calls it at a rate.
 */
interface Attack {
  Outcomes outcomes();

  void attempt() throws Exception;
}
