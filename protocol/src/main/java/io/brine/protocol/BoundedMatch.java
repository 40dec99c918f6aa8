package io.brine.protocol;

import java.util.regex.Pattern;

/**
 * A regular expression run with a bound on its work. Java's regex engine backtracks, so a pattern
 * such as {@code (a+)+b} (an operator's {@code E@}/{@code P@} target) or a glob of many stars
 * ({@code *a*a*a*a*b}, fnmatch turned into a regex) can take exponential or high-polynomial time on
 * a long enough input, and grain values come from minions (up to 64 KiB each). A target is matched
 * against every accepted minion on the master and again on each minion, so one such match would
 * hold a thread for hours. Here the input is read through a counter: after {@link #MAX_STEPS}
 * character reads the match gives up and counts as no match. A real target reads each character a
 * few times; the bound is far above that.
 */
public final class BoundedMatch {
  /** Character reads one match may make: about a millisecond of work, far above any real target. */
  public static final int MAX_STEPS = 1_000_000;

  private BoundedMatch() {}

  /** {@link java.util.regex.Matcher#matches()}, false when the bound is reached. */
  public static boolean matches(Pattern pattern, CharSequence input) {
    try {
      return pattern.matcher(new Counted(input, new int[] {MAX_STEPS})).matches();
    } catch (TooCostly e) {
      return false;
    }
  }

  /** {@link java.util.regex.Matcher#lookingAt()} (Python's re.match), false at the bound. */
  public static boolean lookingAt(Pattern pattern, CharSequence input) {
    try {
      return pattern.matcher(new Counted(input, new int[] {MAX_STEPS})).lookingAt();
    } catch (TooCostly e) {
      return false;
    }
  }

  /** Thrown from inside the regex engine to stop it; never leaves this class. */
  private static final class TooCostly extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooCostly() {
      super(null, null, false, false);
    }
  }

  /** The input, each character read counted against a budget shared with its sub-sequences. */
  private static final class Counted implements CharSequence {
    private final CharSequence text;
    private final int[] left;

    Counted(CharSequence text, int[] left) {
      this.text = text;
      this.left = left;
    }

    @Override
    public char charAt(int index) {
      if (--left[0] < 0) {
        throw new TooCostly();
      }
      return text.charAt(index);
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new Counted(text.subSequence(start, end), left);
    }

    @Override
    public String toString() {
      return text.toString();
    }
  }
}
