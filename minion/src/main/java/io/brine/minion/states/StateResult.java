package io.brine.minion.states;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one state function reports, in Salt's terms: {@code result} true (in the desired state),
 * false (failed) or null (test mode: would change); a one-line {@code comment}; and {@code changes},
 * empty when nothing changed (with {@code test=True}, what would change). The engine adds name,
 * duration, start_time and __run_num__.
 */
public record StateResult(Boolean result, String comment, Map<String, Object> changes) {
  public StateResult {
    Objects.requireNonNull(comment, "comment");
    changes =
        changes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(changes));
  }

  /** Already as desired, nothing done. */
  public static StateResult ok(String comment) {
    return new StateResult(true, comment, Map.of());
  }

  /** Made so, with what changed. */
  public static StateResult changed(String comment, Map<String, Object> changes) {
    return new StateResult(true, comment, changes);
  }

  public static StateResult failed(String comment) {
    return new StateResult(false, comment, Map.of());
  }

  /** {@code test=True}: would make {@code changes}; result null, as Salt reports it. */
  public static StateResult wouldChange(String comment, Map<String, Object> changes) {
    return new StateResult(null, comment, changes);
  }
}
