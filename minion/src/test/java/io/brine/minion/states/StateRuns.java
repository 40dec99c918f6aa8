package io.brine.minion.states;

import io.brine.minion.functions.FileFetcher;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionContext;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.FunctionRegistry;
import io.brine.minion.functions.PillarSource;
import io.brine.minion.functions.TestContext;
import io.brine.protocol.MinionId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the minion's real state module over a file root in a temp folder (what the master's
 * file_roots would serve), with the minion's built-in functions and grains.
 */
public final class StateRuns {
  private final Path root;
  private final FunctionRegistry registry = FunctionRegistry.builtIn();
  private final FunctionContext context;

  public StateRuns(Path root) {
    this(root, PillarSource.NONE);
  }

  /** A minion whose pillar comes from {@code pillar}. */
  public StateRuns(Path root, PillarSource pillar) {
    this.root = root;
    TestContext files = new TestContext(root);
    this.context =
        new FunctionContext() {
          @Override
          public MinionId minionId() {
            return files.minionId();
          }

          @Override
          public FileFetcher files() {
            return files;
          }

          @Override
          public PillarSource pillar() {
            return pillar;
          }
        };
  }

  /** Writes a file under the root, its folders made. */
  public StateRuns file(String relative, String text) throws IOException {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return this;
  }

  public FunctionOutput call(String fun, List<Object> args, Map<String, Object> kwargs)
      throws Exception {
    return registry.find(fun).orElseThrow().call(new FunctionCall(args, kwargs, context));
  }

  public FunctionOutput apply(String mods, Object... kwargs) throws Exception {
    Map<String, Object> kw = new LinkedHashMap<>();
    for (int i = 0; i < kwargs.length; i += 2) {
      kw.put((String) kwargs[i], kwargs[i + 1]);
    }
    return call("state.apply", mods == null ? List.of() : List.of(mods), kw);
  }

  /** The returns of a run by state id (the last chunk of an id wins), in run order. */
  @SuppressWarnings("unchecked")
  public static Map<String, Map<String, Object>> byId(FunctionOutput out) {
    Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
    ((Map<String, Object>) out.value())
        .values().stream()
            .map(v -> (Map<String, Object>) v)
            .sorted((a, b) -> Integer.compare((int) a.get("__run_num__"), (int) b.get("__run_num__")))
            .forEach(r -> byId.put((String) r.get("__id__"), r));
    return byId;
  }
}
