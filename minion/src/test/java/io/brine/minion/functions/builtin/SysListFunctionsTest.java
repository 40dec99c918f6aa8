package io.brine.minion.functions.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.minion.functions.FunctionRegistry;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.TestContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SysListFunctionsTest {
  private final TestContext ctx = new TestContext(Path.of("/nonexistent"));
  private final FunctionRegistry registry = FunctionRegistry.builtIn();
  private final MinionFunction list = registry.find("sys.list_functions").orElseThrow();

  private Object call(Object... args) throws Exception {
    return list.call(ctx.call(args)).value();
  }

  @Test
  void listsEveryFunction_sorted() throws Exception {
    assertThat(call()).isEqualTo(List.copyOf(registry.names()));
  }

  @Test
  void aModuleName_listsThatModuleOnly() throws Exception {
    assertThat(call("test"))
        .isEqualTo(
            List.of(
                "test.arg",
                "test.echo",
                "test.exception",
                "test.ping",
                "test.rand_str",
                "test.random_hash",
                "test.sleep",
                "test.version"));
    assertThat(call("tes")).as("a module name, not a prefix").isEqualTo(List.of());
    assertThat(call("cmd", "sys"))
        .isEqualTo(
            List.of(
                "cmd.retcode",
                "cmd.run",
                "cmd.run_all",
                "cmd.script",
                "sys.doc",
                "sys.list_functions"));
  }

  @Test
  void globs_match() throws Exception {
    assertThat(call("cmd.run*")).isEqualTo(List.of("cmd.run", "cmd.run_all"));
    assertThat(call("*.get")).isEqualTo(List.of("grains.get", "pillar.get"));
    assertThat(call("*.get_*")).isEqualTo(List.of("cp.get_file", "file.get_hash"));
    assertThat(call("grains.item?")).isEqualTo(List.of("grains.items"));
  }
}
