package io.brine.master.ha;

import java.time.Instant;
import java.util.Optional;

/**
 * Where this master stands in its cluster, as the operator API asks before it serves a request:
 * a standby serves only the status paths and sends the rest to the active master.
 */
public interface ClusterStatus {
  /** The active master as its advert says (this one when it is active itself). */
  record Leader(String address, Instant activeTime, boolean self) {}

  /** The storage offers the HA lock ({@code ha_enabled}): there may be standbys. */
  boolean haEnabled();

  /** This master serves every request: it holds the HA lock, or there is no HA at all. */
  boolean active();

  /** The active master, when one is known. */
  Optional<Leader> leader();

  /**
   * Gives up the HA lock ({@code sys/step-down}); this master then waits before it competes
   * again, so another takes over. Does nothing when it is not active.
   */
  void stepDown();

  /** A master alone on its storage: always active, nothing to step down from. */
  ClusterStatus SINGLE =
      new ClusterStatus() {
        @Override
        public boolean haEnabled() {
          return false;
        }

        @Override
        public boolean active() {
          return true;
        }

        @Override
        public Optional<Leader> leader() {
          return Optional.empty();
        }

        @Override
        public void stepDown() {}
      };
}
