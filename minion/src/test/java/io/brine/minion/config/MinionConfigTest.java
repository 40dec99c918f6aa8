package io.brine.minion.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.common.config.ConfigException;
import io.brine.crypto.CryptoProviders;
import io.brine.protocol.wire.Wire;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MinionConfigTest {
  @TempDir Path dir;

  @Test
  void load_minimalFile_hasSaltsDefaults() throws Exception {
    MinionConfig c = load("master: salt.example.net\nid: web1\npki_dir: pki\n");

    assertThat(c.master()).isEqualTo("salt.example.net");
    assertThat(c.masterPort()).isEqualTo(4506);
    assertThat(c.id().value()).isEqualTo("web1");
    assertThat(c.pkiDir()).isEqualTo(dir.resolve("pki"));
    assertThat(c.minionPkiDir()).isEqualTo(dir.resolve("pki/minion"));
    assertThat(c.keysize()).isEqualTo(2048);
    assertThat(c.acceptanceWaitTime()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.acceptanceWaitTimeMax()).isEqualTo(Duration.ZERO);
    assertThat(c.masterFinger()).isNull();
    assertThat(c.maxFrameBytes()).isEqualTo(Wire.DEFAULT_MAX_FRAME_BYTES);
    assertThat(c.reconnectWaitMax()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.cachedir()).as("beside pki_dir, as the master's").isEqualTo(dir.resolve("cache"));
    assertThat(c.publishMaxAge()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void load_everyKey() throws Exception {
    String finger = String.join(":", java.util.Collections.nCopies(32, "ab"));
    MinionConfig c =
        load(
            "master: 10.0.0.1\nmaster_port: 5506\nid: db-2.example\npki_dir: /etc/brine/pki\n"
                + "keysize: 4096\nacceptance_wait_time: 10\nacceptance_wait_time_max: 120\n"
                + "master_finger: \""
                + finger
                + "\"\nmax_frame_bytes: 2097152\nreconnect_wait_max: 30\n"
                + "cachedir: /var/cache/brine/minion\npublish_max_age: 120\n");

    assertThat(c.masterPort()).isEqualTo(5506);
    assertThat(c.id().value()).isEqualTo("db-2.example");
    assertThat(c.pkiDir()).isEqualTo(Path.of("/etc/brine/pki"));
    assertThat(c.keysize()).isEqualTo(4096);
    assertThat(c.acceptanceWaitTimeMax()).isEqualTo(Duration.ofSeconds(120));
    assertThat(c.masterFinger()).isEqualTo(finger);
    assertThat(c.maxFrameBytes()).isEqualTo(2097152);
    assertThat(c.reconnectWaitMax()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.cachedir()).isEqualTo(Path.of("/var/cache/brine/minion"));
    assertThat(c.publishMaxAge()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void load_withoutId_usesAValidHostName() throws Exception {
    MinionConfig c = load("master: m\npki_dir: pki\n");
    assertThat(c.id().value()).isNotEmpty();
  }

  @Test
  void load_missingMaster_isOneLineError() {
    assertThatThrownBy(() -> load("id: web1\npki_dir: pki\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith("minion.yaml: master: required key is missing");
  }

  @Test
  void load_missingPkiDir_isAnError() {
    assertThatThrownBy(() -> load("master: m\nid: web1\n"))
        .hasMessageEndingWith("pki_dir: required key is missing");
  }

  @Test
  void load_badId_isOneLineError() {
    assertThatThrownBy(() -> load("master: m\nid: ../etc/passwd\npki_dir: pki\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("minion.yaml: id: minion id '../etc/passwd' starts with '.'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThatThrownBy(() -> load("master: m\nid: a/b\npki_dir: pki\n"))
        .hasMessageContaining("id: minion id 'a/b' has a character that is not allowed");
  }

  @Test
  void load_unknownKey_namesTheKnownOnes() {
    assertThatThrownBy(() -> load("master: m\nid: web1\npki_dir: pki\nmaster_prot: 4506\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("master_prot: unknown key; known keys here: acceptance_wait_time");
  }

  @Test
  void load_badValues_nameTheKey() {
    assertThatThrownBy(() -> load("master: m\nid: w\npki_dir: p\nmaster_port: 70000\n"))
        .hasMessageContaining("master_port: must be between 1 and 65535");
    assertThatThrownBy(() -> load("master: m\nid: w\npki_dir: p\nkeysize: 1024\n"))
        .hasMessageContaining("keysize: must be between 2048 and 16384");
    assertThatThrownBy(() -> load("master: m\nid: w\npki_dir: p\nacceptance_wait_time: \"30\"\n"))
        .hasMessageContaining("acceptance_wait_time: expected a whole number");
    assertThatThrownBy(() -> load("master: m\nid: w\npki_dir: p\nmaster_finger: ab:cd\n"))
        .hasMessageContaining("master_finger: expected 32 colon-separated hex pairs");
    assertThatThrownBy(() -> load("master: m\nid: w\npki_dir: p\nreconnect_wait_max: 0\n"))
        .hasMessageContaining("reconnect_wait_max: must be between 1 and 86400");
    assertThatThrownBy(() -> load("master: m\nid: w\npki_dir: p\npublish_max_age: 0\n"))
        .hasMessageContaining("publish_max_age: must be between 1 and 86400");
  }

  @Test
  void example_isValid() throws Exception {
    Path example = dir.resolve("minion.yaml");
    try (var in = MinionConfig.class.getResourceAsStream("/io/brine/minion/minion.example.yaml")) {
      assertThat(in).isNotNull();
      Files.write(example, in.readAllBytes());
    }
    MinionConfig c = MinionConfig.load(example);
    assertThat(c.master()).isEqualTo("salt");
  }

  @Test
  void cryptoProvider_defaultsToAuto_andRefusesAnUnknownOneInOneLine() throws Exception {
    String minimal = "master: salt\nid: web1\npki_dir: pki\n";
    assertThat(load(minimal).cryptoProvider()).isEqualTo(CryptoProviders.Choice.AUTO);
    assertThat(load(minimal + "crypto_provider: jdk\n").cryptoProvider())
        .isEqualTo(CryptoProviders.Choice.JDK);
    assertThatThrownBy(() -> load(minimal + "crypto_provider: bc\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith("crypto_provider: expected one of auto, accp, jdk, got 'bc'");
  }

  private MinionConfig load(String yaml) throws Exception {
    Path file = dir.resolve("minion.yaml");
    Files.writeString(file, yaml);
    return MinionConfig.load(file);
  }
}
