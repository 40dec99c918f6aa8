package io.brine.minion.states;

import java.util.regex.Pattern;

/**
 * Salt's {@code runas} for a shell command: the line run by that user's {@code /bin/sh} through
 * util-linux's {@code runuser}, which needs the minion to run as root (as Salt's does). The user
 * name is checked, and the command is passed as one quoted word, so neither is read twice by a
 * shell.
 */
public final class RunAs {
  private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}\\$?");

  private RunAs() {}

  /**
   * The shell line that runs {@code command} as {@code user}; {@code command} itself when user is
   * null or blank.
   *
   * @throws IllegalArgumentException for a user name that is not one (one line, for the comment)
   */
  public static String wrap(String user, String command) {
    if (user == null || user.isBlank()) {
      return command;
    }
    if (!USER.matcher(user).matches()) {
      throw new IllegalArgumentException("runas: '" + user + "' is not a user name");
    }
    return "exec runuser -u " + user + " -- /bin/sh -c " + quote(command);
  }

  /** One shell word: single quotes, each ' inside written as '\''. */
  static String quote(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }
}
