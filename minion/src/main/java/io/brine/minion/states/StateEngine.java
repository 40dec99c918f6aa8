package io.brine.minion.states;

import io.brine.common.render.RenderException;
import io.brine.common.render.SlsRenderer;
import io.brine.minion.functions.FunctionContext;
import io.brine.minion.functions.FunctionRegistry;
import io.brine.minion.functions.OneLine;
import io.brine.minion.functions.builtin.Grains;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The minion's state system, Salt's {@code state} module behind its functions: the pillar fetched
 * for the run, the SLS files rendered on the minion from the master's file roots (top.sls for a
 * highstate), compiled to low chunks and run. One run at a time per minion, as Salt's; {@code
 * queue=True} waits for the one before.
 */
public final class StateEngine {
  /** Salt's retcode for a state that failed. */
  static final int STATE_FAILED = 2;

  /** Salt's retcode when the pillar could not be compiled. */
  static final int PILLAR_FAILED = 5;

  private final Supplier<FunctionRegistry> registry;
  private final Grains grains;
  private final StateFunctions states;
  private final SlsRenderer renderer = new SlsRenderer();
  private final ReentrantLock running = new ReentrantLock();

  /**
   * @param registry the minion's functions, for {@code salt[...]} and the states that call them
   *     (a supplier: the state functions are part of that registry)
   */
  public StateEngine(Supplier<FunctionRegistry> registry, Grains grains, StateFunctions states) {
    this.registry = registry;
    this.grains = grains;
    this.states = states;
  }

  /** What a run is given: the SLS (none: the top file's), test mode, inline pillar, queueing. */
  record Request(
      Optional<List<String>> mods,
      boolean test,
      Map<String, Object> pillarOverride,
      boolean queue,
      String function) {}

  /** The compiled run, before it runs. */
  record Compiled(RunContext context, List<String> mods, Map<String, IdDecl> high) {}

  /** Renders and compiles; the lock is the caller's. */
  Compiled compile(FunctionContext functions, Request request)
      throws CompileException, InterruptedException {
    // One reader per run: the SLS files, the top file and the templates' includes are each
    // fetched from the master once.
    SlsFiles files = new SlsFiles(functions.files());
    RunContext context = context(functions, request, files);
    List<String> mods = request.mods().isPresent()
        ? request.mods().get()
        : top(context, files, functions);
    Map<String, IdDecl> high = new HighCompiler(context, files).compile(mods);
    return new Compiled(context, mods, high);
  }

  /**
   * state.single's run: one state, {@code module.fun} for {@code name} with {@code args}, as an
   * SLS of one id would be (no SLS, so {@code __sls__} is null, as Salt's).
   */
  Compiled single(
      FunctionContext functions, Request request, String function, String name,
      Map<String, Object> args)
      throws CompileException, InterruptedException {
    RunContext context = context(functions, request, new SlsFiles(functions.files()));
    int dot = function.indexOf('.');
    IdDecl decl = new IdDecl(name, null);
    StateDecl state = new StateDecl(function.substring(0, dot), 10_000);
    state.fun = function.substring(dot + 1);
    state.args.put("name", name);
    state.args.putAll(args);
    decl.states.put(state.module, state);
    Map<String, IdDecl> high = new LinkedHashMap<>();
    high.put(name, decl);
    return new Compiled(context, List.of(), high);
  }

  /** Runs the compiled states; Salt's retcode with the returns. */
  RunResult run(Compiled compiled, Request request) throws CompileException, InterruptedException {
    List<LowChunk> chunks = Lowstate.of(compiled.high());
    boolean failhard = Lowstate.truthy(compiled.context().opts().get("failhard"));
    StateRunner runner = new StateRunner(compiled.context(), states, request.test(), failhard);
    Map<String, Object> returns = runner.run(chunks);
    return new RunResult(returns, runner.anyFailed() ? STATE_FAILED : 0);
  }

  record RunResult(Map<String, Object> returns, int retcode) {}

