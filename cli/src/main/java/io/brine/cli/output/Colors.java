package io.brine.cli.output;

/** Salt's terminal colours, or none: only a terminal gets them, unless --force-color. */
public record Colors(boolean on) {
  public static final Colors NONE = new Colors(false);

  /**
   * @param terminal whether stdout is a terminal
   */
  public static Colors choose(boolean terminal, boolean noColor, boolean forceColor) {
    return new Colors(!noColor && (forceColor || terminal));
  }

  String green() {
    return on ? "\033[0;32m" : "";
  }

  String cyan() {
    return on ? "\033[0;36m" : "";
  }

  String lightYellow() {
    return on ? "\033[1;33m" : "";
  }

  String red() {
    return on ? "\033[0;31m" : "";
  }

  String end() {
    return on ? "\033[0m" : "";
  }
}
