package io.brine.minion.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.minion.functions.builtin.TestEcho;
import io.brine.minion.functions.builtin.TestPing;
import org.junit.jupiter.api.Test;

class FunctionRegistryTest {
  @Test
  void builtIn_hasEveryFunctionOfTheBrief() {
    FunctionRegistry r = FunctionRegistry.builtIn();

    assertThat(r.names())
        .containsExactly(
            "cmd.retcode",
            "cmd.run",
            "cmd.run_all",
            "cmd.script",
            "cp.get_file",
            "cp.recv",
            "disk.usage",
            "file.append",
            "file.chmod",
            "file.chown",
            "file.exists",
            "file.get_hash",
            "file.hash",
            "file.mkdir",
            "file.read",
            "file.remove",
            "file.replace",
            "file.stat",
            "file.stats",
            "file.write",
            "grains.get",
            "grains.item",
            "grains.items",
            "grains.setval",
            "group.add",
            "group.info",
            "network.connect",
            "network.ip_addrs",
            "network.ping",
            "pillar.get",
            "pillar.item",
            "pillar.items",
            "pillar.raw",
            "pkg.install",
            "pkg.latest_version",
            "pkg.list_pkgs",
            "pkg.remove",
            "pkg.version",
            "saltutil.find_job",
            "saltutil.kill_job",
            "saltutil.refresh_pillar",
            "saltutil.running",
            "saltutil.signal_job",
            "saltutil.term_job",
            "service.disable",
            "service.enable",
            "service.restart",
            "service.start",
            "service.status",
            "service.stop",
            "state.apply",
            "state.highstate",
            "state.show_highstate",
            "state.show_lowstate",
            "state.show_sls",
            "state.show_top",
            "state.single",
            "state.sls",
            "status.loadavg",
            "status.meminfo",
            "status.uptime",
            "sys.doc",
            "sys.list_functions",
            "test.arg",
            "test.echo",
            "test.exception",
            "test.ping",
            "test.rand_str",
            "test.random_hash",
            "test.sleep",
            "test.version",
            "user.add",
            "user.delete",
            "user.info",
            "user.list_users");
    for (String name : r.names()) {
      MinionFunction f = r.find(name).orElseThrow();
      assertThat(f.name()).isEqualTo(name);
      assertThat(f.doc()).isNotBlank().doesNotContain("\n");
    }
  }

  @Test
  void find_unknownOrNull_isEmpty() {
    FunctionRegistry r = FunctionRegistry.of(new TestPing());
    assertThat(r.find("test.ping")).isPresent();
    assertThat(r.find("test.echo")).isEmpty();
    assertThat(r.find(null)).isEmpty();
  }

  @Test
  void duplicateNames_areRefused() {
    assertThatThrownBy(() -> FunctionRegistry.of(new TestPing(), new TestEcho(), new TestPing()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("function 'test.ping' is registered twice");
  }

  @Test
  void namesNotModuleDotFunction_areRefused() {
    MinionFunction bad =
        new MinionFunction() {
          @Override
          public String name() {
            return "ping";
          }

          @Override
          public String doc() {
            return "no module";
          }

          @Override
          public FunctionOutput call(FunctionCall call) {
            return FunctionOutput.ok(true);
          }
        };
    assertThatThrownBy(() -> FunctionRegistry.of(bad))
        .hasMessage("function name 'ping' is not of the form module.function");
  }
}
