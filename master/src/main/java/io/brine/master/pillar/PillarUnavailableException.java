package io.brine.master.pillar;

/**
 * The master cannot give a minion its pillar at all (its vault is sealed; the pillar is too large
 * for a reply): one line, the error the minion's call is answered with. Errors of the pillar's own
 * files are not this: they go in the pillar's {@code _errors}, as in Salt.
 */
public final class PillarUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public PillarUnavailableException(String message) {
    super(message);
  }
}
