package io.brine.minion.states;

import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.OneLine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Salt's {@code state.single}: one state function run without an SLS, {@code state.single
 * file.managed /etc/motd contents=hi} (or {@code name=/etc/motd}), with the same engine, checks
 * and return shape as a state in an SLS. {@code test}, {@code queue} and {@code pillar} are the
 * run's; every other keyword is the state's.
 */
public final class StateSingle implements MinionFunction {
  private static final Pattern FUNCTION = Pattern.compile("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*");

  private final StateEngine engine;

  public StateSingle(StateEngine engine) {
    this.engine = engine;
  }

  @Override
  public String name() {
    return "state.single";
  }

  @Override
  public String doc() {
    return "Applies one state function: state.single file.managed /etc/motd contents=hi.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
    List<Object> args = call.args();
    Map<String, Object> kwargs = new LinkedHashMap<>(call.kwargs());
    kwargs.keySet().removeIf(k -> k.startsWith("__"));
    Object fun = args.isEmpty() ? kwargs.remove("fun") : args.get(0);
    Object name = args.size() > 1 ? args.get(1) : kwargs.remove("name");
    if (args.size() > 2) {
      throw new FunctionException(
          "state.single takes the state function and its name; give the rest as key=value");
    }
    if (fun == null || !FUNCTION.matcher(String.valueOf(fun)).matches()) {
      throw new FunctionException(
          "state.single needs a state function of the form module.function, e.g. file.managed,"
              + " not " + (fun == null ? "nothing" : "'" + OneLine.of(String.valueOf(fun)) + "'"));
    }
    if (name == null || String.valueOf(name).isBlank()) {
      throw new FunctionException("state.single " + fun + " needs a name: name=...");
    }
    boolean test = StateModule.flag("test", kwargs.remove("test"));
    boolean queue = StateModule.flag("queue", kwargs.remove("queue"));
    Map<String, Object> pillar = StateModule.pillar(Optional.ofNullable(kwargs.remove("pillar")));
    StateEngine.Request request =
        new StateEngine.Request(Optional.empty(), test, pillar, queue, name());
    try {
      return engine.exclusive(
          request,
          () -> {
            StateEngine.Compiled compiled =
                engine.single(call.context(), request, String.valueOf(fun), String.valueOf(name),
                    kwargs);
            StateEngine.RunResult result = engine.run(compiled, request);
            return new FunctionOutput(result.returns(), result.retcode());
          });
    } catch (CompileException e) {
      return new FunctionOutput(e.errors(), e.retcode());
    }
  }
}