  /**
   * Runs {@code body} holding the minion's one state run, or refuses as Salt does when another is
   * running and {@code queue} was not given.
   */
  <T> T exclusive(Request request, Body<T> body) throws CompileException, InterruptedException {
    if (request.queue()) {
      running.lockInterruptibly();
    } else if (!running.tryLock()) {
      throw new CompileException(List.of("The function \"" + request.function()
          + "\" is running on this minion already; pass queue=True to wait for it"));
    }
    try {
      return body.run();
    } finally {
      running.unlock();
    }
  }

  interface Body<T> {
    T run() throws CompileException, InterruptedException;
  }

  List<LowChunk> lowstate(Compiled compiled) throws CompileException {
    return Lowstate.of(compiled.high());
  }

  private RunContext context(FunctionContext functions, Request request, SlsFiles files)
      throws CompileException, InterruptedException {
    Map<String, Object> pillar;
    try {
      pillar = new LinkedHashMap<>(functions.pillar().get(true));
    } catch (IOException e) {
      throw new CompileException(
          List.of("Pillar failed to render with the following messages:",
              OneLine.of(e.getMessage())),
          PILLAR_FAILED);
    }
    if (pillar.get("_errors") instanceof List<?> errors && !errors.isEmpty()) {
      // Salt's master puts what failed to render in _errors; Salt runs no state with it.
      List<String> lines = new ArrayList<>();
      lines.add("Pillar failed to render with the following messages:");
      errors.forEach(e -> lines.add(OneLine.of(String.valueOf(e))));
      throw new CompileException(lines, PILLAR_FAILED);
    }
    pillar.putAll(request.pillarOverride());
    Map<String, Object> grainItems = grains.items(functions.minionId());
    Map<String, Object> opts = new LinkedHashMap<>();
    opts.put("id", functions.minionId().value());
    opts.put("saltenv", HighCompiler.ENV);
    opts.put("pillarenv", null);
    opts.put("test", request.test());
    opts.put("file_client", "remote");
    opts.put("renderer", "jinja|yaml");
    opts.put("state_auto_order", true);
    opts.put("failhard", false);
    opts.put("grains", grainItems);
    return new RunContext(
        registry.get(), functions, grainItems, pillar, opts, renderer,
        files);
  }

  private List<String> top(RunContext context, SlsFiles files, FunctionContext functions)
      throws CompileException, InterruptedException {
    Optional<String> text;
    try {
      text = files.text("top.sls");
    } catch (IOException e) {
      throw new CompileException(List.of("Rendering top.sls failed: " + OneLine.of(e.getMessage())));
    }
    if (text.isEmpty()) {
      return List.of();
    }
    Object doc;
    try {
      doc = renderer.render("salt://top.sls", text.get(), context.templateVars(Map.of()), files);
    } catch (RenderException e) {
      throw new CompileException(List.of("Rendering top.sls failed: " + e.getMessage()));
    }
    return TopFile.matches(doc, functions.minionId(), context.grains(), context.pillar());
  }

  /** Salt's answer to a highstate that the top file gives no SLS. */
  static Map<String, Object> noTopMatch() {
    Map<String, Object> ret = new LinkedHashMap<>();
    ret.put("name", "No States");
    ret.put("changes", Map.of());
    ret.put("result", false);
    ret.put("comment",
        "No Top file or master_tops data matches found. Please see master log for details.");
    ret.put("__run_num__", 0);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("no_|-states_|-states_|-None", ret);
    return out;
  }

  /** Salt's show_sls / show_highstate shape of the high data. */
  static Map<String, Object> highData(Map<String, IdDecl> high) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (IdDecl decl : high.values()) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("__sls__", decl.sls);
      body.put("__env__", HighCompiler.ENV);
      for (StateDecl s : decl.states.values()) {
        List<Object> entries = new ArrayList<>();
        s.args.forEach((k, v) -> {
          Map<String, Object> one = new LinkedHashMap<>();
          one.put(k, v);
          entries.add(one);
        });
        entries.add(s.fun);
        entries.add(Map.of("order", s.autoOrder));
        body.put(s.module, entries);
      }
      out.put(decl.id, body);
    }
    return out;
  }
}
