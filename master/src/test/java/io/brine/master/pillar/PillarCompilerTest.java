package io.brine.master.pillar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.protocol.MinionId;
import io.brine.protocol.job.JobJson;
import io.brine.protocol.job.SessionCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pillar of one minion from real files: top matching, includes, merging, errors, bounds. */
class PillarCompilerTest {
  private static final MinionId WEB1 = MinionId.of("web1");
  private static final MinionId DB1 = MinionId.of("db1");
  private static final Map<String, Object> WEB_GRAINS = Map.of("os", "Debian", "role", "web");
  private static final Map<String, Object> DB_GRAINS = Map.of("os", "RedHat", "role", "db");

  @TempDir Path dir;

  private PillarFixture f;

  @BeforeEach
  void open() throws Exception {
    f = new PillarFixture(dir);
  }

  @AfterEach
  void close() {
    f.close();
  }

  private JsonNode compile(MinionId id, Map<String, Object> grains) throws Exception {
    return f.compiler(MergeStrategy.SMART, Map.of()).compile(id, grains).pillar();
  }

  private static List<String> errors(JsonNode pillar) {
    List<String> lines = new ArrayList<>();
    pillar.path(PillarCompiler.ERRORS).forEach(e -> lines.add(e.asText()));
    return lines;
  }

  @Test
  void theTopFile_matchesByGlobGrainListAndCompound_asTheStateTopDoes() throws Exception {
    f.file(
            "top.sls",
            "base:\n"
                + "  '*':\n"
                + "    - common\n"
                + "  'web*':\n"
                + "    - web\n"
                + "  'os:Debian':\n"
                + "    - match: grain\n"
                + "    - debian\n"
                + "  'db1,web1':\n"
                + "    - match: list\n"
                + "    - listed\n"
                + "  'G@role:db and not web*':\n"
                + "    - match: compound\n"
                + "    - dbrole\n"
                + "  '{{ grains.role }}?':\n"
                + "    - byrole\n")
        .file("common.sls", "common: true\n")
        .file("web/init.sls", "web: true\n")
        .file("debian.sls", "debian: true\n")
        .file("listed.sls", "listed: true\n")
        .file("dbrole.sls", "dbrole: true\n")
        .file("byrole.sls", "byrole: {{ opts['id'] }}\n");

    JsonNode web = compile(WEB1, WEB_GRAINS);
    assertThat(errors(web)).isEmpty();
    assertThat(web.fieldNames()).toIterable()
        .containsExactly("common", "web", "debian", "listed", "byrole");
    assertThat(web.path("byrole").asText()).isEqualTo("web1");

    JsonNode db = compile(DB1, DB_GRAINS);
    assertThat(db.fieldNames()).toIterable()
        .containsExactly("common", "listed", "dbrole", "byrole");
    assertThat(compile(MinionId.of("other"), Map.of("role", "none")).fieldNames()).toIterable()
        .containsExactly("common");
  }

  @Test
  void includes_goUnderTheIncludingSls_andTheTopsOrderDecides_withSmartMerging() throws Exception {
    f.file("top.sls", "base:\n  '*':\n    - app\n    - late\n")
        .file(
            "app/init.sls",
            "include:\n"
                + "  - common\n"
                + "  - .extra\n"
                + "  - sub:\n"
                + "      key: 'nested:here'\n"
                + "      defaults:\n"
                + "        color: blue\n"
                + "x:\n"
                + "  from: app\n"
                + "  app: 1\n"
                + "  list: [app]\n")
        .file("common.sls", "x:\n  from: common\n  common: 1\n  list: [common]\n")
        .file("app/extra.sls", "extra: {{ sls }} in {{ slspath }}\n")
        .file("sub.sls", "color: {{ color }}\n")
        .file("late.sls", "x:\n  from: late\n  list: [late]\n");

    JsonNode pillar = compile(WEB1, WEB_GRAINS);

    assertThat(errors(pillar)).isEmpty();
    JsonNode x = pillar.path("x");
    assertThat(x.fieldNames()).toIterable().containsExactly("from", "common", "list", "app");
    assertThat(x.path("from").asText()).isEqualTo("late");
    assertThat(x.path("list").toString()).as("lists are replaced").isEqualTo("[\"late\"]");
    assertThat(pillar.path("extra").asText()).isEqualTo("app.extra in app");
    assertThat(pillar.path("nested").path("here").path("color").asText()).isEqualTo("blue");
  }

