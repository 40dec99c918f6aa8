package io.brine.cli;

/**
 * A command whose exit 1 is a verdict ({@code brine audit verify}: the chain is broken), as with
 * {@code cmp} and {@code diff}: its usage errors and unreadable inputs exit {@link #TROUBLE}, so a
 * script can tell "tampered" from "could not check".
 */
public interface VerdictCommand {
  int HOLDS = 0;
  int BROKEN = 1;
  int TROUBLE = 2;
}
