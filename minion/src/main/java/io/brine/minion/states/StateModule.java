package io.brine.minion.states;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.OneLine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Salt's state module: {@code state.apply}, {@code state.sls}, {@code state.highstate} and the
 * {@code show_*} functions (with {@link StateSingle}, {@code state.single}), each one {@link StateModule} over the minion's
 * {@link StateEngine}. A run returns Salt's dict of state returns with retcode 2 when a state
 * failed; a run that could not compile returns Salt's list of errors with retcode 1 (5 when the
 * pillar could not be had).
 */
public final class StateModule implements MinionFunction {
  private enum Mode {
    APPLY("state.apply", "Applies the SLS given, or the highstate when none is given."),
    SLS("state.sls", "Applies the SLS given (comma separated or a list)."),
    HIGHSTATE("state.highstate", "Applies the states top.sls gives this minion."),
    SHOW_SLS("state.show_sls", "Shows the high data of the SLS given, not applied."),
    SHOW_TOP("state.show_top", "Shows the SLS top.sls gives this minion."),
    SHOW_HIGHSTATE("state.show_highstate", "Shows the high data of the highstate, not applied."),
    SHOW_LOWSTATE("state.show_lowstate", "Shows the low chunks of the highstate, in run order.");

    final String fn;
    final String doc;

    Mode(String fn, String doc) {
      this.fn = fn;
      this.doc = doc;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Set<String> RUN_OPTIONS =
      Set.of("test", "pillar", "queue", "saltenv", "mods", "concurrent", "exclude");

  private final Mode mode;
  private final StateEngine engine;

  private StateModule(Mode mode, StateEngine engine) {
    this.mode = mode;
    this.engine = engine;
  }

  /** Every function of the state module, over one engine. */
  public static List<MinionFunction> all(StateEngine engine) {
    List<MinionFunction> fns = new ArrayList<>();
    for (Mode m : Mode.values()) {
      fns.add(new StateModule(m, engine));
    }
    fns.add(new StateSingle(engine));
    return fns;
  }

  @Override
  public String name() {
    return mode.fn;
  }

  @Override
  public String doc() {
    return mode.doc;
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
    StateEngine.Request request = request(call);
    try {
      return switch (mode) {
        case SHOW_TOP -> {
          StateEngine.Compiled c = engine.compile(call.context(), noMods(request));
          yield FunctionOutput.ok(TopFile.show(c.mods()));
        }
        case SHOW_SLS, SHOW_HIGHSTATE -> FunctionOutput.ok(
            StateEngine.highData(engine.compile(call.context(), request).high()));
        case SHOW_LOWSTATE -> {
          StateEngine.Compiled c = engine.compile(call.context(), request);
          yield FunctionOutput.ok(engine.lowstate(c).stream().map(LowChunk::lowData).toList());
        }
        default -> engine.exclusive(request, () -> apply(call, request));
      };
    } catch (CompileException e) {
      return new FunctionOutput(e.errors(), e.retcode());
    }
  }

  private FunctionOutput apply(FunctionCall call, StateEngine.Request request)
      throws CompileException, InterruptedException {
    StateEngine.Compiled compiled = engine.compile(call.context(), request);
    if (request.mods().isEmpty() && compiled.mods().isEmpty()) {
      return new FunctionOutput(StateEngine.noTopMatch(), StateEngine.STATE_FAILED);
    }
    StateEngine.RunResult result = engine.run(compiled, request);
    return new FunctionOutput(result.returns(), result.retcode());
  }

  private static StateEngine.Request noMods(StateEngine.Request r) {
    return new StateEngine.Request(Optional.empty(), r.test(), r.pillarOverride(), r.queue(),
        r.function());
  }

  private StateEngine.Request request(FunctionCall call) throws FunctionException {
    List<String> positional =
        switch (mode) {
          case APPLY, SLS, SHOW_SLS -> List.of("mods");
          default -> List.of();
        };
    Set<String> named = new java.util.HashSet<>(RUN_OPTIONS);
    named.removeAll(positional);
    Arguments a = Arguments.parse(call, mode.fn, positional, named);
    Optional<List<String>> mods = mods(a.get("mods"));
    if ((mode == Mode.SLS || mode == Mode.SHOW_SLS) && mods.isEmpty()) {
      throw new FunctionException(mode.fn + " needs the SLS to apply: " + mode.fn + " web,db");
    }
    if (mode == Mode.HIGHSTATE || mode == Mode.SHOW_HIGHSTATE || mode == Mode.SHOW_LOWSTATE) {
      mods = Optional.empty();
    }
    String saltenv = a.optionalString("saltenv").orElse(HighCompiler.ENV);
    if (!saltenv.equals(HighCompiler.ENV)) {
      throw new FunctionException(mode.fn + ": brine serves one environment, base; saltenv="
          + saltenv + " is not one");
    }
    return new StateEngine.Request(
        mods, a.bool("test", false), pillar(a.get("pillar")), a.bool("queue", false), mode.fn);
  }

  private static Optional<List<String>> mods(Optional<Object> given) throws FunctionException {
    if (given.isEmpty()) {
      return Optional.empty();
    }
    List<String> mods = new ArrayList<>();
    Object v = given.get();
    List<?> items = v instanceof List<?> l ? l : List.of(String.valueOf(v).split(","));
    for (Object item : items) {
      String mod = String.valueOf(item).strip();
      if (mod.isEmpty()) {
        continue;
      }
      if (!HighCompiler.validName(mod)) {
        throw new FunctionException("'" + mod + "' is not a valid SLS name");
      }
      mods.add(mod);
    }
    return mods.isEmpty() ? Optional.empty() : Optional.of(mods);
  }

  /** A true/false keyword as Salt's CLI gives it ("True", "false") or as JSON. */
  static boolean flag(String name, Object value) throws FunctionException {
    if (value == null) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    String text = String.valueOf(value).strip().toLowerCase(java.util.Locale.ROOT);
    if (text.equals("true")) {
      return true;
    }
    if (text.equals("false")) {
      return false;
    }
    throw new FunctionException("'" + name + "' must be true or false, got " + OneLine.of(text));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> pillar(Optional<Object> given) throws FunctionException {
    if (given.isEmpty()) {
      return Map.of();
    }
    Object v = given.get();
    if (v instanceof String s) {
      try {
        v = JSON.readValue(s, Object.class);
      } catch (JsonProcessingException e) {
        throw new FunctionException("Pillar data must be formatted as a dictionary");
      }
    }
    if (!(v instanceof Map<?, ?> map)) {
      throw new FunctionException("Pillar data must be formatted as a dictionary");
    }
    return new LinkedHashMap<>((Map<String, Object>) map);
  }
}
