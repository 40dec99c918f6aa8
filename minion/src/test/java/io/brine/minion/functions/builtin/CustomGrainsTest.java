package io.brine.minion.functions.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.common.config.ConfigException;
import io.brine.minion.config.MinionConfig;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.TestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Salt's custom grains: the config's grains:, the grains file, grains.item and grains.setval. */
class CustomGrainsTest {
  @TempDir Path dir;

  private final TestContext ctx = new TestContext(Path.of("/nonexistent"));

  private MinionConfig config(String extra) throws Exception {
    Path file = dir.resolve("minion.yaml");
    Files.writeString(file, "master: 127.0.0.1\nid: web1\npki_dir: pki\n" + extra);
    return MinionConfig.load(file);
  }

  @Test
  void theConfigsGrains_overTheFile_overTheComputed() throws Exception {
    MinionConfig config =
        config("grains:\n  roles: [web, cache]\n  os: Plan9\n  deep: {a: {b: 1}}\n");
    Files.writeString(dir.resolve("grains"), "os: FromFile\nrack: r7\n");
    Grains grains = new Grains(config.grains(), config.grainsFile());
    Map<String, Object> all = grains.items(config.id());
    assertThat(all)
        .containsEntry("os", "Plan9")
        .containsEntry("rack", "r7")
        .containsEntry("roles", List.of("web", "cache"))
        .containsEntry("deep", Map.of("a", Map.of("b", 1)))
        .containsEntry("id", "web1")
        .containsKey("kernel");
  }

  @Test
  void grainsItem_isSaltsShape() throws Exception {
    MinionConfig config = config("grains:\n  locale_info: {defaultlanguage: en_US}\n");
    GrainsItem item = new GrainsItem(new Grains(config.grains(), config.grainsFile()));
    FunctionOutput out =
        item.call(ctx.call(List.of("locale_info:defaultlanguage", "id", "nope"), Map.of()));
    assertThat(out.value())
        .isEqualTo(Map.of("locale_info:defaultlanguage", "en_US", "id", "web1", "nope", ""));
    assertThat(item.call(ctx.call(List.of("nope"), Map.of("default", "x"))).value())
        .isEqualTo(Map.of("nope", "x"));
  }

  @Test
  void setval_writesTheFile_andTellsTheListeners() throws Exception {
    MinionConfig config = config("grains:\n  fixed: 1\n");
    Files.writeString(dir.resolve("grains"), "rack: r7\n");
    Grains grains = new Grains(config.grains(), config.grainsFile());
    AtomicInteger changes = new AtomicInteger();
    grains.onChange(changes::incrementAndGet);
    GrainsSetval setval = new GrainsSetval(grains);

    FunctionOutput out = setval.call(ctx.call("role", "db"));

    assertThat(out.value()).isEqualTo(Map.of("role", "db"));
    assertThat(changes).hasValue(1);
    assertThat(grains.items(config.id())).containsEntry("role", "db").containsEntry("rack", "r7");
    String file = Files.readString(dir.resolve("grains"), StandardCharsets.UTF_8);
    assertThat(file).contains("role: \"db\"").contains("rack: \"r7\"");
    assertThat(new Grains(config.grains(), config.grainsFile()).items(config.id()))
        .as("read again from the file")
        .containsEntry("role", "db");
    try (var names = Files.list(dir)) {
      assertThat(names.map(p -> p.getFileName().toString()))
          .as("no temporary file left")
          .noneMatch(n -> n.startsWith(".brine-tmp-"));
    }

    assertThatThrownBy(() -> setval.call(ctx.call("fixed", 2)))
        .isInstanceOf(FunctionException.class)
        .hasMessageContaining("set by the minion config's grains:");
    assertThatThrownBy(() -> setval.call(ctx.call("id", "x")))
        .isInstanceOf(FunctionException.class);
    assertThatThrownBy(() -> setval.call(ctx.call("big", "x".repeat(70_000))))
        .isInstanceOf(FunctionException.class)
        .hasMessageContaining("at most 65536");
    assertThat(changes).hasValue(1);
  }

  @Test
  void aBrokenGrainsFile_isIgnored() throws Exception {
    MinionConfig config = config("");
    Files.writeString(dir.resolve("grains"), "- a list\n- not a mapping\n");
    assertThat(new Grains(config.grains(), config.grainsFile()).items(config.id()))
        .containsEntry("id", "web1")
        .doesNotContainKey("a list");
  }

  @Test
  void badConfigGrains_areOneLineErrors() {
    assertThatThrownBy(() -> config("grains: [a, b]\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("grains")
        .hasMessageContaining("expected a mapping");
    assertThatThrownBy(() -> config("grains:\n  id: other\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("set id instead");
  }
}
