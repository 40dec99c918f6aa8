package io.brine.minion.states;

import io.brine.common.render.RenderException;
import io.brine.common.render.SlsRenderer;
import io.brine.common.render.TemplateSource;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionContext;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.FunctionRegistry;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.OneLine;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@link StateContext} of one state run: the grains and pillar the run was compiled with, the
 * minion's execution functions, and the template variables Salt gives SLS files and {@code
 * template: jinja} sources alike ({@code grains}, {@code pillar}, {@code salt}, {@code opts},
 * {@code saltenv}).
 */
public final class RunContext implements StateContext {
  private final FunctionRegistry registry;
  private final FunctionContext functions;
  private final Map<String, Object> grains;
  private final Map<String, Object> pillar;
  private final Map<String, Object> opts;
  private final SlsRenderer renderer;
  private final TemplateSource templates;
  private final Map<String, Object> salt;

  /**
   * @param templates where templates' own includes are read (the master's file roots)
   */
  public RunContext(
      FunctionRegistry registry,
      FunctionContext functions,
      Map<String, Object> grains,
      Map<String, Object> pillar,
      Map<String, Object> opts,
      SlsRenderer renderer,
      TemplateSource templates) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.functions = Objects.requireNonNull(functions, "functions");
    this.grains = Collections.unmodifiableMap(new LinkedHashMap<>(grains));
    this.pillar = Collections.unmodifiableMap(new LinkedHashMap<>(pillar));
    this.opts = Collections.unmodifiableMap(new LinkedHashMap<>(opts));
    this.renderer = Objects.requireNonNull(renderer, "renderer");
    this.templates = Objects.requireNonNull(templates, "templates");
    this.salt = saltFunctions();
  }

  @Override
  public FunctionContext functions() {
    return functions;
  }

  @Override
  public Map<String, Object> grains() {
    return grains;
  }

  @Override
  public Map<String, Object> pillar() {
    return pillar;
  }

  public Map<String, Object> opts() {
    return opts;
  }

  public SlsRenderer renderer() {
    return renderer;
  }

  public TemplateSource templates() {
    return templates;
  }

  @Override
  public String renderTemplate(
      String sourceName, String engine, String text, Map<String, Object> vars)
      throws RenderException {
    if (!"jinja".equalsIgnoreCase(engine)) {
      throw new RenderException(
          sourceName + ": template engine '" + OneLine.of(engine)
              + "' is not supported (brine renders jinja)");
    }
    return renderer.renderText(sourceName, text, templateVars(vars), templates);
  }

  /** The variables every template of this run sees, with {@code extra} on top. */
  public Map<String, Object> templateVars(Map<String, Object> extra) {
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("grains", grains);
    vars.put("pillar", pillar);
    vars.put("opts", opts);
    vars.put("salt", salt);
    vars.put("saltenv", "base");
    if (extra != null) {
      vars.putAll(extra);
    }
    return vars;
  }

  @Override
  public FunctionOutput call(String function, List<Object> args, Map<String, Object> kwargs)
      throws FunctionException, InterruptedException {
    MinionFunction fn =
        registry
            .find(function)
            .orElseThrow(
                () -> new FunctionException("'" + OneLine.of(function) + "' is not available."));
    return fn.call(new FunctionCall(args, kwargs, functions));
  }

  /**
   * {@code salt['module.function']} for every execution function but the state module's own: a
   * template that starts a state run from inside a state run would wait on itself.
   */
  private Map<String, Object> saltFunctions() {
    Map<String, Object> fns = new LinkedHashMap<>();
    for (String name : registry.names()) {
      if (name.startsWith("state.")) {
        continue;
      }
      fns.put(
          name,
          renderer.function(
              name,
              (args, kwargs) -> {
                try {
                  return call(name, args, kwargs).value();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new RenderException(name + " was interrupted");
                }
              }));
    }
    return Collections.unmodifiableMap(fns);
  }
}
