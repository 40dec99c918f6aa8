package io.brine.minion.states.cron;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.OneLine;
import io.brine.minion.functions.builtin.TempDirs;
import io.brine.minion.states.StateContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One user's crontab as Salt's cron module reads and writes it: the lines above Salt's "managed"
 * line kept as they are, and below it the entries, each after its marker line. Lines below that
 * are no entry (environment settings, blank lines, other comments) are kept in their place. Read
 * with {@code crontab -u USER -l} and written with {@code crontab -u USER FILE} from a private
 * temporary folder (cmd.run_all gives commands no input), through cmd.run_all.
 */
final class Crontab {
  static final String TAG = "# Lines below here are managed by Salt, do not edit";

  private static final Pattern FIVE_FIELDS =
      Pattern.compile("(\\S+\\s+\\S+\\s+\\S+\\s+\\S+\\s+\\S+)\\s+(.+)");
  private static final Pattern SPECIAL = Pattern.compile("(@[a-z]+)\\s+(.+)");

  private final List<String> pre = new ArrayList<>();
  /** A managed line: a CronJob, or a String kept as it is. */
  private final List<Object> managed = new ArrayList<>();

  static Crontab parse(String text) {
    Crontab tab = new Crontab();
    boolean below = false;
    String[] lines = text.isEmpty() ? new String[0] : text.split("\n", -1);
    int n = lines.length;
    if (n > 0 && lines[n - 1].isEmpty()) {
      n--;
    }
    String marker = null;
    for (int i = 0; i < n; i++) {
      String line = lines[i];
      if (!below) {
        if (line.equals(TAG)) {
          below = true;
        } else {
          tab.pre.add(line);
        }
        continue;
      }
      if (line.startsWith("#") && !line.startsWith(CronJob.DISABLED)
          && line.contains(CronJob.MARKER)) {
        if (marker != null) {
          tab.managed.add(marker);
        }
        marker = line;
        continue;
      }
      Optional<CronJob> job = job(marker, line);
      if (job.isPresent()) {
        tab.managed.add(job.get());
      } else {
        if (marker != null) {
          tab.managed.add(marker);
        }
        tab.managed.add(line);
      }
      marker = null;
    }
    if (marker != null) {
      tab.managed.add(marker);
    }
    return tab;
  }

  private static Optional<CronJob> job(String marker, String line) {
    boolean commented = line.startsWith(CronJob.DISABLED);
    String body = commented ? line.substring(CronJob.DISABLED.length()) : line;
    if (body.startsWith("#") || body.isBlank() || body.matches("[A-Za-z_][A-Za-z0-9_]*\\s*=.*")) {
      return Optional.empty();
    }
    Matcher m = SPECIAL.matcher(body);
    if (!m.matches()) {
      m = FIVE_FIELDS.matcher(body);
      if (!m.matches()) {
        return Optional.empty();
      }
    }
    String comment = null;
    String identifier = null;
    if (marker != null) {
      int at = marker.indexOf(CronJob.MARKER);
      comment = marker.substring(1, at).strip();
      identifier = marker.substring(at + CronJob.MARKER.length()).strip();
      if (comment.isEmpty()) {
        comment = null;
      }
    }
    return Optional.of(new CronJob(comment, identifier, commented,
        m.group(1).replaceAll("\\s+", " "), m.group(2)));
  }

  Optional<CronJob> find(String identifier, String cmd) {
    return jobs().stream().filter(j -> j.matches(identifier, cmd)).findFirst();
  }

  List<CronJob> jobs() {
    return managed.stream().filter(CronJob.class::isInstance).map(CronJob.class::cast).toList();
  }

  /** Puts {@code job} in the place of {@code old}, or at the end when old is null. */
  void put(CronJob old, CronJob job) {
    int i = old == null ? -1 : managed.indexOf(old);
    if (i < 0) {
      managed.add(job);
    } else {
      managed.set(i, job);
    }
  }

  void remove(CronJob job) {
    managed.remove(job);
  }

  String render() {
    StringBuilder sb = new StringBuilder();
    pre.forEach(l -> sb.append(l).append('\n'));
    sb.append(TAG).append('\n');
    for (Object item : managed) {
      sb.append(item instanceof CronJob j ? j.render() : item + "\n");
    }
    return sb.toString();
  }

  /** {@code crontab -u USER -l}; a user without a crontab has an empty one. */
  static Crontab read(StateContext context, String user)
      throws FunctionException, InterruptedException {
    FunctionOutput out = context.call("cmd.run_all",
        List.of("crontab -u '" + user + "' -l"), Map.of());
    Map<?, ?> ret = (Map<?, ?>) out.value();
    String stderr = String.valueOf(ret.get("stderr"));
    if (out.retcode() == 1 && stderr.startsWith("no crontab for")) {
      return parse("");
    }
    if (out.retcode() != 0) {
      throw new FunctionException(failure("reading", user, out.retcode(), stderr));
    }
    // cmd.run_all strips the trailing newline; the entries are lines all the same.
    return parse(String.valueOf(ret.get("stdout")));
  }

  /** {@code crontab -u USER FILE} of the rendered text. */
  void write(StateContext context, String user) throws FunctionException, InterruptedException {
    Path dir = null;
    try {
      dir = TempDirs.create("brine-cron-");
      Path file = dir.resolve("crontab");
      Files.writeString(file, render());
      FunctionOutput out = context.call("cmd.run_all",
          List.of("crontab -u '" + user + "' '" + file + "'"), Map.of());
      if (out.retcode() != 0) {
        Map<?, ?> ret = (Map<?, ?>) out.value();
        throw new FunctionException(
            failure("writing", user, out.retcode(), String.valueOf(ret.get("stderr"))));
      }
    } catch (IOException e) {
      throw new FunctionException("cannot write the crontab of " + user + ": "
          + OneLine.describe(e));
    } finally {
      TempDirs.delete(dir);
    }
  }

  private static String failure(String doing, String user, int retcode, String stderr) {
    String first = stderr.strip().isEmpty() ? "exit status " + retcode
        : stderr.strip().split("\n")[0];
    if (retcode == 127) {
      first = "crontab is not installed (" + first + ")";
    }
    return "Failed " + doing + " the crontab of " + user + ": " + OneLine.of(first);
  }
}
