package io.brine.minion.functions.builtin;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code status.uptime}: Salt's dict from /proc/uptime: seconds, since_iso (local time, as Python's
 * isoformat), since_t, days, time ("H:M" of the part-day, minutes unpadded as Salt's), and users
 * (the lines of {@code who -s}, within 5 s; left out when who cannot run, as Salt does when it is
 * not installed).
 */
public final class StatusUptime implements MinionFunction {
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

  private final Path procUptime;

  public StatusUptime() {
    this(Path.of("/proc/uptime"));
  }

  StatusUptime(Path procUptime) {
    this.procUptime = procUptime;
  }

  @Override
  public String name() {
    return "status.uptime";
  }

  @Override
  public String doc() {
    return "Returns the uptime: seconds, since_iso, since_t, days, time (H:M), users.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
    Arguments.parse(call, name(), List.of(), Set.of());
    double now = System.currentTimeMillis() / 1000.0;
    long seconds;
    try {
      seconds = (long) Double.parseDouble(ProcFiles.read(procUptime).strip().split("\\s+")[0]);
    } catch (IOException | NumberFormatException e) {
      return CommandError.of("cannot read the uptime from " + procUptime + ": " + e.getMessage());
    }
    double since = now - seconds;
    Map<String, Object> ret = new LinkedHashMap<>();
    ret.put("seconds", seconds);
    ret.put("since_iso", isoformat(since));
    ret.put("since_t", (long) since);
    ret.put("days", seconds / 86_400);
    long inDay = seconds % 86_400;
    ret.put("time", (inDay / 3600) + ":" + (inDay % 3600 / 60));
    users().ifPresent(n -> ret.put("users", n));
    return FunctionOutput.ok(ret);
  }

  /** Python's datetime.fromtimestamp(t).isoformat(): microseconds shown unless they are 0. */
  static String isoformat(double epochSeconds) {
    long micros = Math.round(epochSeconds * 1_000_000);
    Instant i =
        Instant.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000L);
    LocalDateTime t = LocalDateTime.ofInstant(i, ZoneId.systemDefault());
    String s = t.format(SECONDS);
    int us = t.getNano() / 1000;
    return us == 0 ? s : s + String.format(".%06d", us);
  }

  private static Optional<Integer> users() throws InterruptedException {
    ShellCommand.Result r;
    try {
      r =
          ShellCommand.run(
              new ShellCommand.Options(
                  "who -s", Path.of("/"), Map.of(), Optional.of(Duration.ofSeconds(5))),
              64 * 1024);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    if (r.retcode() != 0) {
      return Optional.empty();
    }
    return Optional.of((int) r.stdout().lines().filter(l -> !l.isBlank()).count());
  }
}
