package io.brine.cli.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.MasterProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brine kv} as an operator runs it, against a real master in a child JVM, initialized and
 * unsealed: bao's output (tables, {@code -field}, {@code -format=json}), bao's paths ({@code
 * secret/x} and {@code -mount=secret x}), bao's exit codes (1 for the command line, 2 for the
 * master's refusals), each failure one line. Each test works under its own folder of the mount.
 */
class KvCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FIRST = "kv-cli-first-3f9a61c2";
  private static final String SECOND = "kv-cli-second-8b04d7e5";

  /** created_time and deletion_time as the master writes them: RFC 3339, UTC. */
  private static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z";

  @TempDir static Path dir;

  private static MasterProcess master;
  private static String rootToken;
  private static Cli root;

  @BeforeAll
  static void startMaster() {
    master = MasterProcess.start(dir);
    rootToken = master.initAndUnseal();
    root = as(rootToken);
  }

  @AfterAll
  static void stopMaster() {
    if (master != null) {
      master.close();
    }
  }

  @Test
  void put_get_field_version_asBaoPrintsThem() {
    Result first = root.run("kv", "put", "-mount=secret", "app/db", "user=app", "password=" + FIRST);

    assertOk(first);
    assertThat(first.out().lines().toList())
        .hasSize(11)
        .startsWith(
            "=== Secret Path ===",
            "secret/data/app/db",
            "",
            "======= Metadata =======",
            "Key                Value",
            "---                -----");
    assertThat(first.out().lines().toList().get(6)).matches("created_time       " + TIME);
    assertThat(first.out().lines().skip(7).toList())
        .containsExactly(
            "custom_metadata    <nil>",
            "deletion_time      n/a",
            "destroyed          false",
            "version            1");

    Result second =
        root.run("kv", "put", "-cas=1", "secret/app/db", "user=app", "password=" + SECOND);
    Result stale = root.run("kv", "put", "-cas=1", "secret/app/db", "password=x");

    assertOk(second);
    assertThat(second.out()).contains("version            2");
    assertThat(stale.exitCode()).as(stale.toString()).isEqualTo(2);
    assertThat(stale.out()).isEmpty();
    assertThat(stale.err().lines())
        .singleElement(STRING)
        .isEqualTo(
            "Error: writing data to secret/data/app/db: Error making API request."
                + " URL: PUT /v1/secret/data/app/db Code: 400."
                + " Errors: * check-and-set parameter did not match the current version");

    Result get = root.run("kv", "get", "secret/app/db");

    assertOk(get);
    List<String> lines = get.out().lines().toList();
    assertThat(lines).hasSize(17);
    assertThat(lines.subList(0, 6))
        .containsExactly(
            "=== Secret Path ===",
            "secret/data/app/db",
            "",
            "======= Metadata =======",
            "Key                Value",
            "---                -----");
    assertThat(lines.subList(7, 17))
        .containsExactly(
            "custom_metadata    <nil>",
            "deletion_time      n/a",
            "destroyed          false",
            "version            2",
            "",
            "====== Data ======",
            "Key         Value",
            "---         -----",
            "password    " + SECOND,
            "user        app");

    Result field = root.run("kv", "get", "-field=password", "-mount=secret", "app/db");
    Result old = root.run("kv", "get", "-version=1", "-field=password", "secret/app/db");
    Result version = root.run("kv", "get", "-field=version", "secret/app/db");
    Result json = root.run("kv", "get", "-format=json", "secret/app/db");
    Result jsonField = root.run("kv", "get", "-format=json", "-field=password", "secret/app/db");
    Result wholeData = root.run("kv", "get", "-field=data", "secret/app/db");

    assertOk(field);
    assertThat(field.out()).as("a -field print has no line break").isEqualTo(SECOND);
    assertThat(old.out()).isEqualTo(FIRST);
    assertThat(version.exitCode()).isEqualTo(1);
    assertThat(version.err())
        .as("-field reads the data, not the metadata, as bao")
        .isEqualTo("Error: Field \"version\" not present in secret" + nl());
    assertOk(json);
    JsonNode answer = json(json);
    assertThat(answer.path("mount_type").asText()).isEqualTo("kv");
    assertThat(answer.path("data").path("data").path("password").asText()).isEqualTo(SECOND);
    assertThat(answer.path("data").path("data").path("user").asText()).isEqualTo("app");
    assertThat(answer.path("data").path("metadata").path("version").asInt()).isEqualTo(2);
    assertThat(answer.path("data").path("metadata").path("destroyed").asBoolean()).isFalse();
    assertThat(jsonField.out().strip()).isEqualTo("\"" + SECOND + "\"");
    assertThat(wholeData.out())
        .as("-field=data is the whole data when no key is named data, as bao")
        .isEqualTo("map[password:" + SECOND + " user:app]");

    Result missing = root.run("kv", "get", "secret/app/none");

    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.out()).isEmpty();
    assertThat(missing.err()).isEqualTo("Error: No value found at secret/data/app/none" + nl());
    assertThat(master.log()).doesNotContain(FIRST).doesNotContain(SECOND);
  }

  @Test
  void patch_keepsTheOtherKeys_withCheckAndSet() {
    assertOk(root.run("kv", "put", "secret/patch/web", "a=1", "keep=yes"));

    Result patched = root.run("kv", "patch", "-mount=secret", "patch/web", "a=2", "b=3");
    Result stale = root.run("kv", "patch", "-cas=1", "secret/patch/web", "c=4");
    Result missing = root.run("kv", "patch", "secret/patch/none", "a=1");
    Result rw = root.run("kv", "patch", "-method=rw", "-field=version", "secret/patch/web", "d=5");

    assertOk(patched);
    assertThat(patched.out())
        .startsWith("==== Secret Path ====" + nl() + "secret/data/patch/web" + nl())
        .contains("version            2");
    assertThat(stale.exitCode()).isEqualTo(2);
    assertThat(stale.err().lines())
        .singleElement(STRING)
        .startsWith("Error: writing data to secret/data/patch/web: Error making API request.")
        .endsWith("check-and-set parameter did not match the current version");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).isEqualTo("Error: No value found at secret/data/patch/none" + nl());
    assertOk(rw);
    assertThat(rw.out()).isEqualTo("3");
    assertThat(data("secret/patch/web"))
        .isEqualTo(tree("{\"a\": \"2\", \"b\": \"3\", \"d\": \"5\", \"keep\": \"yes\"}"));
  }

  @Test
  void list_keysAndFolders_tableAndJson() {
    assertOk(root.run("kv", "put", "secret/listed/b/deep", "k=v"));
    assertOk(root.run("kv", "put", "secret/listed/a", "k=v"));

    Result table = root.run("kv", "list", "-mount=secret", "listed");
    Result json = root.run("kv", "list", "-format=json", "secret/listed/");
    Result top = root.run("kv", "list", "secret/");
    Result empty = root.run("kv", "list", "secret/listed/nothing");
    Result emptyJson = root.run("kv", "list", "-format=json", "secret/listed/nothing");

    assertOk(table);
    assertThat(table.out().lines()).containsExactly("Keys", "----", "a", "b/");
    assertOk(json);
    assertThat(json(json).toString()).isEqualTo("[\"a\",\"b/\"]");
    assertOk(top);
    assertThat(top.out().lines().toList()).contains("listed/");
    assertThat(empty.exitCode()).isEqualTo(2);
    assertThat(empty.err())
        .isEqualTo("Error: No value found at secret/metadata/listed/nothing" + nl());
    assertThat(emptyJson.exitCode()).isEqualTo(2);
    assertThat(json(emptyJson)).isEqualTo(tree("{}"));
  }

  @Test
  void delete_undelete_destroy_andMetadata() {
    for (String v : List.of("1", "2", "3")) {
      assertOk(root.run("kv", "put", "secret/life/x", "v=" + v));
    }

    Result deleted = root.run("kv", "delete", "secret/life/x");
    Result gone = root.run("kv", "get", "secret/life/x");
    Result undeleted = root.run("kv", "undelete", "-versions=3", "secret/life/x");
    Result back = root.run("kv", "get", "-field=v", "secret/life/x");

    assertOk(deleted);
    assertThat(deleted.out())
        .isEqualTo("Success! Data deleted (if it existed) at: secret/data/life/x" + nl());
    assertThat(gone.exitCode()).isEqualTo(2);
    assertThat(gone.err()).isEqualTo("Error: No value found at secret/data/life/x" + nl());
    assertOk(undeleted);
    assertThat(undeleted.out()).isEqualTo("Success! Data written to: secret/undelete/life/x" + nl());
    assertThat(back.out()).isEqualTo("3");

    Result deleteOne = root.run("kv", "delete", "-versions=1", "-mount=secret", "life/x");
    Result destroyed = root.run("kv", "destroy", "-versions", "2", "secret/life/x");

    assertOk(deleteOne);
    assertThat(deleteOne.out())
        .isEqualTo("Success! Data deleted (if it existed) at: secret/delete/life/x" + nl());
    assertThat(root.run("kv", "get", "-version=1", "secret/life/x").exitCode()).isEqualTo(2);
    assertOk(destroyed);
    assertThat(destroyed.out()).isEqualTo("Success! Data written to: secret/destroy/life/x" + nl());
    assertThat(root.run("kv", "get", "-version=3", "-field=v", "secret/life/x").out())
        .isEqualTo("3");

    JsonNode meta = json(root.run("kv", "metadata", "get", "-format=json", "secret/life/x"));
    JsonNode versions = meta.at("/data/versions");
    assertThat(meta.at("/data/current_version").asInt()).isEqualTo(3);
    assertThat(versions.at("/1/deletion_time").asText()).matches(TIME);
    assertThat(versions.at("/2/destroyed").asBoolean()).isTrue();
    assertThat(versions.at("/3/deletion_time").asText()).isEmpty();

    Result table = root.run("kv", "metadata", "get", "-mount=secret", "life/x");

    assertOk(table);
    List<String> lines = table.out().lines().toList();
    assertThat(lines.subList(0, 6))
        .containsExactly(
            "==== Metadata Path ====",
            "secret/metadata/life/x",
            "",
            "========== Metadata ==========",
            "Key                     Value",
            "---                     -----");
    assertThat(lines)
        .contains(
            "cas_required            false",
            "current_version         3",
            "custom_metadata         <nil>",
            "delete_version_after    0s",
            "max_versions            0",
            "oldest_version          0");
    int v1 = lines.indexOf("====== Version 1 ======");
    int v2 = lines.indexOf("====== Version 2 ======");
    int v3 = lines.indexOf("====== Version 3 ======");
    assertThat(v1).isGreaterThan(6);
    assertThat(v2).isGreaterThan(v1);
    assertThat(v3).isGreaterThan(v2);
    assertThat(lines.get(v1 - 1)).isEmpty();
    assertThat(lines.subList(v1 + 1, v1 + 3)).containsExactly("Key              Value", "---              -----");
    assertThat(lines.get(v1 + 4)).matches("deletion_time    " + TIME);
    assertThat(lines.get(v2 + 5)).isEqualTo("destroyed        true");
    assertThat(lines.get(v3 + 4)).isEqualTo("deletion_time    n/a");

    Result settings =
        root.run(
            "kv", "metadata", "put", "-max-versions=5", "-cas-required",
            "-delete-version-after=1h", "-custom-metadata=owner=ops", "secret/life/x");
    Result withoutCas = root.run("kv", "put", "secret/life/x", "v=4");

    assertOk(settings);
    assertThat(settings.out()).isEqualTo("Success! Data written to: secret/metadata/life/x" + nl());
    assertThat(root.run("kv", "metadata", "get", "-field=max_versions", "secret/life/x").out())
        .isEqualTo("5");
    assertThat(root.run("kv", "metadata", "get", "-field=cas_required", "secret/life/x").out())
        .isEqualTo("true");
    assertThat(root.run("kv", "metadata", "get", "-field=custom_metadata", "secret/life/x").out())
        .isEqualTo("map[owner:ops]");
    assertThat(
            root.run("kv", "metadata", "get", "-field=delete_version_after", "secret/life/x").out())
        .isEqualTo("1h0m0s");
    assertThat(withoutCas.exitCode()).isEqualTo(2);
    assertThat(withoutCas.err().lines())
        .singleElement(STRING)
        .endsWith("Errors: * check-and-set parameter required for this call");

    Result erased = root.run("kv", "metadata", "delete", "secret/life/x");

    assertOk(erased);
    assertThat(erased.out())
        .isEqualTo("Success! Data deleted (if it existed) at: secret/metadata/life/x" + nl());
    Result none = root.run("kv", "metadata", "get", "secret/life/x");
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).isEqualTo("Error: No value found at secret/metadata/life/x" + nl());
  }

  @Test
  void data_fromFiles_stdin_json_andRepeatedKeys() throws IOException {
    Path file = Files.writeString(dir.resolve("pw.txt"), "from-file\n");
    Path json = Files.writeString(dir.resolve("data.json"), "{\"from\": \"file\"}");

    assertOk(root.run("kv", "put", "secret/forms/a", "token=@" + file, "note=\\@literal"));
    assertOk(root.runWithStdin("piped\n", "kv", "put", "secret/forms/b", "v=-"));
    assertOk(
        root.runWithStdin(
            "{\"n\": 5, \"ok\": true, \"tags\": [\"x\"]}",
            "kv", "put", "secret/forms/c", "-", "extra=1"));
    assertOk(root.run("kv", "put", "secret/forms/d", "tag=a", "tag=b"));
    Result atFile = root.run("kv", "put", "secret/forms/e", "@" + json);
    Result twice = root.runWithStdin("{}", "kv", "put", "secret/forms/f", "-", "v=-");

    assertThat(data("secret/forms/a"))
        .isEqualTo(tree("{\"note\": \"@literal\", \"token\": \"from-file\\n\"}"));
    assertThat(data("secret/forms/b").path("v").asText()).isEqualTo("piped\n");
    assertThat(data("secret/forms/c"))
        .isEqualTo(tree("{\"extra\": \"1\", \"n\": 5, \"ok\": true, \"tags\": [\"x\"]}"));
    assertThat(data("secret/forms/d")).isEqualTo(tree("{\"tag\": [\"a\", \"b\"]}"));
    assertThat(root.run("kv", "get", "secret/forms/d").out()).contains("tag    [a b]");
    assertThat(root.run("kv", "get", "secret/forms/a").out())
        .as("the table trims a value, as bao's columns do")
        .contains("token    from-file" + nl());
    assertThat(atFile.exitCode()).isEqualTo(1);
    assertThat(atFile.err().lines())
        .singleElement(STRING)
        .startsWith("Error: Failed to parse K=V data: @FILE is not read here");
    assertThat(root.run("kv", "get", "secret/forms/e").exitCode())
        .as("nothing was written")
        .isEqualTo(2);
    assertThat(twice.exitCode()).isEqualTo(1);
    assertThat(twice.err()).isEqualTo("Error: Failed to parse K=V data: stdin already consumed" + nl());
  }

  @Test
  void aDeniedToken_exits2_withOneLine() {
    Result policy =
        root.runWithStdin(
            "path \"secret/data/team/*\" { capabilities = [\"read\"] }\n",
            "policy", "write", "team-reader", "-");
    assertOk(policy);
    Result created = root.run("token", "create", "-policy=team-reader", "-field=token");
    assertOk(created);
    String token = created.out();
    assertOk(root.run("kv", "put", "secret/team/app", "color=blue"));
    assertOk(root.run("kv", "put", "secret/elsewhere/app", "color=" + FIRST));
    Cli reader = new Cli().env("BAO_ADDR", master.address());

    Result read = reader.run("kv", "get", "-token=" + token, "-field=color", "secret/team/app");
    Result write = reader.run("kv", "put", "-token=" + token, "secret/team/app", "color=red");
    Result other = reader.run("kv", "get", "-token", token, "secret/elsewhere/app");
    Result list = reader.run("kv", "list", "-token=" + token, "secret/team");

    assertOk(read);
    assertThat(read.out()).isEqualTo("blue");
    for (Result refused : List.of(write, other, list)) {
      assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
      assertThat(refused.out()).isEmpty();
      assertThat(refused.err().lines())
          .as(refused.toString())
          .singleElement(STRING)
          .contains(": Error making API request. URL: ")
          .contains(" Code: 403. Errors: * ")
          .doesNotContain(token)
          .doesNotContain(FIRST);
    }
    assertThat(write.err())
        .startsWith(
            "Error: writing data to secret/data/team/app: Error making API request."
                + " URL: PUT /v1/secret/data/team/app Code: 403.");
    assertThat(other.err()).startsWith("Error: reading secret/data/elsewhere/app: ");
    assertThat(list.err()).startsWith("Error: listing secret/metadata/team: ");
    assertThat(root.run("kv", "get", "-field=color", "secret/team/app").out())
        .as("the refused write changed nothing")
        .isEqualTo("blue");
  }

  @Test
  void anotherMount_orNoMaster_exits2_withOneLine() throws IOException {
    Result otherMount = root.run("kv", "get", "-mount=other", "db/prod");
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Result noMaster =
        new Cli()
            .env("BRINE_ADDR", "http://127.0.0.1:" + closedPort)
            .env("BRINE_TOKEN", rootToken)
            .run("kv", "get", "secret/db/prod");

    assertThat(otherMount.exitCode()).isEqualTo(2);
    assertThat(otherMount.err().lines())
        .singleElement(STRING)
        .startsWith("Error: finding the mount of other: Error making API request.")
        .contains("Code: 403.")
        .contains("preflight capability check returned 403");
    assertThat(noMaster.exitCode()).isEqualTo(2);
    assertThat(noMaster.err().lines())
        .singleElement(STRING)
        .startsWith("Error: finding the mount of secret/db/prod: cannot reach brine master at ");
  }

  @Test
  void aBadArgument_exits1_withOneLine_andNoStackTrace() {
    assertOneLine(root.run("kv", "put", "secret/bad/x"), "Error: Must supply data");
    assertOneLine(root.run("kv", "put"), "Error: Not enough arguments (expected >1, got 0)");
    assertOneLine(
        root.run("kv", "put", "secret/bad/x", "password"),
        "Error: Failed to parse K=V data: format must be key=value");
    assertOneLine(
        root.run("kv", "put", "secret/bad/x", "k=@" + dir.resolve("no-such-file")),
        "Error: Failed to parse K=V data: error reading file: " + dir.resolve("no-such-file")
            + ": no such file");
    Result notJson =
        root.runWithStdin("{\"password\": " + FIRST + "}", "kv", "put", "secret/bad/x", "-");
    assertThat(notJson.exitCode()).isEqualTo(1);
    assertThat(notJson.err().lines())
        .as("Jackson's message, which quotes the input, is not repeated")
        .singleElement(STRING)
        .startsWith("Error: Failed to parse K=V data: stdin is not JSON (line 1, column ")
        .doesNotContain(FIRST);
    assertOneLine(root.run("kv", "get"), "Error: Not enough arguments (expected 1, got 0)");
    assertOneLine(
        root.run("kv", "get", "secret/a", "secret/b"),
        "Error: Too many arguments (expected 1, got 2)");
    assertOneLine(
        root.run("kv", "get", "secret/../sys/seal"),
        "Error: a path with a '..' segment is not sent (it would name another path):"
            + " secret/../sys/seal");
    assertOneLine(
        root.run("kv", "delete", "-versions=1,x", "secret/bad/x"),
        "Error: -versions takes version numbers (1,2,3), not 'x'");
    assertOneLine(
        root.run("kv", "undelete", "secret/bad/x"),
        "Error: No versions provided, use the \"-versions\" flag to specify the version to"
            + " undelete.");
    assertOneLine(
        root.run("kv", "patch", "-method=patch", "secret/bad/x", "a=b"),
        "Error: -method=patch is not offered: brine kv patch reads, then writes (-method=rw)");

    // picocli's own refusals: the house's error line, then its hint; the value never repeated.
    Result version = root.run("kv", "get", "-version=abc", "secret/bad/x");
    Result unknown = root.run("kv", "put", "secret/bad/x", "password=" + FIRST, "-bogus=" + FIRST);
    for (Result bad : List.of(version, unknown)) {
      assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(1);
      assertThat(bad.out()).isEmpty();
      assertThat(bad.err().lines().toList().get(0)).startsWith("Error: ");
      assertThat(bad.err()).doesNotContain("\tat ").doesNotContain("Exception");
    }
    assertThat(unknown.err()).doesNotContain(FIRST).contains("unknown option -bogus");
    assertThat(root.run("kv", "get", "secret/bad/x").exitCode())
        .as("nothing was written")
        .isEqualTo(2);
  }

  @Test
  void help_showsBaosFlags_andTheExitCodes() {
    Result kv = root.run("kv", "--help");
    Result get = root.run("kv", "get", "--help");
    Result put = root.run("kv", "help", "put");

    assertOk(kv);
    assertThat(kv.out()).contains("metadata", "undelete", "2 the master refused");
    assertOk(get);
    assertThat(get.out()).contains("-version=<n>", "-field=<key>", "-mount=<mount>");
    assertOk(put);
    assertThat(put.out()).contains("-cas=<version>", "K=@FILE");
  }

  private static void assertOneLine(Result result, String line) {
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
    assertThat(result.out()).as(result.toString()).isEmpty();
    assertThat(result.err()).as(result.toString()).isEqualTo(line + nl());
  }

  private static JsonNode data(String path) {
    Result get = root.run("kv", "get", "-format=json", path);
    assertOk(get);
    return json(get).at("/data/data");
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Cli as(String token) {
    return new Cli().env("BRINE_ADDR", master.address()).env("BRINE_TOKEN", token);
  }

  private static void assertOk(Result result) {
    assertThat(result.exitCode()).as(result + "\n--- master log\n" + master.log()).isZero();
  }

  private static JsonNode json(Result result) {
    try {
      return JSON.readTree(result.out());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + result, e);
    }
  }

  private static String nl() {
    return System.lineSeparator();
  }
}
