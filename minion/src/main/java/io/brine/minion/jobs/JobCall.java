package io.brine.minion.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the master asked: the jid (Salt's 20-digit YYYYmmddHHMMSSffffff, possibly with Salt's "_pid"
 * suffix), when the master published it (the publication's {@code ts}, which decides whether it
 * may still run: {@link JidMemory}), the function, its arguments as plain JSON values, the job's
 * timeout.
 *
 * @throws IllegalArgumentException for a jid of other characters than letters, digits, '_', '-' and
 *     '.' or longer than 64 (it goes into log lines and results), a missing fun or a timeout that
 *     is not positive
 */
public record JobCall(
    String jid,
    Instant published,
    String fun,
    List<Object> args,
    Map<String, Object> kwargs,
    Duration timeout) {
  private static final Pattern JID = Pattern.compile("[0-9A-Za-z_.-]{1,64}");

  public JobCall {
    if (!isJid(jid)) {
      throw new IllegalArgumentException("jid must be 1 to 64 letters, digits, '_', '-' or '.'");
    }
    Objects.requireNonNull(published, "published");
    Objects.requireNonNull(fun, "fun");
    args = args == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(args));
    kwargs = kwargs == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("job " + jid + ": the timeout must be positive");
    }
  }

  /** A jid as a job call takes it: no space, no control character, at most 64 characters. */
  static boolean isJid(String jid) {
    return jid != null && JID.matcher(jid).matches();
  }
}
