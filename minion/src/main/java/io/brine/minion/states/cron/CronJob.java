package io.brine.minion.states.cron;

/**
 * One crontab entry as Salt's cron module keeps it.
 *
 * @param comment the text of its marker line before the identifier; null for none
 * @param identifier Salt's identifier (the command when none was given); null for an entry not
 *     written by Salt or brine
 * @param commented Salt's {@code #DISABLED#} prefix
 * @param schedule the five time fields "m h dom mon dow", or a special such as "@reboot"
 * @param cmd the command
 */
record CronJob(String comment, String identifier, boolean commented, String schedule,
    String cmd) {
  static final String MARKER = "SALT_CRON_IDENTIFIER:";
  static final String DISABLED = "#DISABLED#";

  /** Salt's {@code _cron_matched}: the same identifier, or no identifier and the same command. */
  boolean matches(String wantedIdentifier, String wantedCmd) {
    return identifier == null ? cmd.equals(wantedCmd) : identifier.equals(wantedIdentifier);
  }

  /** The lines Salt's {@code _render_tab} writes: the marker line, then the entry. */
  String render() {
    StringBuilder sb = new StringBuilder();
    if (comment != null || identifier != null) {
      sb.append('#');
      if (comment != null && !comment.isEmpty()) {
        sb.append(' ').append(comment);
      }
      if (identifier != null) {
        sb.append(' ').append(MARKER).append(identifier);
      }
      sb.append('\n');
    }
    if (commented) {
      sb.append(DISABLED);
    }
    return sb.append(schedule).append(' ').append(cmd).append('\n').toString();
  }
}
