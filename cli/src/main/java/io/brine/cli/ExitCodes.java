package io.brine.cli;

/**
 * The exit codes of every brine command. Usage errors exit with {@link #ERROR} too: scripts only
 * need to tell "worked", "failed" and, for {@code brine operator status}, "sealed" (as {@code bao
 * status} does).
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int ERROR = 1;

  /** {@code brine operator status}: the vault answered and is sealed (or not initialized). */
  public static final int SEALED = 2;

  private ExitCodes() {}
}
