package io.brine.minion.functions.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.minion.functions.FunctionRegistry;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.TestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SysDocTest {
  private final TestContext ctx = new TestContext(Path.of("/nonexistent"));
  private final FunctionRegistry registry = FunctionRegistry.builtIn();
  private final MinionFunction doc = registry.find("sys.doc").orElseThrow();

  @SuppressWarnings("unchecked")
  private Map<String, String> call(Object... args) throws Exception {
    return (Map<String, String>) doc.call(ctx.call(args)).value();
  }

  @Test
  void everyFunction_hasItsDoc_sysDocIncluded() throws Exception {
    Map<String, String> all = call();

    assertThat(all.keySet()).containsExactlyElementsOf(registry.names());
    for (String name : registry.names()) {
      assertThat(all.get(name)).as(name).isEqualTo(registry.find(name).orElseThrow().doc());
    }
    assertThat(all.get("sys.doc")).startsWith("Returns {function: doc}");
  }

  @Test
  void aModuleAFunctionOrAGlob_picksAsListFunctionsDoes() throws Exception {
    assertThat(call("status").keySet())
        .containsExactly("status.loadavg", "status.meminfo", "status.uptime");
    assertThat(call("test.ping"))
        .isEqualTo(Map.of("test.ping", "Returns true: the minion is up and answering."));
    assertThat(call("file.re*").keySet())
        .containsExactly("file.read", "file.remove", "file.replace");
    assertThat(call("nosuch")).isEmpty();
    assertThat(List.copyOf(call("sys").keySet())).containsExactly("sys.doc", "sys.list_functions");
  }
}
