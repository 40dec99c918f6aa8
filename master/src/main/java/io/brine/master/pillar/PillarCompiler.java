package io.brine.master.pillar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.common.log.LogText;
import io.brine.common.log.RefusalLog;
import io.brine.common.render.RenderException;
import io.brine.common.render.SlsRenderer;
import io.brine.master.audit.AuditBroker;
import io.brine.master.ha.ClusterStatus;
import io.brine.protocol.MinionId;
import io.brine.protocol.job.JobJson;
import io.brine.protocol.job.SessionCall;
import io.brine.vault.Vault;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Salt's pillar compiler, on the master, for one minion at a time: {@code top.sls} of the pillar
 * roots rendered with the minion's grains (those the master holds for it), its targets matched as
 * the state top file's are, then each pillar SLS it gives the minion rendered ({@code a.b} is
 * {@code a/b.sls} or {@code a/b/init.sls}; an {@code include:}d SLS first, the including one merged
 * over it, as Salt does) and merged in the top file's order with {@code
 * pillar_source_merging_strategy}.
 *
 * <p>Templates see Salt's variables: {@code grains}, {@code opts} ({@code {id: <minion>}}), {@code
 * pillar} (empty, as in Salt while pillar renders), {@code saltenv}, {@code sls}, {@code slspath},
 * {@code tpldir}, {@code tplfile}, and {@code vault_secret()} ({@link PillarSecrets}) bound to that
 * minion. A file that fails is one line in the pillar's {@code _errors} (Salt's place, which makes
 * a minion refuse state runs) and one WARN line here; the rest of the pillar is kept. A render
 * that fails after {@code vault_secret()} gave it a secret says where, but not why: the cause may
 * quote the rendered text, and with it the secret.
 *
 * <p>The whole pillar is refused ({@link PillarUnavailableException}) while the vault is sealed
 * and when its JSON would exceed {@link SessionCall#MAX_PILLAR_BYTES}. Thread-safe: each compile
 * is its own.
 */
public final class PillarCompiler {
  private static final Logger log = LoggerFactory.getLogger(PillarCompiler.class);

  static final String ENV = "base";
  static final String TOP = "top.sls";

  /** No pillar renders more SLS files than this: an include loop of generated names stops here. */
  public static final int MAX_SLS_FILES = 1000;

  /** Salt's key for the pillar's errors. */
  public static final String ERRORS = "_errors";

  public static final String SEALED = "pillar is unavailable: the master's vault is sealed";

  private static final Pattern SLS_NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

  private final PillarConfig config;
  private final PillarRoots roots;
  private final PillarSecrets secrets;
  private final SlsRenderer renderer;
  private final RefusalLog unavailable;
  private final RefusalLog renderErrors;

  PillarCompiler(
      PillarConfig config,
      PillarSecrets secrets,
      SlsRenderer renderer,
      RefusalLog unavailable,
      RefusalLog renderErrors) {
    this.config = Objects.requireNonNull(config, "config");
    this.roots = new PillarRoots(config.roots());
    this.secrets = Objects.requireNonNull(secrets, "secrets");
    this.renderer = Objects.requireNonNull(renderer, "renderer");
    this.unavailable = unavailable;
    this.renderErrors = renderErrors;
  }

  /**
   * @param audit where each {@code vault_secret()} read is recorded
   * @param cluster whether this master is its cluster's active one (a standby reads no secret)
   * @param timer where the refusal lines' intervals end
   */
  public static PillarCompiler create(
      PillarConfig config,
      Vault vault,
      AuditBroker audit,
      ClusterStatus cluster,
      ScheduledExecutorService timer) {
    return new PillarCompiler(
        config,
        new PillarSecrets(
            vault,
            config.secretPolicies(),
            audit,
            cluster,
            new RefusalLog(
                LoggerFactory.getLogger(PillarSecrets.class),
                "pillar: vault_secret refused:",
                RefusalLog.DEFAULT_INTERVAL,
                timer)),
        new SlsRenderer(),
        new RefusalLog(log, "pillar refused:", RefusalLog.DEFAULT_INTERVAL, timer),
        new RefusalLog(log, "pillar render error:", RefusalLog.DEFAULT_INTERVAL, timer));
  }

  /**
   * {@code id}'s pillar.
   *
   * @param grains the grains the master holds for it (empty when it has sent none)
   * @throws PillarUnavailableException while the vault is sealed, or when it is too large
   */
  public CompiledPillar compile(MinionId id, Map<String, Object> grains)
      throws PillarUnavailableException {
    if (secrets.vault().sealStatus().sealed()) {
      throw refused(id, SEALED);
    }
    Compile run = new Compile(id, grains);
    Map<String, Object> pillar = run.pillar();
    if (run.reads.foundSealed()) {
      throw refused(id, SEALED);
    }
    if (!run.errors.isEmpty()) {
      pillar.put(ERRORS, List.copyOf(run.errors));
    }
    ObjectNode json = JobJson.MAPPER.valueToTree(pillar);
    int bytes;
    try {
      bytes = JobJson.MAPPER.writeValueAsBytes(json).length;
    } catch (JsonProcessingException e) {
      throw refused(id, "pillar is unavailable: it does not encode as JSON: " + e.getOriginalMessage());
    }
    if (bytes > SessionCall.MAX_PILLAR_BYTES) {
      throw refused(
          id,
          "pillar is unavailable: it takes " + bytes + " bytes of JSON, more than the "
              + SessionCall.MAX_PILLAR_BYTES + " a reply may carry");
    }
    return new CompiledPillar(json, bytes, run.errors);
  }

  private PillarUnavailableException refused(MinionId id, String why) {
    unavailable.refused("minion " + id + ": " + why);
    return new PillarUnavailableException(why);
  }

  /** One compile: its minion, what it rendered, its errors. */
  private final class Compile {
    private final MinionId id;
    private final Map<String, Object> grains;
    private final PillarSecrets.Reads reads;
    private final Object vaultSecret;
    private final Set<String> rendered = new HashSet<>();
    private final List<String> errors = new ArrayList<>();

    Compile(MinionId id, Map<String, Object> grains) {
      this.id = id;
      this.grains = grains;
      this.reads = secrets.reads(id);
      this.vaultSecret = renderer.function("vault_secret", reads);
    }

    Map<String, Object> pillar() {
      Map<String, Object> pillar = new LinkedHashMap<>();
      for (PillarTop.Entry entry : top()) {
        Map<String, Object> state = render(entry.sls(), Map.of(), entry.ignoreMissing(), null);
        if (state != null) {
          config.strategy().merge(pillar, state, config.mergeLists());
        }
      }
      return pillar;
    }

    private List<PillarTop.Entry> top() {
      Optional<PillarRoots.PillarFile> file;
      try {
        file = roots.find(TOP);
      } catch (IOException e) {
        error("Rendering Primary Top file failed: " + e.getMessage());
        return List.of();
      }
      if (file.isEmpty()) {
        return List.of(); // no pillar: an empty one, as in Salt
      }
      Object top;
      try {
        reads.takeHandedOut();
        reads.takeLastFailure();
        top = renderer.render(TOP, file.get().text(), vars(null, TOP, Map.of()), roots);
      } catch (RenderException e) {
        error("Rendering Primary Top file failed: " + withheldIfSecret(TOP, e));
        return List.of();
      }
      List<String> found = new ArrayList<>();
      List<PillarTop.Entry> entries = PillarTop.matches(top, id, grains, found);
      found.forEach(this::error);
      return entries;
    }

    /**
     * The pillar of {@code sls} with its includes merged under it, or null when it gives none
     * (already rendered, missing, failed).
     */
    private Map<String, Object> render(
        String sls, Map<String, Object> defaults, boolean ignoreMissing, String includedBy) {
      if (!SLS_NAME.matcher(sls).matches()) {
        error("'" + LogText.escape(sls, 200) + "' is not a valid SLS name");
        return null;
      }
      if (!rendered.add(sls)) {
        return null;
      }
      if (rendered.size() > MAX_SLS_FILES) {
        error("more than " + MAX_SLS_FILES + " pillar SLS files to render; stopped at " + sls);
        return null;
      }
      Optional<PillarRoots.PillarFile> file;
      try {
        file = find(sls);
      } catch (IOException e) {
        error("Rendering SLS '" + where(sls) + "' failed: " + e.getMessage());
        return null;
      }
      if (file.isEmpty()) {
        if (!ignoreMissing) {
          error(
              "Specified SLS '" + sls + "' in environment '" + ENV + "' is not available on the"
                  + " salt master" + (includedBy == null ? "" : " (included by '" + includedBy
                      + "')"));
        }
        return null;
      }
      String relative = file.get().relative();
      Object doc;
      try {
        reads.takeHandedOut();
        reads.takeLastFailure();
        doc = renderer.render(relative, file.get().text(), vars(sls, relative, defaults), roots);
      } catch (RenderException e) {
        error("Rendering SLS '" + where(sls) + "' failed: " + withheldIfSecret(relative, e));
        return null;
      }
      if (!(doc instanceof Map<?, ?> map)) {
        error("SLS '" + where(sls) + "' does not render to a dictionary");
        return null;
      }
      Map<String, Object> own = new LinkedHashMap<>();
      map.forEach((k, v) -> own.put(String.valueOf(k), v));
      Object include = own.remove("include");
      if (include == null) {
        return own;
      }
      if (!(include instanceof List<?> list)) {
        error("Include Declaration in SLS '" + where(sls) + "' is not formed as a list");
        return own;
      }
      Map<String, Object> state = new LinkedHashMap<>();
      for (Object item : list) {
        Map<String, Object> included = include(sls, relative, item);
        if (included != null) {
          config.strategy().merge(state, included, config.mergeLists());
        }
      }
      // Salt: the included SLS first, the including one merged over them.
      config.strategy().merge(state, own, config.mergeLists());
      return state;
    }

    /**
     * One {@code include:} item: a name ({@code common}, {@code .sibling}), or Salt's {@code
     * {name: {key: 'a:b', defaults: {...}}}}, which nests the included pillar under {@code a: b:}
     * and gives its template {@code defaults} as variables.
     */
    private Map<String, Object> include(String sls, String relative, Object item) {
      String name;
      String key = null;
      Map<String, Object> defaults = Map.of();
      if (item instanceof String s) {
        name = s;
      } else if (item instanceof Map<?, ?> m && m.size() == 1) {
        Map.Entry<?, ?> only = m.entrySet().iterator().next();
        name = String.valueOf(only.getKey());
        if (only.getValue() instanceof Map<?, ?> options) {
          if (options.get("key") instanceof String k) {
            key = k;
          }
          if (options.get("defaults") instanceof Map<?, ?> d) {
            Map<String, Object> vars = new LinkedHashMap<>();
            d.forEach((k, v) -> vars.put(String.valueOf(k), v));
            defaults = vars;
          }
        }
      } else {
        error("Include Declaration in SLS '" + where(sls) + "' names something other than an"
            + " SLS: " + LogText.escape(String.valueOf(item), 200));
        return null;
      }
      String resolved = relativeTo(sls, relative, name);
      if (resolved == null) {
        error("Attempted relative include of '" + LogText.escape(name, 200) + "' within SLS '"
            + where(sls) + "' goes beyond top level package");
        return null;
      }
      Map<String, Object> included = render(resolved, defaults, false, sls);
      if (included == null || key == null) {
        return included;
      }
      Map<String, Object> nested = included;
      String[] fragments = key.split(":");
      for (int i = fragments.length - 1; i >= 0; i--) {
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put(fragments[i], nested);
        nested = outer;
      }
      return nested;
    }

    private Optional<PillarRoots.PillarFile> find(String sls) throws IOException {
      String path = sls.replace('.', '/');
      Optional<PillarRoots.PillarFile> file = roots.find(path + ".sls");
      return file.isPresent() ? file : roots.find(path + "/init.sls");
    }

    private Map<String, Object> vars(String sls, String relative, Map<String, Object> defaults) {
      Map<String, Object> vars = new LinkedHashMap<>(defaults);
      vars.put("grains", grains);
      Map<String, Object> opts = new LinkedHashMap<>();
      opts.put("id", id.value());
      vars.put("opts", opts);
      vars.put("pillar", new LinkedHashMap<String, Object>());
      vars.put("saltenv", ENV);
      if (sls != null) {
        int slash = relative.lastIndexOf('/');
        String dir = slash < 0 ? "" : relative.substring(0, slash);
        vars.put("sls", sls);
        vars.put("slspath", dir);
        vars.put("slsdotpath", dir.replace('/', '.'));
        vars.put("tpldir", dir.isEmpty() ? "." : dir);
        vars.put("tplfile", relative);
      }
      vars.put("vault_secret", vaultSecret);
      return vars;
    }

    /**
     * The render's error, unless the render had a secret when it failed: then only which file
     * and that the cause is withheld. The function's own refusal (no secret in it) is shown.
     */
    private String withheldIfSecret(String relative, RenderException e) {
      String own = reads.takeLastFailure();
      boolean hadSecret = reads.takeHandedOut();
      if (own != null && e.getMessage().endsWith(own)) {
        return e.getMessage();
      }
      if (hadSecret) {
        return relative + ": the cause is withheld, since the text it rendered holds a vault"
            + " secret (render it without vault_secret() to see the error)";
      }
      return e.getMessage();
    }

    private void error(String line) {
      errors.add(line);
      renderErrors.refused("minion " + id + ": " + LogText.escape(line));
    }
  }

  private static String where(String sls) {
    return ENV + ":" + sls;
  }

  /** A relative include ({@code .ssl}, {@code ..common}) resolved against its SLS's package. */
  private static String relativeTo(String sls, String relative, String name) {
    if (!name.startsWith(".")) {
      return name;
    }
    List<String> base = new ArrayList<>(List.of(sls.split("\\.")));
    if (!relative.endsWith("/init.sls")) {
      base.remove(base.size() - 1);
    }
    int dots = 0;
    while (dots < name.length() && name.charAt(dots) == '.') {
      dots++;
    }
    int keep = base.size() - (dots - 1);
    if (keep < 0) {
      return null;
    }
    List<String> parts = new ArrayList<>(base.subList(0, keep));
    if (dots < name.length()) {
      parts.add(name.substring(dots));
    }
    return String.join(".", parts);
  }
}
