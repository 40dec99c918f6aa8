package io.brine.master.pillar;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.common.log.LogLines;
import io.brine.master.ha.ClusterStatus;
import io.brine.protocol.MinionId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vault_secret()} in pillar against a real unsealed vault: allowed and refused by the
 * policies bound to the minion, every decision in the audit log, never the value there.
 */
class PillarSecretsTest {
  private static final MinionId WEB1 = MinionId.of("web1");
  private static final MinionId DB1 = MinionId.of("db1");
  private static final String PASSWORD = "s3cr3t-Pa55w0rd";
  private static final String PASSWORD_V2 = "n3w-s3cr3t-v2";
  private static final Map<String, List<String>> BINDINGS = Map.of("web*", List.of("web-db"));

  @TempDir Path dir;

  private PillarFixture f;

  @BeforeEach
  void open() throws Exception {
    f = new PillarFixture(dir);
    f.policy("web-db", "path \"secret/data/db/prod\" {\n  capabilities = [\"read\"]\n}\n")
        .secret("db/prod", Map.of("password", PASSWORD, "user", "app"))
        .secret("db/other", Map.of("password", "not-for-web"))
        .file("top.sls", "base:\n  '*':\n    - db\n");
  }

  @AfterEach
  void close() {
    f.close();
  }

  private CompiledPillar compile(MinionId id) throws Exception {
    return f.compiler(MergeStrategy.SMART, BINDINGS).compile(id, Map.of());
  }

  private List<JsonNode> secretEvents() throws Exception {
    List<JsonNode> events = new ArrayList<>();
    for (String line : Files.readAllLines(f.auditLog)) {
      JsonNode entry = new ObjectMapper().readTree(line);
      if (entry.path("event").path("kind").asText().equals("pillar_secret")) {
        events.add(entry.path("event"));
      }
    }
    return events;
  }

  @Test
  void aBoundPolicy_letsTheMinionsPillarReadTheSecret_aKeyOrAllOfIt_andTheReadIsAudited()
      throws Exception {
    f.file(
        "db.sls",
        "{% set all = vault_secret('db/prod') %}\n"
            + "db:\n"
            + "  password: {{ vault_secret('db/prod', 'password') }}\n"
            + "  user: {{ all.user }}\n");

    CompiledPillar pillar = compile(WEB1);

    assertThat(pillar.errors()).isEmpty();
    assertThat(pillar.pillar().path("db").path("password").asText()).isEqualTo(PASSWORD);
    assertThat(pillar.pillar().path("db").path("user").asText()).isEqualTo("app");
    List<JsonNode> events = secretEvents();
    assertThat(events).hasSize(2);
    assertThat(events)
        .allSatisfy(
            e -> {
              assertThat(e.path("minion").asText()).isEqualTo("web1");
              assertThat(e.path("path").asText()).isEqualTo("secret/data/db/prod");
              assertThat(e.path("version").asInt()).isZero();
              assertThat(e.path("read_version").asInt()).isEqualTo(1);
              assertThat(e.path("allowed").asBoolean()).isTrue();
            });
    assertThat(events.get(1).path("key").asText()).isEqualTo("password");
    assertThat(f.auditText()).doesNotContain(PASSWORD).doesNotContain("app\"");
  }

  @Test
  void anOlderVersion_isReadWithVersionN_andAuditedAsSuch() throws Exception {
    f.secret("db/prod", Map.of("password", PASSWORD_V2, "user", "app"));
    f.file(
        "db.sls",
        "old: {{ vault_secret('db/prod', 'password', version=1) }}\n"
            + "new: {{ vault_secret('db/prod', 'password') }}\n");

    CompiledPillar pillar = compile(WEB1);

    assertThat(pillar.pillar().path("old").asText()).isEqualTo(PASSWORD);
    assertThat(pillar.pillar().path("new").asText()).isEqualTo(PASSWORD_V2);
    assertThat(secretEvents())
        .extracting(e -> e.path("version").asInt() + "->" + e.path("read_version").asInt())
        .containsExactly("1->1", "0->2");
    assertThat(f.auditText()).doesNotContain(PASSWORD).doesNotContain(PASSWORD_V2);
  }

