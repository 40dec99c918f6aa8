package io.brine.cli.key;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.crypto.rsa.Fingerprints;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.pki.KeyStatus;
import io.brine.master.pki.PkiDirectory;
import io.brine.protocol.MinionId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code brine key} through picocli, as a user runs it, on a real PKI folder. */
class KeyCommandTest {
  private static final String KEY_A = newKey();
  private static final String KEY_B = newKey();
  private static final String NL = System.lineSeparator();

  @TempDir Path dir;

  private final Cli cli = new Cli();
  private Path config;
  private PkiDirectory pki;

  @BeforeEach
  void setUp() throws Exception {
    config =
        Files.writeString(
            dir.resolve("master.yaml"), "pki_dir: pki\nvault:\n  storage_dir: vault\n");
    cli.env("BRINE_MASTER_CONFIG", config.toString());
    pki = PkiDirectory.open(dir.resolve("pki"));
    // accepted web1, pending web2 and db1, denied web1 (a second key), rejected bad1
    put(KeyStatus.ACCEPTED, "web1", KEY_A);
    pki.authorize(MinionId.of("web1"), KEY_B);
    pki.authorize(MinionId.of("web2"), KEY_A);
    pki.authorize(MinionId.of("db1"), KEY_B);
    put(KeyStatus.REJECTED, "bad1", KEY_A);
  }

  private void put(KeyStatus status, String id, String pem) throws Exception {
    Files.writeString(dir.resolve("pki/master").resolve(status.dirName()).resolve(id), pem);
  }

  private List<String> ids(KeyStatus status) throws Exception {
    return pki.list().get(status).stream().map(MinionId::value).toList();
  }

  private static String lines(String... lines) {
    return String.join(NL, lines) + NL;
  }

  // --- listing

  @Test
  void listAll_text_groupsInSaltKeysOrder() {
    Result r = cli.run("key", "-L");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .isEqualTo(
            lines(
                "Accepted Keys:",
                "web1",
                "Denied Keys:",
                "web1",
                "Unaccepted Keys:",
                "db1",
                "web2",
                "Rejected Keys:",
                "bad1"));
  }