  @Test
  void overwrite_replacesATopLevelKeyWhole_andMergeLists_appendsNewItems() throws Exception {
    f.file("top.sls", "base:\n  '*':\n    - a\n    - b\n")
        .file("a.sls", "x:\n  a: 1\n  list: [a, both]\n")
        .file("b.sls", "x:\n  b: 2\n  list: [both, b]\n");

    JsonNode overwritten =
        f.compiler(MergeStrategy.OVERWRITE, Map.of()).compile(WEB1, Map.of()).pillar();
    assertThat(overwritten.path("x").toString()).isEqualTo("{\"b\":2,\"list\":[\"both\",\"b\"]}");

    JsonNode merged =
        f.compiler(MergeStrategy.RECURSE, true, Map.of(), io.brine.master.ha.ClusterStatus.SINGLE)
            .compile(WEB1, Map.of())
            .pillar();
    assertThat(merged.path("x").toString())
        .isEqualTo("{\"a\":1,\"list\":[\"a\",\"both\",\"b\"],\"b\":2}");
  }

  @Test
  void aFileThatFails_isOneLineInErrors_namingTheFileAndLine_andTheRestIsKept() throws Exception {
    f.file("top.sls", "base:\n  '*':\n    - good\n    - bad\n    - nope\n    - notmap\n")
        .file("good.sls", "good: 1\n")
        .file("bad.sls", "a: 1\nb: {{ undefined_thing }}\n")
        .file("notmap.sls", "- just\n- a list\n");

    PillarCompiler compiler = f.compiler(MergeStrategy.SMART, Map.of());
    CompiledPillar compiled = compiler.compile(WEB1, Map.of());

    assertThat(compiled.pillar().path("good").asInt()).isEqualTo(1);
    assertThat(compiled.errors())
        .containsExactly(
            "Rendering SLS 'base:bad' failed: bad.sls: line 2: 'undefined_thing' is undefined",
            "Specified SLS 'nope' in environment 'base' is not available on the salt master",
            "SLS 'base:notmap' does not render to a dictionary");
    assertThat(errors(compiled.pillar())).isEqualTo(compiled.errors());
  }

  @Test
  void aTopFileThatFails_isOneLine_andATargetThatDoesNotParse_too() throws Exception {
    f.file("top.sls", "base:\n  '*':\n    - {{ nothing }}\n");
    assertThat(errors(compile(WEB1, Map.of())))
        .containsExactly(
            "Rendering Primary Top file failed: top.sls: line 3: 'nothing' is undefined");

    f.file("top.sls", "base:\n  '*':\n    - ok\n  'x(':\n    - match: pcre\n    - never\n")
        .file("ok.sls", "ok: true\n");
    JsonNode pillar = compile(WEB1, Map.of());
    assertThat(pillar.path("ok").asBoolean()).isTrue();
    assertThat(errors(pillar)).singleElement().asString().startsWith("Top file target 'x(': ");
  }

  @Test
  void ignoreMissing_letsATargetsSlsBeAbsent() throws Exception {
    f.file("top.sls", "base:\n  '*':\n    - absent\n    - ignore_missing: True\n");
    assertThat(compile(WEB1, Map.of()).toString()).isEqualTo("{}");
  }

