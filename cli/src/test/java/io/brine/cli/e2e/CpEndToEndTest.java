package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.testing.Await;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.MasterProcess;
import io.brine.cli.testing.MinionProcess;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brine cp} end to end: a real master and two real minions; a file of several upload
 * chunks (1 MiB) and many session chunks (256 KiB) goes through the staging area to both, lands
 * with its content and mode, and the staging area is empty afterwards.
 */
class CpEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;

  private static MasterProcess master;
  private static String token;
  private static final List<MinionProcess> minions = new java.util.ArrayList<>();

  @BeforeAll
  static void masterAndMinions() throws Exception {
    Path config = dir.resolve("master/master.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config,
        "pki_dir: " + dir.resolve("master/pki") + "\n"
            + "cachedir: " + dir.resolve("master/cache") + "\n"
            + "auto_accept: true\nkeysize: 2048\ninterface: 127.0.0.1\nret_port: 0\n"
            + "vault:\n  storage_dir: " + dir.resolve("master/vault") + "\n"
            + "  api_addr: 127.0.0.1:0\n");
    master = MasterProcess.startWithConfig(config);
    JsonNode init = master.initJson();
    token = init.get("root_token").asText();
    master.unseal(init.get("keys").get(0).asText());
    for (String id : List.of("web1", "web2")) {
      minions.add(MinionProcess.start(dir.resolve("minion-" + id), id, master.minionPort()));
    }
    for (MinionProcess m : minions) {
      Await.until(() -> m.count("authenticated to master") >= 1, master, m, "authenticated");
    }
  }

  @AfterAll
  static void stop() {
    minions.forEach(MinionProcess::close);
    if (master != null) {
      master.close();
    }
  }

  private static Cli cli() {
    return new Cli().env("BRINE_ADDR", master.address()).env("BRINE_TOKEN", token);
  }

  /** Salt's json outputter prints one object per minion, as each returns: merged here. */
  private static JsonNode returns(String out) throws java.io.IOException {
    com.fasterxml.jackson.databind.node.ObjectNode all = JSON.createObjectNode();
    try (var objects = JSON.readerFor(JsonNode.class).<JsonNode>readValues(out)) {
      while (objects.hasNext()) {
        all.setAll((com.fasterxml.jackson.databind.node.ObjectNode) objects.next());
      }
    }
    return all;
  }

  private static Path staging() {
    return dir.resolve("master/cache/cp-staging");
  }

  @Test
  void aMultiChunkFile_reachesBothMinions_withItsContentModeAndOwner() throws Exception {
    byte[] content = new byte[3 * 1024 * 1024 + 12_345];
    new Random(18).nextBytes(content);
    Path src = dir.resolve("app.tar");
    Files.write(src, content);
    Path destDir = Files.createDirectories(dir.resolve("opt"));

    Result r =
        cli().run("cp", "web*", src.toString(), destDir + "/", "--mode", "0640",
            "--user", "nobody", "--group", "nogroup", "--out", "json", "--static");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    Path dest = destDir.resolve("app.tar");
    JsonNode out = returns(r.out());
    assertThat(out.fieldNames()).toIterable().containsExactlyInAnyOrder("web1", "web2");
    for (String id : List.of("web1", "web2")) {
      assertThat(out.path(id).path(dest.toString()).asBoolean()).as(id + ": " + out).isTrue();
    }
    assertThat(Files.readAllBytes(dest)).isEqualTo(content);
    PosixFileAttributes attributes =
        Files.readAttributes(dest, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    assertThat(PosixFilePermissions.toString(attributes.permissions())).isEqualTo("rw-r-----");
    if ("root".equals(System.getProperty("user.name"))) {
      assertThat(attributes.owner().getName()).isEqualTo("nobody");
      assertThat(attributes.group().getName()).isEqualTo("nogroup");
    }
    try (var left = Files.list(destDir)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("app.tar");
    }
    try (var staged = Files.list(staging())) {
      assertThat(staged).as("the staged file is removed after the job").isEmpty();
    }
  }

  @Test
  void theSourcesModeIsKept_andAMissingFolderFailsOnEveryMinion_writingNothing() throws Exception {
    Path src = dir.resolve("run.sh");
    Files.writeString(src, "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("rwxr-x---"));
    Path dest = dir.resolve("bin/run.sh");
    Files.createDirectories(dest.getParent());

    Result ok = cli().run("cp", "-L", "web1,web2", src.toString(), dest.toString());
    assertThat(ok.exitCode()).as(ok.toString()).isZero();
    assertThat(ok.out()).contains("web1:").contains("web2:").contains(dest + ":\n        True");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dest)))
        .isEqualTo("rwxr-x---");

    Path nowhere = dir.resolve("no-such-folder/run.sh");
    Result missing = cli().run("cp", "web*", src.toString(), nowhere.toString(), "--out", "json",
            "--static");
    assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(4);
    JsonNode out = returns(missing.out());
    for (String id : List.of("web1", "web2")) {
      assertThat(out.path(id).path(nowhere.toString()).asText())
          .as(id)
          .contains("the destination's folder does not exist");
    }
    assertThat(nowhere.getParent()).doesNotExist();
  }

  @Test
  void noMatchingMinion_exits3_andNothingStaysStaged() throws Exception {
    Path src = dir.resolve("small.txt");
    Files.writeString(src, "x");
    Result r = cli().run("cp", "db*", src.toString(), dir.resolve("small.txt.copy").toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.err()).contains("No minions matched the target. No file was sent.");
    try (var staged = Files.list(staging())) {
      assertThat(staged).isEmpty();
    }
    Result relative = cli().run("cp", "web1", src.toString(), "relative/dest");
    assertThat(relative.exitCode()).isEqualTo(1);
    assertThat(relative.err()).contains("DEST must be an absolute path");
  }
}
