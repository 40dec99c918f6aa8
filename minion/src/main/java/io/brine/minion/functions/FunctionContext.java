package io.brine.minion.functions;

import io.brine.protocol.MinionId;

/** What a function may use of the minion it runs in. */
public interface FunctionContext {
  MinionId minionId();

  /** The master's file server, for {@code cp.get_file}. */
  FileFetcher files();

  /** This minion's pillar; empty for a minion that has no master. */
  default PillarSource pillar() {
    return PillarSource.NONE;
  }
}
