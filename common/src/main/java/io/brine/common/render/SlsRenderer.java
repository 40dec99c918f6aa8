package io.brine.common.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.MacroFunction;
import com.hubspot.jinjava.loader.ResourceLocator;
import com.hubspot.jinjava.loader.ResourceNotFoundException;
import io.brine.common.config.YamlSection;
import java.io.IOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Salt's renderer pipeline for SLS files, {@code jinja|yaml} by default: the text is rendered as a
 * Jinja template (HubSpot's jinjava) with the caller's variables, and the result is read as YAML
 * with duplicate keys refused. A first line {@code #!yaml}, {@code #!jinja|yaml} or {@code #!jinja}
 * (text only) picks the pipeline as Salt's shebang does; any other renderer ({@code #!py}) is
 * refused, since brine runs no Python.
 *
 * <p>As Salt's defaults ({@code allow_undefined: False}), an undefined variable is an error, not an
 * empty string. Every failure is one {@link RenderException} line naming the file and line.
 * Templates are the operator's, but the variables are not all (a minion's grains reach the master's
 * pillar): output, strings, lists and nesting are bounded, and a template reaches other templates
 * only through the caller's {@link TemplateSource}. Thread-safe.
 */
public final class SlsRenderer {
  /** No SLS or template renders to more: a runaway loop stops here, not at the heap. */
  public static final long MAX_OUTPUT_CHARS = 8L * 1024 * 1024;

  private static final int MAX_RENDER_DEPTH = 10;
  private static final int MAX_LIST_SIZE = 100_000;
  private static final int MAX_MAP_SIZE = 100_000;
  private static final int MAX_YAML_DEPTH = 64;

  private static final YAMLMapper YAML =
      YAMLMapper.builder(
              YAMLFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_YAML_DEPTH)
                          .maxStringLength(Math.toIntExact(MAX_OUTPUT_CHARS))
                          .build())
                  .build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  /** The includes of the render on this thread (jinjava's locator is set once per engine). */
  private final ThreadLocal<TemplateSource> includes = new ThreadLocal<>();

  /** The first template function that failed in the render on this thread, for its message. */
  private final ThreadLocal<Exception> failedFunction = new ThreadLocal<>();

  private final Jinjava jinja;

  public SlsRenderer() {
    jinja =
        new Jinjava(
            JinjavaConfig.newBuilder()
                .withFailOnUnknownTokens(true)
                .withIterateOverMapKeys(true) // Jinja2: {% for k in dict %} walks the keys
                .withNestedInterpretationEnabled(false)
                .withEnableRecursiveMacroCalls(false)
                .withMaxRenderDepth(MAX_RENDER_DEPTH)
                .withMaxOutputSize(MAX_OUTPUT_CHARS)
                .withMaxStringLength(MAX_OUTPUT_CHARS)
                .withMaxListSize(MAX_LIST_SIZE)
                .withMaxMapSize(MAX_MAP_SIZE)
                .withLocale(Locale.ROOT)
                .build());
    jinja.setResourceLocator(new Includes());
  }

  /**
   * Renders an SLS file through its pipeline.
   *
   * @param name the file's name in error lines ({@code salt://web/init.sls}, {@code top.sls})
   * @param vars the template's variables ({@code grains}, {@code pillar}, {@code salt}, ...);
   *     functions among them are {@link #function} values
   * @return the YAML document: a map in the file's order, or an empty map for an empty file
   */
  public Object render(String name, String text, Map<String, Object> vars, TemplateSource source)
      throws RenderException {
    Pipeline pipeline = Pipeline.of(name, text);
    String body = pipeline.body(text);
    String yaml = pipeline.jinja() ? renderText(name, body, vars, source) : body;
    return pipeline.yaml() ? readYaml(name, yaml) : yaml;
  }

  /** Renders a Jinja template to text ({@code file.managed} with {@code template: jinja}). */
  public String renderText(
      String name, String text, Map<String, Object> vars, TemplateSource source)
      throws RenderException {
    Objects.requireNonNull(vars, "vars");
    includes.set(Objects.requireNonNull(source, "source"));
    failedFunction.remove();
    try {
      RenderResult result = jinja.renderForResult(text, callableByName(vars));
      for (TemplateError error : result.getErrors()) {
        if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
          throw new RenderException(describe(name, error, failedFunction.get()));
        }
      }
      return result.getOutput();
    } catch (RuntimeException e) {
      // jinjava throws for a few limits (output too big) instead of recording an error.
      throw new RenderException(name + ": " + oneLine(e.getMessage()), e);
    } finally {
      includes.remove();
      failedFunction.remove();
    }
  }

  /** Reads rendered YAML, duplicate keys refused; an empty document is an empty map. */
  public static Object readYaml(String name, String yaml) throws RenderException {
    if (yaml.isBlank()) {
      return new LinkedHashMap<String, Object>();
    }
    try {
      Object data = YAML.readValue(yaml, Object.class);
      return data == null ? new LinkedHashMap<String, Object>() : data;
    } catch (JsonProcessingException e) {
      String where = YamlSection.syntaxError(e);
      throw new RenderException(
          name + ": not valid YAML after rendering" + (where.isEmpty() ? ": " + oneLine(
              e.getOriginalMessage()) : where),
          e);
    }
  }

  /**
   * A value a template calls as a function: inside a map ({@code salt['test.echo']('hi')}) or, as
   * a variable of its own, by its bare name ({@code vault_secret('db/prod', 'password')}). Its
   * exception ends the render, and its message becomes the render's error.
   */
  public Object function(String name, TemplateFunction body) {
    return new Function(name, Objects.requireNonNull(body, "body"));
  }

  /**
   * The variables with every {@link Function} among them also callable by its bare name: jinjava
   * resolves {@code name(...)} only to a macro of the render's scope ({@code __macros__}), never
   * to a variable, so the functions are put there too. The caller's map is not changed.
   */
  private static Map<String, Object> callableByName(Map<String, Object> vars) {
    Map<String, Object> macros = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : vars.entrySet()) {
      if (e.getValue() instanceof Function) {
        macros.put(e.getKey(), e.getValue());
      }
    }
    if (macros.isEmpty() || vars.containsKey(Context.GLOBAL_MACROS_SCOPE_KEY)) {
      return vars;
    }
    Map<String, Object> scope = new LinkedHashMap<>(vars);
    scope.put(Context.GLOBAL_MACROS_SCOPE_KEY, macros);
    return scope;
  }

  /**
   * A template function as jinjava calls one: a macro whose body is Java. The positional
   * arguments arrive as its varargs, {@code k=v} as its kwargs.
   */
  private final class Function extends MacroFunction {
    private final transient TemplateFunction body;

    Function(String name, TemplateFunction body) {
      super(List.of(), name, new LinkedHashMap<>(), false, null, 0, 0);
      this.body = body;
    }

    @Override
    public Object doEvaluate(
        Map<String, Object> argMap, Map<String, Object> kwargMap, List<Object> varArgs) {
      try {
        return body.call(new ArrayList<>(varArgs), new LinkedHashMap<>(kwargMap));
      } catch (Exception e) {
        if (failedFunction.get() == null) {
          failedFunction.set(e);
        }
        throw new IllegalStateException(e.getMessage(), e);
      }
    }

    @Override
    public boolean equals(Object o) {
      return this == o;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }
  }

  private static String describe(String name, TemplateError error, Exception failed) {
    String cause =
        failed != null
            ? oneLine(failed.getMessage())
            : oneLine(error.getMessage())
                .replaceFirst("^UnknownTokenException: Unknown token found: (.*)$",
                    "'$1' is undefined");
    return name + (error.getLineno() > 0 ? ": line " + error.getLineno() : "") + ": " + cause;
  }

  private static String oneLine(String s) {
    if (s == null || s.isBlank()) {
      return "(no detail)";
    }
    String line = s.replaceAll("\\s+", " ").strip();
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }

  /** The pipeline a file's shebang names. */
  private record Pipeline(boolean jinja, boolean yaml, boolean shebang) {
    static Pipeline of(String name, String text) throws RenderException {
      if (!text.startsWith("#!")) {
        return new Pipeline(true, true, false);
      }
      int end = text.indexOf('\n');
      String line = (end < 0 ? text : text.substring(0, end)).substring(2).strip();
      return switch (line.replace(" ", "")) {
        case "jinja|yaml", "" -> new Pipeline(true, true, true);
        case "yaml" -> new Pipeline(false, true, true);
        case "jinja" -> new Pipeline(true, false, true);
        default ->
            throw new RenderException(
                name + ": line 1: renderer '" + oneLine(line) + "' is not supported (brine"
                    + " renders jinja|yaml, yaml and jinja)");
      };
    }

    /** The text without its shebang line, a blank line in its place so line numbers stay. */
    String body(String text) {
      if (!shebang) {
        return text;
      }
      int end = text.indexOf('\n');
      return end < 0 ? "" : text.substring(end);
    }
  }

  /** jinjava's loader: the current render's {@link TemplateSource}. */
  private final class Includes implements ResourceLocator {
    @Override
    public String getString(String fullName, Charset encoding, JinjavaInterpreter interpreter)
        throws IOException {
      TemplateSource source = includes.get();
      if (source == null) {
        throw new ResourceNotFoundException("no template source for " + fullName);
      }
      return source
          .read(fullName)
          .orElseThrow(() -> new ResourceNotFoundException("no template " + fullName));
    }
  }
}
