package io.brine.minion.functions;

import java.io.IOException;
import java.util.Map;

/**
 * This minion's pillar as a function sees it: compiled by the master for this minion only, held in
 * the minion's memory and never written to its disk (docs/operator-guide.md, states and pillar).
 */
@FunctionalInterface
public interface PillarSource {
  /** A minion without a master ({@code brine call --local}) has an empty pillar, as salt-call's. */
  PillarSource NONE = refresh -> Map.of();

  /**
   * The pillar, fetched from the master when none is held yet or when {@code refresh} asks for a
   * fresh one (saltutil.refresh_pillar, state.apply).
   *
   * @throws IOException with a one-line message when the master cannot compile it (sealed vault,
   *     unreachable master, a render error in the pillar)
   */
  Map<String, Object> get(boolean refresh) throws IOException, InterruptedException;
}