  @Test
  void noAction_listsAll_withTheConfigGivenByDashC() {
    cli.env("BRINE_MASTER_CONFIG", null);

    Result r = cli.run("key", "-c", config.toString());

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).startsWith("Accepted Keys:" + NL + "web1" + NL);
  }

  @Test
  void listAll_json_isSaltsShape() throws Exception {
    Result r = cli.run("key", "-L", "--out", "json");

    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.fieldNames())
        .toIterable()
        .containsExactly("minions", "minions_pre", "minions_rejected", "minions_denied");
    assertThat(json.get("minions_pre").toString()).isEqualTo("[\"db1\",\"web2\"]");
    assertThat(json.get("minions").toString()).isEqualTo("[\"web1\"]");
  }

  @Test
  void list_accepted_yaml_onlyThatStatus() throws Exception {
    Result r = cli.run("key", "-l", "acc", "--out", "yaml");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode yaml = new YAMLMapper().readTree(r.out());
    assertThat(yaml.fieldNames()).toIterable().containsExactly("minions");
    assertThat(yaml.get("minions").get(0).asText()).isEqualTo("web1");
  }

  @Test
  void list_unaccepted_text() {
    assertThat(cli.run("key", "-l", "un").out())
        .isEqualTo(lines("Unaccepted Keys:", "db1", "web2"));
    assertThat(cli.run("key", "--list=den").out()).isEqualTo(lines("Denied Keys:", "web1"));
  }

  // --- accept, reject, delete

  @Test
  void accept_glob_withYes_movesAndSaysSo() throws Exception {
    Result r = cli.run("key", "-a", "web*", "-y");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo(lines("Key for minion web2 accepted."));
    assertThat(ids(KeyStatus.ACCEPTED)).containsExactly("web1", "web2");
    assertThat(ids(KeyStatus.PENDING)).containsExactly("db1");
  }

  @Test
  void accept_commaList_andPromptAnsweredWithEnter_acceptsBoth() throws Exception {
    Result r = cli.runWithStdin("\n", "key", "-a", "web2,db1");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .isEqualTo(
            lines("The following keys are going to be accepted:", "Unaccepted Keys:", "db1", "web2")
                + "Proceed? [n/Y] "
                + lines("Key for minion db1 accepted.", "Key for minion web2 accepted."));
    assertThat(ids(KeyStatus.PENDING)).isEmpty();
  }

  @Test
  void accept_promptAnsweredNo_changesNothing() throws Exception {
    Result r = cli.runWithStdin("n\n", "key", "-A");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).doesNotContain("Key for minion");
    assertThat(ids(KeyStatus.PENDING)).containsExactly("db1", "web2");
  }

  @Test
  void accept_noAnswerAtAll_isAnError_notADefault() throws Exception {
    Result r = cli.run("key", "-A");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(KeyCommand.ERROR);
    assertThat(r.err()).contains("use -y");
    assertThat(ids(KeyStatus.PENDING)).containsExactly("db1", "web2");
  }

  @Test
  void acceptAll_json_printsTheAcceptedKeysInSaltsShape() throws Exception {
    Result r = cli.run("key", "-A", "-y", "--out", "json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(new ObjectMapper().readTree(r.out()).toString())
        .isEqualTo("{\"minions\":[\"db1\",\"web2\"]}");
  }

  @Test
  void accept_noMatch_exitsThree_withSaltKeysMessage() {
    Result r = cli.run("key", "-a", "nope*", "-y");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(KeyCommand.NO_MATCH);
    assertThat(r.err())
        .isEqualTo(lines("The key glob 'nope*' does not match any unaccepted keys."));
    assertThat(r.out()).isEmpty();
  }

  @Test
  void accept_rejectedKeyNeedsIncludeRejected() throws Exception {
    Result without = cli.run("key", "-a", "bad1", "-y");
    Result with = cli.run("key", "-a", "bad1", "-y", "--include-rejected");

    assertThat(without.exitCode()).isEqualTo(KeyCommand.NO_MATCH);
    assertThat(with.exitCode()).as(with.toString()).isZero();
    assertThat(ids(KeyStatus.ACCEPTED)).containsExactly("bad1", "web1");
  }

  @Test
  void accept_includeDenied_replacesTheAcceptedKey() throws Exception {
    Result r = cli.run("key", "-a", "web1", "-y", "--include-denied");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(pki.publicKeyPem(KeyStatus.ACCEPTED, MinionId.of("web1"))).contains(KEY_B);
    assertThat(ids(KeyStatus.DENIED)).isEmpty();
  }

  @Test
  void reject_pending_thenRejectAll_thenAcceptedOnlyWithIncludeAccepted() throws Exception {
    assertThat(cli.run("key", "-r", "db1", "-y").out())
        .isEqualTo(lines("Key for minion db1 rejected."));
    assertThat(cli.run("key", "-R", "-y").out()).isEqualTo(lines("Key for minion web2 rejected."));
    assertThat(cli.run("key", "-r", "web1", "-y").exitCode()).isEqualTo(KeyCommand.NO_MATCH);

    Result r = cli.run("key", "-r", "web1", "-y", "--include-all");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(ids(KeyStatus.REJECTED)).containsExactly("bad1", "db1", "web1", "web2");
    assertThat(ids(KeyStatus.ACCEPTED)).isEmpty();
  }

  @Test
  void delete_promptDefaultsToNo_yesDeletesInEveryStatus() throws Exception {
    Result declined = cli.runWithStdin("\n", "key", "-d", "web1");

    assertThat(declined.out())
        .isEqualTo(
            lines(
                    "The following keys are going to be deleted:",
                    "Accepted Keys:",
                    "web1",
                    "Denied Keys:",
                    "web1")
                + "Proceed? [N/y] ");
    assertThat(ids(KeyStatus.ACCEPTED)).containsExactly("web1");

    Result r = cli.runWithStdin("y\n", "key", "-d", "web1");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).endsWith("Proceed? [N/y] " + lines("Key for minion web1 deleted."));
    assertThat(pki.statuses(MinionId.of("web1"))).isEmpty();
  }

  @Test
  void deleteAll_withYes_emptiesTheFolder_thenNothingMatches() throws Exception {
    assertThat(cli.run("key", "-D", "-y").exitCode()).isZero();
    for (KeyStatus status : KeyStatus.values()) {
      assertThat(ids(status)).isEmpty();
    }

    Result again = cli.run("key", "-D", "-y");

    assertThat(again.exitCode()).isEqualTo(KeyCommand.NO_MATCH);
  }

  @Test
  void quiet_printsNothing_butStillActs() throws Exception {
    Result r = cli.run("key", "-A", "-y", "-q");

    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEmpty();
    assertThat(ids(KeyStatus.PENDING)).isEmpty();
    assertThat(cli.run("key", "-a", "zzz", "-q").err()).isEmpty();
  }

  @Test
  void repeatedFlags_areHarmless_asInSaltKey() throws Exception {
    Result r = cli.run("key", "-y", "-A", "-y", "-q", "-q");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(ids(KeyStatus.PENDING)).isEmpty();
  }

  // --- print and fingerprints

  @Test
  void print_text_showsThePemUnderItsStatus() {
    Result r = cli.run("key", "-p", "db1");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo(lines("Unaccepted Keys:", "db1:  " + KEY_B.stripTrailing()));
  }

  @Test
  void printAll_json_mapsIdsToPems() throws Exception {
    JsonNode json = new ObjectMapper().readTree(cli.run("key", "-P", "--out", "json").out());

    assertThat(json.get("minions").get("web1").asText()).isEqualTo(KEY_A.stripTrailing());
    assertThat(json.get("minions_denied").get("web1").asText()).isEqualTo(KEY_B.stripTrailing());
  }

  @Test
  void finger_text_saltFormat_withTheMastersOwnKeyAsLocal() throws Exception {
    Files.writeString(dir.resolve("pki/master/master.pub"), KEY_B);

    Result r = cli.run("key", "-f", "web2");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .isEqualTo(
            lines(
                "Local Keys:",
                "master.pub:  " + Fingerprints.salt(KEY_B),
                "Unaccepted Keys:",
                "web2:  " + Fingerprints.salt(KEY_A)));
  }

  @Test
  void fingerAll_json_withoutMasterPub_hasNoLocal() throws Exception {
    JsonNode json = new ObjectMapper().readTree(cli.run("key", "-F", "--out", "json").out());

    assertThat(json.has("local")).isFalse();
    assertThat(json.get("minions_rejected").get("bad1").asText())
        .isEqualTo(Fingerprints.salt(KEY_A));
  }

  @Test
  void finger_noMatch_exitsThree() {
    assertThat(cli.run("key", "-f", "zzz").exitCode()).isEqualTo(KeyCommand.NO_MATCH);
  }

  // --- usage errors exit 2

  @Test
  void usageErrors_exitTwo_withOneLineAndAHint() {
    List<String[]> bad = new ArrayList<>();
    bad.add(new String[] {"key", "-a", "web1", "-r", "web2"});
    bad.add(new String[] {"key", "-l", "bogus"});
    bad.add(new String[] {"key", "-a"});
    bad.add(new String[] {"key", "-a", "-y"});
    bad.add(new String[] {"key", "-a", "web1,,db1"});
    bad.add(new String[] {"key", "--out", "xml"});
    bad.add(new String[] {"key", "--bogus"});
    bad.add(new String[] {"key", "extra"});
    bad.add(new String[] {"key", "--gen-keys", "a/b"});
    bad.add(new String[] {"key", "--gen-keys", "m", "--keysize", "big"});
    bad.add(new String[] {"key", "-c", "a.yaml", "-c", "b.yaml"});
    for (String[] args : bad) {
      Result r = cli.run(args);
      assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r).isEqualTo(KeyCommand.USAGE);
      assertThat(r.err())
          .as(String.join(" ", args))
          .startsWith("Error: ")
          .endsWith("Try 'brine key --help' for usage." + NL);
      assertThat(r.err().lines()).hasSize(2);
    }
  }

  @Test
  void missingConfigOrPkiFolder_isAnError_exitOne() throws Exception {
    Result noConfig = cli.run("key", "-L", "-c", dir.resolve("none.yaml").toString());
    Path empty =
        Files.writeString(
            dir.resolve("other.yaml"), "pki_dir: elsewhere\nvault:\n  storage_dir: v\n");
    Result noPki = cli.run("key", "-L", "-c", empty.toString());

    assertThat(noConfig.exitCode()).isEqualTo(KeyCommand.ERROR);
    assertThat(noConfig.err()).startsWith("Error: ").contains("no such config file");
    assertThat(noPki.exitCode()).isEqualTo(KeyCommand.ERROR);
    assertThat(noPki.err()).contains("no PKI folder at");
    assertThat(dir.resolve("elsewhere")).doesNotExist();
  }

  @Test
  void help_documentsTheExitCodes_andTheOfflineMode() {
    Result r = cli.run("key", "--help");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("3 no key matched")
        .contains("Online mode")
        .contains("Offline mode")
        .contains("BRINE_TOKEN")
        .contains("--rotate");
  }

  // --- gen-keys

  @Test
  void genKeys_writesPem0600AndPub0644_printsTheFingerprint_neverOverwrites() throws Exception {
    Path out = dir.resolve("keys");

    Result r =
        cli.run(
            "key", "--gen-keys", "minion", "--gen-keys-dir", out.toString(), "--keysize", "1024");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    Path pem = out.resolve("minion.pem");
    Path pub = out.resolve("minion.pub");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pem)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pub)))
        .isEqualTo("rw-r--r--");
    String pubText = Files.readString(pub);
    assertThat(r.out()).isEqualTo(lines("minion.pub:  " + Fingerprints.salt(pubText)));
    RSAPublicKey key = Pem.readPublicKey(pubText);
    assertThat(RsaKeys.modulusBits(key))
        .as("below 2048 is raised, as salt-key does")
        .isEqualTo(2048);
    assertThat(Pem.readPrivateKey(Files.readAllBytes(pem)).getPublic()).isEqualTo(key);

    Result again = cli.run("key", "--gen-keys", "minion", "--gen-keys-dir", out.toString());

    assertThat(again.exitCode()).isEqualTo(KeyCommand.ERROR);
    assertThat(again.err()).contains("already exists");
    assertThat(Files.readString(pub)).isEqualTo(pubText);
  }

  private static String newKey() {
    try {
      return Pem.writePublicKey((RSAPublicKey) RsaKeys.generate(2048).getPublic())
          .replace("\r\n", "\n");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
