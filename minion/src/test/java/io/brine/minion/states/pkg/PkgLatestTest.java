package io.brine.minion.states.pkg;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.FunctionRegistry;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.TestContext;
import io.brine.minion.functions.builtin.Grains;
import io.brine.minion.states.StateEngine;
import io.brine.minion.states.StateFunctions;
import io.brine.minion.states.StateModule;
import io.brine.minion.states.StateRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pkg.latest's upgrade path, which needs a repository with a newer version than the one installed:
 * the real state module over a registry whose pkg functions are an in-memory package database and
 * repository that record what was installed (no mirror is reachable from a test).
 */
class PkgLatestTest {
  @TempDir Path root;

  private final Map<String, String> installed = new TreeMap<>();
  private final Map<String, String> repository = new TreeMap<>();
  private final List<Object> installs = new ArrayList<>();

  private MinionFunction fake(String name, Function<FunctionCall, FunctionOutput> fn) {
    return new MinionFunction() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String doc() {
        return "in-memory " + name;
      }

      @Override
      public FunctionOutput call(FunctionCall call) {
        return fn.apply(call);
      }
    };
  }

  /** pkg.version and pkg.latest_version: one name a string, several a map. */
  private FunctionOutput versions(FunctionCall call, Function<String, String> of) {
    Map<String, Object> ret = new LinkedHashMap<>();
    call.args().forEach(n -> ret.put((String) n, of.apply((String) n)));
    return FunctionOutput.ok(ret.size() == 1 ? ret.values().iterator().next() : ret);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Map<String, Object>> apply(String sls, Object... kwargs) throws Exception {
    AtomicReference<FunctionRegistry> self = new AtomicReference<>();
    List<MinionFunction> fns = new ArrayList<>(List.of(
        fake("pkg.version", c -> versions(c, n -> installed.getOrDefault(n, ""))),
        fake("pkg.latest_version", c -> versions(c, n -> {
          String v = repository.getOrDefault(n, "");
          return v.equals(installed.get(n)) ? "" : v;
        })),
        fake("pkg.list_pkgs", c -> {
          Map<String, Object> ret = new TreeMap<>();
          installed.forEach((n, v) -> ret.put(n, List.of(v)));
          return FunctionOutput.ok(ret);
        }),
        fake("pkg.install", c -> {
          installs.add(c.kwargs().get("pkgs"));
          Map<String, Object> changes = new TreeMap<>();
          for (Object item : (List<Object>) c.kwargs().get("pkgs")) {
            Map.Entry<String, String> e =
                ((Map<String, String>) item).entrySet().iterator().next();
            changes.put(e.getKey(),
                Map.of("old", installed.getOrDefault(e.getKey(), ""), "new", e.getValue()));
            installed.put(e.getKey(), e.getValue());
          }
          return FunctionOutput.ok(changes);
        })));
    fns.addAll(StateModule.all(new StateEngine(self::get, new Grains(), StateFunctions.builtIn())));
    FunctionRegistry r = FunctionRegistry.of(fns.toArray(new MinionFunction[0]));
    self.set(r);
    Files.writeString(root.resolve("l.sls"), sls);
    Map<String, Object> kw = new LinkedHashMap<>();
    for (int i = 0; i < kwargs.length; i += 2) {
      kw.put((String) kwargs[i], kwargs[i + 1]);
    }
    return StateRuns.byId(r.find("state.apply").orElseThrow()
        .call(new FunctionCall(List.of("l"), kw, new TestContext(root))));
  }

  private static final String LATEST = """
      web:
        pkg.latest:
          - pkgs: [nginx, curl, jq]
      """;

  @Test
  void latest_upgradesWhatIsOlder_installsWhatIsMissing_andLeavesTheRest() throws Exception {
    installed.put("nginx", "1.0");
    installed.put("curl", "8.0");
    repository.put("nginx", "1.2");
    repository.put("curl", "8.0");
    repository.put("jq", "1.6");

    Map<String, Object> would = apply(LATEST, "test", true).get("web");
    assertThat(would.get("result")).isNull();
    assertThat(would.get("comment")).isEqualTo("The following packages would be"
        + " installed/upgraded: jq, nginx The following packages are already up-to-date: curl");
    assertThat(would.get("changes")).isEqualTo(Map.of(
        "jq", Map.of("new", "1.6", "old", ""), "nginx", Map.of("new", "1.2", "old", "1.0")));
    assertThat(installs).isEmpty();

    Map<String, Object> r = apply(LATEST).get("web");
    assertThat(r.get("result")).isEqualTo(true);
    assertThat(r.get("comment")).isEqualTo("The following packages were successfully"
        + " installed/upgraded: jq, nginx The following packages are already up-to-date: curl");
    assertThat(r.get("changes")).isEqualTo(Map.of(
        "jq", Map.of("old", "", "new", "1.6"), "nginx", Map.of("old", "1.0", "new", "1.2")));
    assertThat(installs).containsExactly(List.of(Map.of("jq", "1.6"), Map.of("nginx", "1.2")));

    Map<String, Object> again = apply(LATEST).get("web");
    assertThat(again.get("comment")).isEqualTo("All packages are up-to-date (curl, jq, nginx).");
    assertThat(again.get("changes")).isEqualTo(Map.of());
    assertThat(installs).hasSize(1);
  }
}
