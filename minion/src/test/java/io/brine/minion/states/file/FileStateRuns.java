package io.brine.minion.states.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.states.StateRuns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A file root ("srv", what the master serves as salt://) and a folder the states manage ("out"),
 * and the real state.apply over an SLS written for the test.
 */
final class FileStateRuns {
  final Path srv;
  final Path out;
  final StateRuns runs;

  FileStateRuns(Path tmp) throws IOException {
    srv = Files.createDirectories(tmp.resolve("srv"));
    out = Files.createDirectories(tmp.resolve("out"));
    runs = new StateRuns(srv);
  }

  /** Runs the SLS ({@code %s} is the out folder) and returns its one state's return. */
  Map<String, Object> one(String sls, Object... kwargs) throws Exception {
    Map<String, Map<String, Object>> all = all(sls, kwargs);
    assertThat(all).hasSize(1);
    return all.values().iterator().next();
  }

  Map<String, Map<String, Object>> all(String sls, Object... kwargs) throws Exception {
    runs.file("t.sls", sls.replace("%s", out.toString()));
    FunctionOutput result = runs.apply("t", kwargs);
    assertThat(result.value()).as("state.apply returned %s", result.value())
        .isInstanceOf(Map.class);
    return StateRuns.byId(result);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> changes(Map<String, Object> ret) {
    return (Map<String, Object>) ret.get("changes");
  }

  static String mode(Path p) throws IOException {
    return Perms.like(attrs(p)).mode;
  }

  static PosixFileAttributes attrs(Path p) throws IOException {
    return Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }

  /** No temp file of a write is left in the folder. */
  static void noTempFiles(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith(".brine-tmp-"));
    }
  }
}