  @Test
  void aMinionNoPolicyAllows_getsOneLineInItsErrors_neverTheSecret_andTheRefusalIsAudited()
      throws Exception {
    f.file("db.sls", "a: 1\nb: {{ vault_secret('db/prod', 'password') }}\n");

    try (LogLines logged = LogLines.of(PillarSecrets.class)) {
      CompiledPillar db = compile(DB1);
      CompiledPillar web = compile(WEB1);
      f.file("db.sls", "c: {{ vault_secret('db/other', 'password') }}\n");
      CompiledPillar other = compile(WEB1);

      assertThat(db.errors())
          .containsExactly(
              "Rendering SLS 'base:db' failed: db.sls: line 2: vault_secret: minion db1 may not"
                  + " read secret/data/db/prod");
      assertThat(db.pillar().toString()).doesNotContain(PASSWORD);
      assertThat(web.errors()).isEmpty();
      assertThat(other.errors())
          .containsExactly(
              "Rendering SLS 'base:db' failed: db.sls: line 1: vault_secret: minion web1 may not"
                  + " read secret/data/db/other");
      assertThat(other.pillar().toString()).doesNotContain("not-for-web");
      assertThat(logged.containing("pillar: vault_secret refused: minion db1 may not read"
          + " secret/data/db/prod ([]): permission denied")).hasSize(1);
      assertThat(logged.containing("minion web1 may not read secret/data/db/other ([web-db])"))
          .hasSize(1);
      assertThat(String.join("\n", logged.containing(""))).doesNotContain(PASSWORD)
          .doesNotContain("not-for-web");
    }
    List<JsonNode> events = secretEvents();
    assertThat(events)
        .extracting(e -> e.path("minion").asText() + " " + e.path("path").asText() + " "
            + e.path("allowed").asBoolean())
        .containsExactly(
            "db1 secret/data/db/prod false",
            "web1 secret/data/db/prod true",
            "web1 secret/data/db/other false");
    assertThat(events.get(0).path("reason").asText()).startsWith("permission denied");
    assertThat(f.auditText()).doesNotContain(PASSWORD).doesNotContain("not-for-web");
  }

  @Test
  void aMissingSecretKeyOrVersion_orABadCall_isOneLine() throws Exception {
    f.policy("web-db", "path \"secret/data/*\" {\n  capabilities = [\"read\"]\n}\n");
    List<String> lines = new ArrayList<>();
    for (String call :
        List.of(
            "vault_secret('db/none')",
            "vault_secret('db/prod', 'nokey')",
            "vault_secret('db/prod', version=7)",
            "vault_secret('db/../prod')",
            "vault_secret(3)",
            "vault_secret('db/prod', colour=1)")) {
      f.file("db.sls", "x: {{ " + call + " }}\n");
      lines.addAll(compile(WEB1).errors());
    }
    assertThat(lines)
        .containsExactly(
            "Rendering SLS 'base:db' failed: db.sls: line 1: vault_secret: no secret at"
                + " secret/data/db/none",
            "Rendering SLS 'base:db' failed: db.sls: line 1: vault_secret: secret/data/db/prod has"
                + " no key 'nokey'",
            "Rendering SLS 'base:db' failed: db.sls: line 1: vault_secret: secret/data/db/prod has"
                + " no version 7 (or it is deleted)",
            lines.get(3),
            "Rendering SLS 'base:db' failed: db.sls: line 1: vault_secret: the secret's path must"
                + " be a string",
            "Rendering SLS 'base:db' failed: db.sls: line 1: vault_secret: unknown argument"
                + " 'colour' (it takes path, key and version=)");
    assertThat(lines.get(3)).startsWith("Rendering SLS 'base:db' failed: db.sls: line 1:"
        + " vault_secret: ").doesNotContain("\n");
    assertThat(secretEvents())
        .extracting(e -> e.path("path").asText() + " " + e.path("read_version").asInt())
        .startsWith("secret/data/db/none 0", "secret/data/db/prod 1", "secret/data/db/prod 0");
  }

  @Test
  void aRenderThatFailsAfterItReadASecret_saysWhere_butNotWhy() throws Exception {
    f.file(
        "db.sls",
        "password: {{ vault_secret('db/prod', 'password') }}\n"
            + "broken: [ {{ vault_secret('db/prod', 'password') }}\n");

    CompiledPillar pillar = compile(WEB1);

    assertThat(pillar.errors())
        .containsExactly(
            "Rendering SLS 'base:db' failed: db.sls: the cause is withheld, since the text it"
                + " rendered holds a vault secret (render it without vault_secret() to see the"
                + " error)");
    assertThat(pillar.pillar().toString()).doesNotContain(PASSWORD);
  }

  @Test
  void aReadTheAuditLogCannotRecord_isRefused() throws Exception {
    f.file("db.sls", "password: {{ vault_secret('db/prod', 'password') }}\n");
    Files.delete(f.auditLog); // the device now fails every entry

    CompiledPillar pillar = compile(WEB1);

    assertThat(pillar.errors())
        .containsExactly(
            "Rendering SLS 'base:db' failed: db.sls: line 1: vault_secret: the read of"
                + " secret/data/db/prod could not be recorded in the audit log, so it is refused");
    assertThat(pillar.pillar().toString()).doesNotContain(PASSWORD);
  }

  @Test
  void aClusterStandby_readsNoSecret() throws Exception {
    f.file("db.sls", "password: {{ vault_secret('db/prod', 'password') }}\n");
    ClusterStatus standby =
        new ClusterStatus() {
          @Override
          public boolean haEnabled() {
            return true;
          }

          @Override
          public boolean active() {
            return false;
          }

          @Override
          public Optional<Leader> leader() {
            return Optional.empty();
          }

          @Override
          public void stepDown() {}
        };

    CompiledPillar pillar =
        f.compiler(MergeStrategy.SMART, false, BINDINGS, standby).compile(WEB1, Map.of());

    assertThat(pillar.errors())
        .containsExactly(
            "Rendering SLS 'base:db' failed: db.sls: line 1: vault_secret: this master is a"
                + " standby of its cluster and reads no secret (only the active master can audit"
                + " the read)");
    assertThat(secretEvents()).isEmpty();
  }
}