  @Test
  void names_areChecked_andNothingIsReadOutsideTheRoots() throws Exception {
    Path outside = Files.writeString(dir.resolve("outside.sls"), "stolen: true\n");
    Files.createSymbolicLink(f.roots.resolve("link.sls"), outside);
    f.file("top.sls", "base:\n  '*':\n    - ../outside\n    - link\n    - inc\n    - tpl\n")
        .file("inc.sls", "include:\n  - ..\n")
        .file("tpl.sls", "{% include '../outside.sls' %}\n");

    List<String> errors = errors(compile(WEB1, Map.of()));

    assertThat(errors)
        .containsExactly(
            "'../outside' is not a valid SLS name",
            "Rendering SLS 'base:link' failed: link.sls leads out of pillar_roots ("
                + f.roots.toAbsolutePath() + ")",
            "Attempted relative include of '..' within SLS 'base:inc' goes beyond top level"
                + " package",
            "Rendering SLS 'base:tpl' failed: tpl.sls: line 1: InterpretException: not a"
                + " pillar_roots path: '../outside.sls'");
    assertThat(String.join("\n", errors)).doesNotContain("stolen");
  }

  @Test
  void anIncludeLoop_rendersEachSlsOnce() throws Exception {
    f.file("top.sls", "base:\n  '*':\n    - a\n")
        .file("a.sls", "include:\n  - b\na: 1\n")
        .file("b.sls", "include:\n  - a\nb: 1\n");
    JsonNode pillar = compile(WEB1, Map.of());
    assertThat(pillar.toString()).isEqualTo("{\"b\":1,\"a\":1}");
  }

  @Test
  void noRootsOrNoTopFile_isAnEmptyPillar() throws Exception {
    PillarCompiler missing =
        PillarCompiler.create(
            new PillarConfig(
                List.of(dir.resolve("no-such-folder")),
                MergeStrategy.SMART,
                false,
                SecretPolicies.NONE),
            f.vault,
            f.audit,
            io.brine.master.ha.ClusterStatus.SINGLE,
            f.timer);
    assertThat(missing.compile(WEB1, Map.of()).pillar().toString()).isEqualTo("{}");
    assertThat(compile(WEB1, Map.of()).toString()).as("roots without top.sls").isEqualTo("{}");
  }

  @Test
  void aPillarLargerThanAReplyMayCarry_isRefused() throws Exception {
    f.file("top.sls", "base:\n  '*':\n    - big\n")
        .file("big.sls", "blob: " + "x".repeat(SessionCall.MAX_PILLAR_BYTES) + "\n");

    assertThatThrownBy(() -> compile(WEB1, Map.of()))
        .isInstanceOf(PillarUnavailableException.class)
        .hasMessageStartingWith("pillar is unavailable: it takes ")
        .hasMessageEndingWith(
            " bytes of JSON, more than the " + SessionCall.MAX_PILLAR_BYTES
                + " a reply may carry");

    f.file("big.sls", "blob: " + "x".repeat(SessionCall.MAX_PILLAR_BYTES - 100) + "\n");
    CompiledPillar fits = f.compiler(MergeStrategy.SMART, Map.of()).compile(WEB1, Map.of());
    assertThat(fits.bytes()).isEqualTo(JobJson.MAPPER.writeValueAsBytes(fits.pillar()).length)
        .isLessThanOrEqualTo(SessionCall.MAX_PILLAR_BYTES);
  }

  @Test
  void aSealedVault_givesNoPillar() throws Exception {
    f.file("top.sls", "base:\n  '*':\n    - common\n").file("common.sls", "a: 1\n");
    PillarCompiler compiler = f.compiler(MergeStrategy.SMART, Map.of());
    f.vault.seal(f.rootToken);

    try (io.brine.common.log.LogLines logged =
        io.brine.common.log.LogLines.of(PillarCompiler.class)) {
      assertThatThrownBy(() -> compiler.compile(WEB1, Map.of()))
          .isInstanceOf(PillarUnavailableException.class)
          .hasMessage("pillar is unavailable: the master's vault is sealed");
      assertThat(logged.containing("pillar refused: minion web1: pillar is unavailable: the"
          + " master's vault is sealed")).hasSize(1);
    }
  }
}
