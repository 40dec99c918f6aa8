package io.brine.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.master.config.MasterConfig;
import io.brine.minion.config.MinionConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped examples/master.yaml and examples/minion.yaml load with the config classes the
 * daemons use, which are strict (an unknown key fails): an example that drifts from the code fails
 * the build. The commented-out settings are checked too, by loading a copy with them uncommented.
 */
class ExampleConfigsTest {
  private static final Path EXAMPLES = Path.of("src/dist/examples");

  /** "# key: value" or "  #   key: value": a setting left commented out, not prose. */
  private static final Pattern COMMENTED_SETTING =
      Pattern.compile("^(\\s*)# ?(\\s*[a-z_]+:(?: .*)?)$");

  @TempDir Path tmp;

  @Test
  void masterExampleLoads() throws Exception {
    MasterConfig config = MasterConfig.load(EXAMPLES.resolve("master.yaml"));

    assertThat(config.pkiDir()).isEqualTo(Path.of("/etc/brine/pki"));
    assertThat(config.keysize()).isEqualTo(4096);
    assertThat(config.autoAccept()).isFalse();
    assertThat(config.vault().storageDir()).isEqualTo(Path.of("/var/lib/brine/vault"));
    assertThat(config.minions().retPort()).isEqualTo(4506);
    assertThat(config.minions().interfaceHost()).isEqualTo("0.0.0.0");
  }

  @Test
  void masterExampleLoadsWithEveryCommentedSettingOn() throws Exception {
    // The TLS files must exist when the config is read: point them at two empty files.
    Path cert = Files.createFile(tmp.resolve("api.crt"));
    Path key = Files.createFile(tmp.resolve("api.key"));
    List<String> on = new ArrayList<>();
    Path file =
        uncommented(
            EXAMPLES.resolve("master.yaml"),
            on,
            line ->
                line.replace("/etc/brine/tls/api.crt", cert.toString())
                    .replace("/etc/brine/tls/api.key", key.toString()));

    assertThat(on)
        .contains(
            "autosign_file",
            "autoreject_file",
            "handshake_threads",
            "tls_cert_file",
            "tls_key_file",
            "seal",
            "type",
            "lib",
            "token_label",
            "pin_env",
            "key_label");
    MasterConfig config = MasterConfig.load(file);
    assertThat(config.autosignFile()).isEqualTo(Path.of("/etc/brine/autosign.conf"));
    assertThat(config.minions().handshakeThreads()).isEqualTo(8);
    assertThat(config.vault().seal().pkcs11()).isNotNull();
  }

  @Test
  void minionExampleLoads() throws Exception {
    MinionConfig config = MinionConfig.load(EXAMPLES.resolve("minion.yaml"));

    assertThat(config.master()).isEqualTo("brine-master.example.com");
    assertThat(config.masterPort()).isEqualTo(4506);
    assertThat(config.pkiDir()).isEqualTo(Path.of("/etc/brine/pki"));
    assertThat(config.acceptanceWaitTimeMax()).isEqualTo(Duration.ofSeconds(300));
    assertThat(config.masterFinger()).isNull();
  }

  @Test
  void minionExampleLoadsWithEveryCommentedSettingOn() throws Exception {
    List<String> on = new ArrayList<>();
    Path file = uncommented(EXAMPLES.resolve("minion.yaml"), on, line -> line);

    assertThat(on).containsExactlyInAnyOrder("id", "master_finger");
    MinionConfig config = MinionConfig.load(file);
    assertThat(config.id().value()).isEqualTo("web1.example.com");
    assertThat(config.masterFinger()).isNotNull();
  }

  /** A copy of {@code example} with its commented-out settings on; their keys go to {@code on}. */
  private Path uncommented(
      Path example, List<String> on, UnaryOperator<String> edit)
      throws IOException {
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(example)) {
      Matcher m = COMMENTED_SETTING.matcher(line);
      if (m.matches()) {
        String setting = m.group(2);
        on.add(setting.strip().substring(0, setting.strip().indexOf(':')));
        line = m.group(1) + setting;
      }
      lines.add(edit.apply(line));
    }
    Path copy = tmp.resolve(example.getFileName());
    Files.write(copy, lines);
    return copy;
  }
}
