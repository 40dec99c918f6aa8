package io.brine.minion.states;

import io.brine.common.render.RenderException;
import io.brine.minion.functions.OneLine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Renders SLS files into Salt's high data, as Salt's {@code render_state} does: each file through
 * its renderer pipeline with the run's grains, pillar, salt and opts; then its {@code include}s
 * (after the file's own states, which is the order Salt's auto order gives them); then every
 * {@code extend}, then every {@code exclude}. Errors are collected, in Salt's words, and thrown
 * together: a run either has all its states or runs none.
 */
final class HighCompiler {
  static final String ENV = "base";

  /** No run renders more SLS files than this: an include loop of generated names stops here. */
  static final int MAX_SLS_FILES = 2000;

  private static final Pattern SLS_NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

  private static final Set<String> EXTENDING_LISTS = new HashSet<>(Requisites.ARGUMENT_NAMES);

  private record Extension(String sls, Map<?, ?> body) {}

  private record SlsFile(String relative, String text) {}

  private final RunContext context;
  private final SlsFiles files;
  private final Map<String, IdDecl> high = new LinkedHashMap<>();
  private final List<String> errors = new ArrayList<>();
  private final Set<String> rendered = new HashSet<>();
  private final List<Extension> extensions = new ArrayList<>();
  private final List<Object> excludes = new ArrayList<>();
  private long autoOrder = 10_000;

  HighCompiler(RunContext context, SlsFiles files) {
    this.context = context;
    this.files = files;
  }

  /**
   * The high data of {@code mods} and everything they include.
   *
   * @throws CompileException with every error found (an SLS missing, a render error, a bad shape)
   */
  Map<String, IdDecl> compile(List<String> mods) throws CompileException, InterruptedException {
    for (String mod : mods) {
      render(mod, null);
    }
    extensions.forEach(this::extend);
    excludes.forEach(this::exclude);
    if (!errors.isEmpty()) {
      throw new CompileException(errors);
    }
    return high;
  }

  /** Salt's name for an SLS in messages. */
  static String where(String sls) {
    return ENV + ":" + sls;
  }

  /** Whether a name could be an SLS: dotted words, no path characters. */
  static boolean validName(String name) {
    return SLS_NAME.matcher(name).matches();
  }

