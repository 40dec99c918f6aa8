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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
    assertThat(c.grains()).containsEntry("datacenter", "east");
    assertThat(c.grainsFile()).isEqualTo(example.toAbsolutePath().resolveSibling("grains"));
  }

  @Test
  void example_withItsFailoverSettingsOn_isValid() throws Exception {
    String example;
    try (var in = MinionConfig.class.getResourceAsStream("/io/brine/minion/minion.example.yaml")) {
      example = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    String list =
        example.lines()
            .filter(l -> l.startsWith("#   master: ["))
            .findFirst()
            .orElseThrow()
            .substring("#   ".length());
    String on =
        example
            .replaceAll(
                "(?m)^# (master_type|master_alive_interval|random_master|master_failback"
                    + "|master_failback_interval):",
                "$1:")
            .replaceFirst("(?m)^master: salt$", java.util.regex.Matcher.quoteReplacement(list));

    MinionConfig c = load(on);

    assertThat(c.masters())
        .map(MasterAddress::toString)
        .containsExactly("m1.example.net:4506", "m2.example.net:4506", "m3.example.net:4507");
    assertThat(c.failover())
        .isEqualTo(
            new FailoverConfig(
                FailoverConfig.Type.FAILOVER,
                Duration.ofSeconds(30),
                true,
                true,
                Duration.ofSeconds(60)));
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

  // ---- several masters (Salt's failover keys) ----

  @ParameterizedTest(name = "master: {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "m1                         | m1:4506",
        "m2.example.net:4507        | m2.example.net:4507",
        "10.0.0.7                   | 10.0.0.7:4506",
        "10.0.0.7:5000              | 10.0.0.7:5000",
        "'\"[::1]:4508\"'           | [::1]:4508",
        "'\"[fd00::7]\"'            | [fd00::7]:4506",
        "'\"::1\"'                  | [::1]:4506",
        "salt.example.net.          | salt.example.net.:4506",
        "'[m1, \"m2:4507\", \"[::1]:4508\"]' | m1:4506, m2:4507, [::1]:4508",
        "'\\n  - a\\n  - b:1\\n'      | a:4506, b:1",
      })
  void master_entries_takeTheirPortOrMasterPort(String yaml, String expected) throws Exception {
    MinionConfig c = load("master: " + lines(yaml) + "\nid: web1\npki_dir: pki\n");

    assertThat(c.masters()).map(MasterAddress::toString).containsExactly(expected.split(", "));
    assertThat(c.master()).as("the first master's host").isEqualTo(c.masters().get(0).host());
  }

  @ParameterizedTest(name = "master: {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "m1:0                    | master: entry 'm1:0' has port 0, expected 1 to 65535",
        "m1:70000                | master: entry 'm1:70000' has port 70000, expected 1 to 65535",
        "m1:http                 | master: entry 'm1:http' has a port that is not a number",
        "'\"m1:\"'               | master: entry 'm1:' has a port that is not a number",
        "'\"[::1\"'              | master: entry '[::1' has '[' without ']'",
        "'\"[::1]x\"'            | master: entry '[::1]x' has something other than ':port' after ']'",
        "'\"[m1]:4506\"'         | master: entry '[m1]:4506' is not an IPv6 address",
        "'\"fe80::zz\"'          | master: entry 'fe80::zz' is not an IPv6 address",
        "'\"a b\"'               | master: entry 'a b' is not a host name or address",
        "'\"-m1\"'               | master: entry '-m1' is not a host name or address",
        "'[m1, m1:4506]'         | master: entry 'm1:4506' is listed twice",
        "'[]'                    | master: the list is empty",
        "'[m1, 7]'               | master: entry 2 is a number, expected a string",
        "'[m1, {m2: 1}]'         | master: entry 2 is a mapping, expected a string",
        "'{m1: 1}'               | master: expected a string or a list of strings, got a mapping",
      })
  void master_badEntries_areOneLineErrors_namingTheKeyAndTheEntry(String yaml, String message) {
    assertThatThrownBy(() -> load("master: " + lines(yaml) + "\nid: web1\npki_dir: pki\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("minion.yaml: " + message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void failover_defaultsAreSalts_oneMasterNoCheck() throws Exception {
    MinionConfig c = load("master: m1\nid: web1\npki_dir: pki\n");

    assertThat(c.failover()).isEqualTo(FailoverConfig.NONE);
    assertThat(c.failover().checksAlive()).isFalse();
  }

  @Test
  void failover_everyKey() throws Exception {
    MinionConfig c =
        load(
            "master: [m1, m2]\nid: web1\npki_dir: pki\nmaster_type: failover\n"
                + "master_alive_interval: 30\nrandom_master: true\nmaster_failback: true\n"
                + "master_failback_interval: 120\n");

    assertThat(c.failover())
        .isEqualTo(
            new FailoverConfig(
                FailoverConfig.Type.FAILOVER,
                Duration.ofSeconds(30),
                true,
                true,
                Duration.ofSeconds(120)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // the keys after master: [m1, m2] | type, alive, random, failback, failback interval
        "''                                              | STR, 0, false, false, 0",
        "master_type: STR                                | STR, 0, false, false, 0",
        "master_alive_interval: -1                       | STR, 0, false, false, 0",
        "master_shuffle: true                            | STR, 0, true, false, 0",
        "random_master: true\\nmaster_shuffle: true       | STR, 0, true, false, 0",
        "master_failback: true\\nmaster_alive_interval: 9 | STR, 9, false, true, 9",
        "master_failback: false\\nmaster_failback_interval: 5 | STR, 0, false, false, 5",
      })
  void failover_table(String keys, String expected) throws Exception {
    MinionConfig c = load("master: [m1, m2]\nid: web1\npki_dir: pki\n" + lines(keys) + "\n");
    FailoverConfig f = c.failover();

    assertThat(
            String.join(
                ", ",
                f.type().toString(),
                String.valueOf(f.aliveInterval().toSeconds()),
                String.valueOf(f.randomMaster()),
                String.valueOf(f.failback()),
                String.valueOf(f.failbackInterval().toSeconds())))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "master_type: func       | master_type: 'func' is Salt's and not supported by brine; use str or failover",
        "master_type: disable    | master_type: 'disable' is Salt's and not supported by brine",
        "master_type: distributed | master_type: 'distributed' is Salt's and not supported by brine",
        "master_type: hot        | master_type: expected one of str, failover, got 'hot'",
        "master_alive_interval: -2 | master_alive_interval: must be between -1 and 86400",
        "master_alive_interval: '\"30\"' | master_alive_interval: expected a whole number",
        "random_master: 'yes please' | random_master: expected true or false",
        "random_master: true\\nmaster_shuffle: false | master_shuffle: is random_master's older name and says otherwise",
        "master_failback: true   | master_failback: needs master_failback_interval (or master_alive_interval)",
        "master_failback_interval: -1 | master_failback_interval: must be between 0 and 86400",
      })
  void failover_badValues_areOneLineErrors(String keys, String message) {
    assertThatThrownBy(() -> load("master: [m1, m2]\nid: web1\npki_dir: pki\n" + lines(keys) + "\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("minion.yaml: " + message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void failback_withOneMaster_isIgnored_asSaltDoes() throws Exception {
    MinionConfig c = load("master: m1\nid: web1\npki_dir: pki\nmaster_failback: true\n");

    assertThat(c.failover().failback()).isFalse();
  }

  /** A table cell's {@code \\n}: a line break (a CSV row is one line). */
  private static String lines(String cell) {
    return cell.replace("\\n", "\n");
  }

  private MinionConfig load(String yaml) throws Exception {
    Path file = dir.resolve("minion.yaml");
    Files.writeString(file, yaml);
    return MinionConfig.load(file);
  }

  // Issue 18: Salt's root_dir was refused as an unknown key.
  @Test
  void rootDir_prefixesPkiDirAndCachedir_asSaltDoes() throws Exception {
    MinionConfig given =
        load("master: m\nid: web1\nroot_dir: /srv/m1\npki_dir: /etc/salt/pki/minion\n");
    MinionConfig defaults = load("master: m\nid: web1\nroot_dir: /srv/m1\n");

    assertThat(given.pkiDir()).isEqualTo(Path.of("/srv/m1/etc/salt/pki/minion"));
    assertThat(defaults.pkiDir()).isEqualTo(Path.of("/srv/m1/etc/salt/pki/minion"));
    assertThat(defaults.cachedir()).isEqualTo(Path.of("/srv/m1/var/cache/salt/minion"));
  }
}
