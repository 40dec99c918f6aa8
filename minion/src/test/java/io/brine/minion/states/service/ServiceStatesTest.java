package io.brine.minion.states.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service states. systemd is not PID 1 in this test container, so the state logic runs
 * through the real state module over a registry whose service functions (and the systemctl lines
 * that go through cmd.run_all) are answered by an in-memory systemd that records every call; and
 * for real, what the states answer on this host without systemd.
 */
class ServiceStatesTest {
  @TempDir Path root;

  /** Units by name: active, enabled; start of a unit in {@code broken} fails. */
  private final Map<String, Boolean> active = new HashMap<>();
  private final Map<String, Boolean> enabled = new HashMap<>();
  private final Set<String> broken = new HashSet<>();
  private final List<String> calls = new ArrayList<>();

  private static final Pattern SYSTEMCTL = Pattern.compile("systemctl (\\S+) -- '([^']+)'");

  private MinionFunction fake(String name, Fn fn) {
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
      public FunctionOutput call(FunctionCall call) throws FunctionException {
        String unit = String.valueOf(call.args().get(0));
        return fn.call(unit, call.kwargs());
      }
    };
  }

  @FunctionalInterface
  private interface Fn {
    FunctionOutput call(String unit, Map<String, Object> kwargs) throws FunctionException;
  }

  private FunctionOutput act(String action, String unit, boolean ok) {
    calls.add(action + " " + unit);
    return ok ? FunctionOutput.ok(true) : new FunctionOutput(false, 1);
  }

  private FunctionRegistry registry() {
    AtomicReference<FunctionRegistry> self = new AtomicReference<>();
    List<MinionFunction> fns = new ArrayList<>(List.of(
        fake("service.status", (u, k) -> FunctionOutput.ok(active.getOrDefault(u, false))),
        fake("service.start", (u, k) -> {
          boolean ok = !broken.contains(u);
          if (ok) {
            active.put(u, true);
          }
          return act("start" + (k.isEmpty() ? "" : " " + k), u, ok);
        }),
        fake("service.stop", (u, k) -> {
          active.put(u, false);
          return act("stop", u, true);
        }),
        fake("service.restart", (u, k) -> act("restart", u, true)),
        fake("service.enable", (u, k) -> {
          enabled.put(u, true);
          return act("enable", u, true);
        }),
        fake("service.disable", (u, k) -> {
          enabled.put(u, false);
          return act("disable", u, true);
        }),
        fake("cmd.run_all", (line, k) -> {
          Matcher m = SYSTEMCTL.matcher(line);
          if (!m.matches()) {
            throw new FunctionException("unexpected command: " + line);
          }
          String verb = m.group(1);
          String unit = m.group(2);
          boolean ok = switch (verb) {
            case "is-enabled" -> enabled.getOrDefault(unit, false);
            case "reload" -> {
              calls.add("reload " + unit);
              yield true;
            }
            default -> throw new FunctionException("unexpected verb: " + verb);
          };
          Map<String, Object> ret = new LinkedHashMap<>();
          ret.put("pid", 1);
          ret.put("retcode", ok ? 0 : 1);
          ret.put("stdout", "");
          ret.put("stderr", "");
          return new FunctionOutput(ret, ok ? 0 : 1);
        })));
    fns.addAll(StateModule.all(new StateEngine(self::get, new Grains(), StateFunctions.builtIn())));
    FunctionRegistry r = FunctionRegistry.of(fns.toArray(new MinionFunction[0]));
    self.set(r);
    return r;
  }

  private Map<String, Map<String, Object>> apply(String sls, Object... kwargs) throws Exception {
    Files.writeString(root.resolve("s.sls"), sls);
    Map<String, Object> kw = new LinkedHashMap<>();
    for (int i = 0; i < kwargs.length; i += 2) {
      kw.put((String) kwargs[i], kwargs[i + 1]);
    }
    FunctionOutput out = registry().find("state.apply").orElseThrow()
        .call(new FunctionCall(List.of("s"), kw, new TestContext(root)));
    return StateRuns.byId(out);
  }

  private static final String NGINX = """
      nginx:
        service.running:
          - enable: true
      """;

  @Test
  void running_startsAndEnables_once_andTestModeDoesNothing() throws Exception {
    Map<String, Object> would = apply(NGINX, "test", true).get("nginx");
    assertThat(would.get("result")).isNull();
    assertThat(would.get("comment")).isEqualTo("Service nginx is set to start");
    assertThat(calls).isEmpty();

    Map<String, Object> r = apply(NGINX).get("nginx");
    assertThat(r.get("result")).isEqualTo(true);
    assertThat(r.get("comment")).isEqualTo("Service nginx has been enabled, and is running");
    assertThat(r.get("changes")).isEqualTo(Map.of("nginx", true));
    assertThat(calls).containsExactly("start nginx", "enable nginx");

    Map<String, Object> again = apply(NGINX).get("nginx");
    assertThat(again.get("result")).isEqualTo(true);
    assertThat(again.get("comment")).isEqualTo("The service nginx is already running");
    assertThat(again.get("changes")).isEqualTo(Map.of());
    assertThat(calls).hasSize(2);
  }

  @Test
  void running_ofARunningServiceNotEnabled_onlyEnablesIt() throws Exception {
    active.put("nginx", true);

    Map<String, Object> would = apply(NGINX, "test", true).get("nginx");
    assertThat(would.get("result")).isNull();
    assertThat(would.get("comment")).isEqualTo("Service nginx set to be enabled");

    Map<String, Object> r = apply(NGINX).get("nginx");
    assertThat(r.get("comment"))
        .isEqualTo("Service nginx has been enabled, and is in the desired state");
    assertThat(r.get("changes")).isEqualTo(Map.of("nginx", true));
    assertThat(calls).containsExactly("enable nginx");
  }

  @Test
  void aServiceThatFailsToStart_isResultFalse() throws Exception {
    broken.add("nginx");
    Map<String, Object> r = apply("""
        nginx:
          service.running:
            - unmask: true
        """).get("nginx");
    assertThat(r.get("result")).isEqualTo(false);
    assertThat(r.get("comment")).isEqualTo("Service nginx failed to start");
    assertThat(calls).containsExactly("start {unmask=true} nginx");
  }

  @Test
  void watch_restartsARunningService_orReloadsIt_andNotWhenNothingChanged() throws Exception {
    active.put("nginx", true);
    active.put("haproxy", true);
    String sls = """
        conf:
          test.succeed_with_changes
        same:
          test.succeed_without_changes
        nginx:
          service.running:
            - watch:
              - test: conf
        haproxy:
          service.running:
            - reload: true
            - watch:
              - test: conf
        quiet:
          service.running:
            - watch:
              - test: same
        """;
    active.put("quiet", true);

    Map<String, Map<String, Object>> r = apply(sls);
    assertThat(r.get("nginx").get("comment")).isEqualTo("Service restarted");
    assertThat(r.get("nginx").get("changes")).isEqualTo(Map.of("nginx", true));
    assertThat(r.get("haproxy").get("comment")).isEqualTo("Service reloaded");
    assertThat(r.get("quiet").get("comment")).isEqualTo("The service quiet is already running");
    assertThat(calls).containsExactly("restart nginx", "reload haproxy");

    calls.clear();
    Map<String, Map<String, Object>> test = apply(sls, "test", true);
    assertThat(test.get("nginx").get("result")).isNull();
    assertThat(test.get("nginx").get("comment")).isEqualTo("Service is set to be restarted");
    assertThat(calls).isEmpty();
  }

  @Test
  void dead_stopsAndDisables_andEnabledDisabled_onlySetBoot() throws Exception {
    active.put("cups", true);
    enabled.put("cups", true);
    String dead = """
        cups:
          service.dead:
            - enable: false
        """;
    Map<String, Object> r = apply(dead).get("cups");
    assertThat(r.get("result")).isEqualTo(true);
    assertThat(r.get("comment")).isEqualTo("Service cups has been disabled, and is dead");
    assertThat(r.get("changes")).isEqualTo(Map.of("cups", true));
    assertThat(calls).containsExactly("stop cups", "disable cups");

    Map<String, Object> again = apply(dead).get("cups");
    assertThat(again.get("comment")).isEqualTo("The service cups is already dead");
    assertThat(again.get("changes")).isEqualTo(Map.of());

    Map<String, Object> on = apply("""
        cups:
          service.enabled
        """).get("cups");
    assertThat(on.get("comment"))
        .isEqualTo("Service cups has been enabled, and is in the desired state");
    assertThat(on.get("changes")).isEqualTo(Map.of("cups", true));
    assertThat(active.get("cups")).isFalse();
    Map<String, Object> stillOn = apply("""
        cups:
          service.enabled
        """).get("cups");
    assertThat(stillOn.get("comment"))
        .isEqualTo("Service cups is already enabled, and is in the desired state");

    Map<String, Object> off = apply("""
        cups:
          service.disabled
        """, "test", true).get("cups");
    assertThat(off.get("result")).isNull();
    assertThat(off.get("comment")).isEqualTo("Service cups set to be disabled");
    assertThat(enabled.get("cups")).isTrue();
  }

  @Test
  void enabledForEnable_isSaltsError() throws Exception {
    Map<String, Object> r = apply("""
        nginx:
          service.running:
            - enabled: true
        """).get("nginx");
    assertThat(r.get("result")).isEqualTo(false);
    assertThat(r.get("comment")).isEqualTo("Service nginx uses non-existent option \"enabled\"."
        + "  Perhaps \"enable\" option was intended?");
  }

  @Test
  void withoutSystemd_eachStateFails_inOneLine() throws Exception {
    assumeFalse(Files.isDirectory(Path.of("/run/systemd/system")), "systemd runs on this host");
    StateRuns runs = new StateRuns(root).file("real.sls", """
        brine-absent-unit:
          service.running
        brine-absent-boot:
          service.enabled
        """);
    Map<String, Map<String, Object>> r = StateRuns.byId(runs.apply("real"));

    assertThat(r.get("brine-absent-unit").get("result")).isEqualTo(false);
    assertThat(r.get("brine-absent-unit").get("comment")).isEqualTo(
        "'service.status' is not available: systemd is not running here (no /run/systemd/system)");
    assertThat(r.get("brine-absent-boot").get("result")).isEqualTo(false);
    assertThat((String) r.get("brine-absent-boot").get("comment"))
        .contains("systemd is not running here").doesNotContain("\n");
  }
}
