package io.brine.minion.functions.builtin.pillar;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.minion.functions.FileFetcher;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionContext;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.FunctionRegistry;
import io.brine.minion.functions.PillarSource;
import io.brine.protocol.MinionId;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** pillar.* and saltutil.refresh_pillar over a pillar source that counts its fetches. */
class PillarFunctionsTest {
  private final AtomicInteger fetches = new AtomicInteger();
  private volatile String failure;
  private final FunctionRegistry registry = FunctionRegistry.builtIn();

  private final PillarSource source =
      refresh -> {
        if (failure != null) {
          throw new IOException(failure);
        }
        if (refresh || fetches.get() == 0) {
          fetches.incrementAndGet();
        }
        return Map.of(
            "db", Map.of("host", "db1", "ports", List.of(5432, 5433)), "role", "web",
            "fetch", fetches.get());
      };

  private final FunctionContext context =
      new FunctionContext() {
        @Override
        public MinionId minionId() {
          return MinionId.of("web1");
        }

        @Override
        public FileFetcher files() {
          return (s, d) -> {
            throw new IOException("no files here");
          };
        }

        @Override
        public PillarSource pillar() {
          return source;
        }
      };

  private FunctionOutput call(String fun, List<Object> args, Map<String, Object> kwargs)
      throws Exception {
    return registry.find(fun).orElseThrow().call(new FunctionCall(args, kwargs, context));
  }

  @Test
  void get_walksColonPaths_listIndexes_andFallsBackToTheDefault() throws Exception {
    assertThat(call("pillar.get", List.of("db:host"), Map.of()).value()).isEqualTo("db1");
    assertThat(call("pillar.get", List.of("db:ports:1"), Map.of()).value()).isEqualTo(5433);
    assertThat(call("pillar.get", List.of("db:nope"), Map.of()).value()).isEqualTo("");
    assertThat(call("pillar.get", List.of("db:nope", "fallback"), Map.of()).value())
        .isEqualTo("fallback");
    assertThat(call("pillar.get", List.of("db.host"), Map.of("delimiter", ".")).value())
        .isEqualTo("db1");
    assertThat(call("pillar.item", List.of("role", "db:host", "x"), Map.of()).value())
        .isEqualTo(Map.of("role", "web", "db:host", "db1", "x", ""));
  }

  @Test
  void itemsAndRefreshFetchAfresh_getReadsTheOneHeld() throws Exception {
    call("pillar.get", List.of("role"), Map.of());
    call("pillar.get", List.of("role"), Map.of());
    assertThat(fetches).hasValue(1);

    assertThat(call("saltutil.refresh_pillar", List.of(), Map.of()).value()).isEqualTo(true);
    assertThat(fetches).hasValue(2);
    @SuppressWarnings("unchecked")
    Map<String, Object> items = (Map<String, Object>) call("pillar.items", List.of(), Map.of())
        .value();
    assertThat(items).containsEntry("role", "web").containsEntry("fetch", 3);
    assertThat(call("pillar.items", List.of("role"), Map.of()).value())
        .isEqualTo(Map.of("role", "web"));
  }

  @Test
  void aPillarTheMasterCannotCompileIsOneErrorLine_retcode1() throws Exception {
    failure = "pillar is unavailable: the master's vault is sealed";
    FunctionOutput out = call("pillar.items", List.of(), Map.of());
    assertThat(out.value()).isEqualTo("ERROR: pillar is unavailable: the master's vault is sealed");
    assertThat(out.retcode()).isEqualTo(1);
    assertThat(call("saltutil.refresh_pillar", List.of(), Map.of()).retcode()).isEqualTo(1);
  }
}
