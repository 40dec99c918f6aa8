package io.brine.minion.functions.builtin;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.OneLine;
import java.util.regex.Pattern;

/**
 * The names the execution modules hand to system tools (apt-get, systemctl, useradd), checked
 * before any tool sees them. Each must start with a letter, a digit or '_', so that no name is read
 * as an option ("-oAPT::Get::...", "--root=/"), and hold only the characters the tool's own names
 * use: no spaces, quotes, '/' or shell characters.
 */
public enum SafeName {
  /** dpkg and rpm names, optionally with dpkg's ":arch" qualifier. */
  PACKAGE("package name", Pattern.compile("[A-Za-z0-9_][A-Za-z0-9+._-]*(:[a-z0-9_-]+)?"), 200),
  /** Debian and RPM versions: "1.2-3", "2:1.0~rc1", "1.0-1.el9". */
  VERSION("package version", Pattern.compile("[A-Za-z0-9][A-Za-z0-9.+~:_-]*"), 200),
  /** Login and group names as shadow-utils accepts them (32 characters, a trailing '$' allowed). */
  ACCOUNT("user or group name", Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*\\$?"), 32),
  /** systemd unit names: "nginx", "nginx.service", "getty@tty1.service". */
  UNIT("service name", Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.@:\\\\-]*"), 256);

  private final String what;
  private final Pattern pattern;
  private final int maxLength;

  SafeName(String what, Pattern pattern, int maxLength) {
    this.what = what;
    this.pattern = pattern;
    this.maxLength = maxLength;
  }

  /** The name, unchanged, or a one-line refusal naming the function and the argument. */
  public String check(String function, String argument, String name) throws FunctionException {
    if (name == null || name.isEmpty()) {
      throw new FunctionException(function + ": '" + argument + "' is empty");
    }
    if (name.length() > maxLength || !pattern.matcher(name).matches()) {
      String shown = OneLine.of(name);
      if (shown.length() > 60) {
        shown = shown.substring(0, 60) + "...";
      }
      throw new FunctionException(
          function + ": '" + argument + "' is not a valid " + what + ": '" + shown + "'");
    }
    return name;
  }
}