  private void render(String sls, String includedBy) throws InterruptedException {
    if (rendered.contains(sls)) {
      return;
    }
    if (!validName(sls)) {
      errors.add("'" + OneLine.of(sls) + "' is not a valid SLS name");
      return;
    }
    if (rendered.size() >= MAX_SLS_FILES) {
      errors.add("more than " + MAX_SLS_FILES + " SLS files to render; stopped at " + sls);
      return;
    }
    rendered.add(sls);
    Optional<SlsFile> file;
    try {
      file = find(sls);
    } catch (IOException e) {
      errors.add("Rendering SLS '" + where(sls) + "' failed: " + OneLine.of(e.getMessage()));
      return;
    }
    if (file.isEmpty()) {
      errors.add(
          includedBy == null
              ? "No matching sls found for '" + sls + "' in env '" + ENV + "'"
              : "Specified SLS " + sls + " in saltenv " + ENV + " is not available on the salt"
                  + " master or through a configured fileserver");
      return;
    }
    Object doc;
    try {
      doc =
          context
              .renderer()
              .render(
                  "salt://" + file.get().relative(),
                  file.get().text(),
                  context.templateVars(slsVars(sls, file.get().relative())),
                  files);
    } catch (RenderException e) {
      errors.add("Rendering SLS '" + where(sls) + "' failed: " + e.getMessage());
      return;
    }
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted while rendering " + sls);
    }
    if (!(doc instanceof Map<?, ?> map)) {
      errors.add("SLS " + where(sls) + " does not render to a dictionary");
      return;
    }
    List<String> includes = new ArrayList<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      switch (key) {
        case "include" -> includes.addAll(includes(sls, file.get().relative(), e.getValue()));
        case "extend" -> {
          if (e.getValue() instanceof Map<?, ?> body) {
            extensions.add(new Extension(sls, body));
          } else {
            errors.add("Extension value in SLS '" + sls + "' is not a dictionary");
          }
        }
        case "exclude" -> {
          if (e.getValue() instanceof List<?> list) {
            excludes.addAll(list);
          } else {
            errors.add("Exclude Declaration in SLS " + sls + " is not formed as a list");
          }
        }
        default -> addId(sls, key, e.getValue());
      }
    }
    for (String include : includes) {
      render(include, sls);
    }
  }

  private Optional<SlsFile> find(String sls) throws IOException, InterruptedException {
    String path = sls.replace('.', '/');
    for (String relative : List.of(path + ".sls", path + "/init.sls")) {
      Optional<String> text = files.text(relative);
      if (text.isPresent()) {
        return Optional.of(new SlsFile(relative, text.get()));
      }
    }
    return Optional.empty();
  }

  /** Salt's variables for the SLS being rendered: sls, slspath, tpldir, tplfile. */
  private static Map<String, Object> slsVars(String sls, String relative) {
    int slash = relative.lastIndexOf('/');
    String dir = slash < 0 ? "" : relative.substring(0, slash);
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("sls", sls);
    vars.put("slspath", dir);
    vars.put("slsdotpath", dir.replace('/', '.'));
    vars.put("tpldir", dir.isEmpty() ? "." : dir);
    vars.put("tplfile", relative);
    return vars;
  }

  /** The include list, relative names ({@code .ssl}, {@code ..common}) resolved. */
  private List<String> includes(String sls, String relative, Object value) {
    List<String> names = new ArrayList<>();
    if (!(value instanceof List<?> list)) {
      errors.add("Include Declaration in SLS " + where(sls) + " is not formed as a list");
      return names;
    }
    // A relative include is relative to the SLS's package: web for web.nginx, web.nginx for
    // web/nginx/init.sls.
    List<String> base = new ArrayList<>(List.of(sls.split("\\.")));
    if (!relative.endsWith("/init.sls")) {
      base.remove(base.size() - 1);
    }
    for (Object item : list) {
      if (!(item instanceof String name)) {
        errors.add(
            "Include Declaration in SLS " + where(sls) + " names something other than an SLS: "
                + OneLine.of(String.valueOf(item)));
        continue;
      }
      if (!name.startsWith(".")) {
        names.add(name);
        continue;
      }
      int dots = 0;
      while (dots < name.length() && name.charAt(dots) == '.') {
        dots++;
      }
      int keep = base.size() - (dots - 1);
      if (keep < 0) {
        errors.add("Attempted relative include of '" + name + "' within SLS '" + where(sls)
            + "' goes beyond top level package");
        continue;
      }
      List<String> parts = new ArrayList<>(base.subList(0, keep));
      if (dots < name.length()) {
        parts.add(name.substring(dots));
      }
      names.add(String.join(".", parts));
    }
    return names;
  }

  private void addId(String sls, String id, Object body) {
    if (id.startsWith("__")) {
      errors.add("ID '" + OneLine.of(id) + "' in SLS '" + where(sls)
          + "' starts with __, which Salt keeps for itself");
      return;
    }
    if (body instanceof String shortState && shortState.indexOf('.') > 0) {
      // Salt's short state: "vim: pkg.installed".
      body = Map.of(shortState, List.of());
    }
    if (!(body instanceof Map<?, ?> map)) {
      errors.add("ID " + OneLine.of(id) + " in SLS " + sls + " is not a dictionary");
      return;
    }
    IdDecl existing = high.get(id);
    if (existing != null) {
      errors.add(
          "Detected conflicting IDs, SLS IDs need to be globally unique. The conflicting ID is '"
              + OneLine.of(id) + "' and is found in SLS '" + where(existing.sls) + "' and SLS '"
              + where(sls) + "'");
      return;
    }
    IdDecl decl = new IdDecl(id, sls);
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (key.startsWith("__")) {
        continue;
      }
      addState(decl, key, e.getValue(), false);
    }
    if (decl.states.isEmpty()) {
      errors.add("ID '" + OneLine.of(id) + "' in SLS '" + where(sls) + "' declares no state");
      return;
    }
    high.put(id, decl);
  }

  /**
   * One {@code module.fun: [args]} or {@code module: [fun, args]} of an id; with {@code
   * extending}, merged into the state already there (requisite lists appended, other arguments
   * replaced, as Salt's extend).
   */
  private void addState(IdDecl decl, String key, Object value, boolean extending) {
    String module = key;
    String fun = null;
    int dot = key.indexOf('.');
    if (dot > 0) {
      module = key.substring(0, dot);
      fun = key.substring(dot + 1);
    }
    List<?> args;
    if (value == null) {
      args = List.of();
    } else if (value instanceof List<?> list) {
      args = list;
    } else if (value instanceof String s && fun == null) {
      args = List.of(s);
    } else {
      errors.add("State '" + OneLine.of(decl.id) + "' in SLS '" + decl.sls
          + "' is not formed as a list");
      return;
    }
    StateDecl state = decl.states.get(module);
    if (state != null && !extending) {
      errors.add("ID '" + OneLine.of(decl.id) + "' in SLS '" + decl.sls
          + "' contains multiple state declarations of the same type");
      return;
    }
    if (state == null) {
      state = new StateDecl(module, autoOrder++);
      decl.states.put(module, state);
    }
    if (fun != null) {
      state.fun = fun;
    }
    for (Object arg : args) {
      if (arg instanceof String name) {
        if (state.fun != null && !extending && !state.fun.equals(name)) {
          errors.add("Too many functions declared in state '" + module + "' in SLS '" + decl.sls
              + "'");
          return;
        }
        state.fun = name;
      } else if (arg instanceof Map<?, ?> map && map.size() == 1) {
        Map.Entry<?, ?> only = map.entrySet().iterator().next();
        String argName = String.valueOf(only.getKey());
        Object argValue = only.getValue();
        Object before = state.args.get(argName);
        if (extending && EXTENDING_LISTS.contains(argName) && before instanceof List<?> old) {
          List<Object> joined = new ArrayList<>(old);
          if (argValue instanceof List<?> more) {
            joined.addAll(more);
          } else {
            joined.add(argValue);
          }
          argValue = joined;
        }
        state.args.put(argName, argValue);
      } else {
        errors.add("State '" + OneLine.of(decl.id) + "' in SLS '" + decl.sls
            + "' has an argument that is not a single key: " + OneLine.of(String.valueOf(arg)));
      }
    }
    if (state.fun == null) {
      errors.add("No function declared in state '" + module + "' in SLS '" + decl.sls + "'");
    }
  }

  private void extend(Extension extension) {
    for (Map.Entry<?, ?> e : extension.body().entrySet()) {
      String id = String.valueOf(e.getKey());
      IdDecl decl = high.get(id);
      if (decl == null) {
        // Salt finds an id by its name argument too.
        decl = high.values().stream()
            .filter(d -> d.states.values().stream().anyMatch(s -> id.equals(s.args.get("name"))))
            .findFirst()
            .orElse(null);
      }
      if (decl == null) {
        errors.add("Cannot extend ID '" + OneLine.of(id) + "' in '" + where(extension.sls())
            + "'. It is not part of the high state.");
        continue;
      }
      if (!(e.getValue() instanceof Map<?, ?> states)) {
        errors.add("Extension of ID '" + OneLine.of(id) + "' in SLS '" + extension.sls()
            + "' is not a dictionary");
        continue;
      }
      for (Map.Entry<?, ?> s : states.entrySet()) {
        String key = String.valueOf(s.getKey());
        if (!key.startsWith("__")) {
          addState(decl, key, s.getValue(), true);
        }
      }
    }
  }

  private void exclude(Object item) {
    if (item instanceof Map<?, ?> map && map.size() == 1) {
      Map.Entry<?, ?> e = map.entrySet().iterator().next();
      String what = String.valueOf(e.getValue());
      switch (String.valueOf(e.getKey())) {
        case "sls" -> high.values().removeIf(d -> d.sls.equals(what));
        case "id" -> high.remove(what);
        default -> errors.add("Exclude Declaration names neither an sls nor an id: " + map);
      }
    } else if (item instanceof String sls) {
      high.values().removeIf(d -> d.sls.equals(sls));
    } else {
      errors.add("Exclude Declaration names neither an sls nor an id: " + item);
    }
  }
}
