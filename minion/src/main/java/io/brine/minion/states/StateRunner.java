package io.brine.minion.states;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.OneLine;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs low chunks as Salt's {@code call_chunks}: in order, each after the states it requires
 * (which run first when they have not), with Salt's requisite outcomes and comments, {@code
 * onlyif}/{@code unless}/{@code creates} checked before the function, {@code mod_watch} after it
 * when a watched state changed, and {@code failhard} stopping the run.
 */
final class StateRunner {
  private static final Logger LOG = LoggerFactory.getLogger(StateRunner.class);

  private static final DateTimeFormatter START_TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS");

  private final RunContext context;
  private final StateFunctions functions;
  private final boolean test;
  private final boolean failhardAll;
  private final Map<LowChunk, Map<String, Object>> done = new LinkedHashMap<>();
  private final Map<LowChunk, StateResult> results = new LinkedHashMap<>();
  private boolean stopped;

  StateRunner(RunContext context, StateFunctions functions, boolean test, boolean failhardAll) {
    this.context = context;
    this.functions = functions;
    this.test = test;
    this.failhardAll = failhardAll;
  }

  /** Every chunk's return under its tag, in the order they ran. */
  Map<String, Object> run(List<LowChunk> chunks) throws InterruptedException {
    for (LowChunk chunk : chunks) {
      if (stopped) {
        break;
      }
      run(chunk);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    done.forEach((chunk, ret) -> out.put(chunk.tag(), ret));
    return out;
  }

  /** Whether any state failed: Salt's retcode 2. */
  boolean anyFailed() {
    return results.values().stream().anyMatch(r -> Boolean.FALSE.equals(r.result()));
  }

  private void run(LowChunk chunk) throws InterruptedException {
    if (done.containsKey(chunk) || stopped) {
      return;
    }
    for (LowChunk before : Lowstate.before(chunk)) {
      run(before);
      if (stopped) {
        return;
      }
    }
    if (Thread.interrupted()) {
      throw new InterruptedException("the state run was interrupted");
    }
    long started = System.nanoTime();
    String startTime = LocalTime.now().format(START_TIME);
    Outcome outcome = decide(chunk);
    double ms = Math.round((System.nanoTime() - started) / 1000.0) / 1000.0;
    StateResult r = outcome.result();
    Map<String, Object> ret = new LinkedHashMap<>();
    ret.put("name", chunk.name);
    ret.put("changes", r.changes());
    ret.put("result", r.result());
    ret.put("comment", r.comment());
    ret.put("__sls__", chunk.sls);
    ret.put("__run_num__", done.size());
    ret.put("start_time", startTime);
    ret.put("duration", ms);
    ret.put("__id__", chunk.id);
    if (!outcome.ran()) {
      ret.put("__state_ran__", false);
    }
    done.put(chunk, ret);
    results.put(chunk, r);
    if (Boolean.FALSE.equals(r.result()) && (chunk.failhard || failhardAll)) {
      stopped = true;
    }
  }

  private record Outcome(StateResult result, boolean ran) {
    static Outcome skipped(StateResult r) {
      return new Outcome(r, false);
    }
  }

  private Outcome decide(LowChunk chunk) throws InterruptedException {
    if (!chunk.notFound.isEmpty()) {
      return Outcome.skipped(StateResult.failed(
          "The following requisites were not found: " + String.join(", ", chunk.notFound)));
    }
    List<LowChunk> failed = new ArrayList<>();
    for (Requisites.Kind kind : List.of(Requisites.Kind.REQUIRE, Requisites.Kind.WATCH)) {
      chunk.targets.getOrDefault(kind, List.of()).stream().filter(this::failed).forEach(failed::add);
    }
    chunk.prereqOf.stream().filter(this::failed).forEach(failed::add);
    if (!failed.isEmpty()) {
      return Outcome.skipped(StateResult.failed("One or more requisite failed: "
          + failed.stream().map(LowChunk::slsId).distinct().collect(Collectors.joining(", "))));
    }
    List<LowChunk> onfail = chunk.targets.getOrDefault(Requisites.Kind.ONFAIL, List.of());
    if (!onfail.isEmpty() && onfail.stream().noneMatch(this::failed)) {
      return Outcome.skipped(StateResult.ok("State was not run because onfail req did not change"));
    }
    List<LowChunk> onchanges = chunk.targets.getOrDefault(Requisites.Kind.ONCHANGES, List.of());
    if (!onchanges.isEmpty() && onchanges.stream().noneMatch(this::changed)) {
      return Outcome.skipped(StateResult.ok(
          "State was not run because none of the onchanges reqs changed"));
    }
    List<LowChunk> prereqs = chunk.targets.getOrDefault(Requisites.Kind.PREREQ, List.of());
    if (!prereqs.isEmpty() && !anyWouldChange(prereqs)) {
      return Outcome.skipped(StateResult.ok("No changes detected"));
    }
    Optional<StateResult> skip = checks(chunk);
    if (skip.isPresent()) {
      return Outcome.skipped(skip.get());
    }
    Optional<StateFunction> fn = functions.find(chunk.function());
    if (fn.isEmpty()) {
      return Outcome.skipped(StateResult.failed("State '" + chunk.function() + "' was not found"
          + (chunk.sls == null ? "" : " in SLS '" + chunk.sls + "'")));
    }
    StateResult r = apply(fn.get(), chunk, test);
    List<LowChunk> watched = chunk.targets.getOrDefault(Requisites.Kind.WATCH, List.of());
    StateFunction modWatch = fn.get().modWatch();
    if (modWatch != null && !Boolean.FALSE.equals(r.result()) && r.changes().isEmpty()
        && watched.stream().anyMatch(this::changed)) {
      r = apply(modWatch, chunk, test);
    }
    return new Outcome(r, true);
  }

  private boolean failed(LowChunk chunk) {
    StateResult r = results.get(chunk);
    return r != null && Boolean.FALSE.equals(r.result());
  }

  private boolean changed(LowChunk chunk) {
    StateResult r = results.get(chunk);
    return r != null && !Boolean.FALSE.equals(r.result()) && !r.changes().isEmpty();
  }

  /** Salt's prereq: the named states run in test mode first, and must be about to change. */
  private boolean anyWouldChange(List<LowChunk> prereqs) throws InterruptedException {
    for (LowChunk target : prereqs) {
      StateResult r = results.get(target);
      if (r == null) {
        Optional<StateFunction> fn = functions.find(target.function());
        if (fn.isEmpty() || checks(target).isPresent()) {
          continue;
        }
        r = apply(fn.get(), target, true);
      }
      if (r.result() == null || !r.changes().isEmpty()) {
        return true;
      }
    }
    return false;
  }

  private StateResult apply(StateFunction fn, LowChunk chunk, boolean testRun)
      throws InterruptedException {
    try {
      return fn.apply(new StateCall(chunk.id, chunk.name, chunk.args, testRun, context));
    } catch (RuntimeException e) {
      LOG.debug("state {} failed with an exception", chunk.tag(), e);
      return StateResult.failed("An exception occurred in this state: " + OneLine.of(
          e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
  }

  /** onlyif, unless, creates: a result when the state is not to run. */
  private Optional<StateResult> checks(LowChunk chunk) throws InterruptedException {
    Object onlyif = chunk.checks.get("onlyif");
    if (onlyif != null) {
      for (Object check : asList(onlyif)) {
        if (!passes(chunk, check)) {
          return Optional.of(StateResult.ok("onlyif condition is false"));
        }
      }
    }
    Object unless = chunk.checks.get("unless");
    if (unless != null) {
      boolean all = true;
      for (Object check : asList(unless)) {
        if (!passes(chunk, check)) {
          all = false;
          break;
        }
      }
      if (all) {
        return Optional.of(StateResult.ok("unless condition is true"));
      }
    }
    Object creates = chunk.checks.get("creates");
    if (creates != null) {
      boolean all = true;
      for (Object path : asList(creates)) {
        try {
          all &= Files.exists(Path.of(String.valueOf(path)));
        } catch (InvalidPathException e) {
          all = false;
        }
      }
      if (all) {
        return Optional.of(StateResult.ok("All files in creates exist"));
      }
    }
    return Optional.empty();
  }

  private static List<?> asList(Object value) {
    return value instanceof List<?> list ? list : List.of(value);
  }

  /**
   * One onlyif/unless check: a shell command that exits 0, run with the state's cwd, env and
   * runas; or Salt's {@code {fun: module.function, args: [...]}} form, whose value is truthy.
   */
  private boolean passes(LowChunk chunk, Object check) throws InterruptedException {
    try {
      if (check instanceof Map<?, ?> map) {
        String fun = String.valueOf(map.get("fun"));
        List<Object> args = map.get("args") instanceof List<?> l ? new ArrayList<>(l) : List.of();
        Map<String, Object> kwargs = new LinkedHashMap<>();
        map.forEach((k, v) -> {
          if (!"fun".equals(k) && !"args".equals(k)) {
            kwargs.put(String.valueOf(k), v);
          }
        });
        FunctionOutput out = context.call(fun, args, kwargs);
        return out.retcode() == 0 && truthy(out.value());
      }
      if (check instanceof Boolean b) {
        return b;
      }
      String line = RunAs.wrap(
          chunk.args.get("runas") == null ? null : String.valueOf(chunk.args.get("runas")),
          String.valueOf(check));
      Map<String, Object> kwargs = new LinkedHashMap<>();
      for (String option : List.of("cwd", "env")) {
        if (chunk.args.get(option) != null) {
          kwargs.put(option, chunk.args.get(option));
        }
      }
      FunctionOutput out = context.call("cmd.retcode", List.of(line), kwargs);
      return out.retcode() == 0 && Integer.valueOf(0).equals(out.value());
    } catch (FunctionException | IllegalArgumentException e) {
      LOG.debug("check of state {} could not run: {}", chunk.tag(), e.getMessage());
      return false;
    }
  }

  private static boolean truthy(Object value) {
    if (value == null || Boolean.FALSE.equals(value)) {
      return false;
    }
    if (value instanceof Number n) {
      return n.doubleValue() != 0;
    }
    if (value instanceof String s) {
      return !s.isEmpty();
    }
    if (value instanceof java.util.Collection<?> c) {
      return !c.isEmpty();
    }
    if (value instanceof Map<?, ?> m) {
      return !m.isEmpty();
    }
    return true;
  }
}
