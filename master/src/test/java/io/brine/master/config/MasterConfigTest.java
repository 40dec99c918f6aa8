package io.brine.master.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.common.config.ConfigException;
import io.brine.crypto.CryptoProviders;
import io.brine.vault.seal.Pkcs11Config;
import io.brine.vault.seal.SealConfiguration;
import io.brine.vault.storage.postgresql.PostgresqlConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterConfigTest {
  @TempDir Path dir;

  private Path file(String yaml) throws IOException {
    Path f = dir.resolve("master.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private static final String MINIMAL = "pki_dir: pki\nvault:\n  storage_dir: vault\n";

  @Test
  void cryptoProvider_defaultsToAuto_takesJdkAndAccp_andRefusesOthersInOneLine() throws Exception {
    assertThat(MasterConfig.load(file(MINIMAL)).cryptoProvider())
        .isEqualTo(CryptoProviders.Choice.AUTO);
    assertThat(MasterConfig.load(file(MINIMAL + "crypto_provider: jdk\n")).cryptoProvider())
        .isEqualTo(CryptoProviders.Choice.JDK);
    assertThat(MasterConfig.load(file(MINIMAL + "crypto_provider: ACCP\n")).cryptoProvider())
        .isEqualTo(CryptoProviders.Choice.ACCP);
    assertThatThrownBy(() -> MasterConfig.load(file(MINIMAL + "crypto_provider: openssl\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith("crypto_provider: expected one of auto, accp, jdk, got 'openssl'");
  }

  @Test
  void pillar_takesSaltsKeys_andBindsSecretPolicies_toMinionGlobs() throws Exception {
    MasterConfig defaults = MasterConfig.load(file(MINIMAL));
    assertThat(defaults.pillar().roots()).containsExactly(Path.of("/srv/pillar"));
    assertThat(defaults.pillar().strategy()).isEqualTo(io.brine.master.pillar.MergeStrategy.SMART);
    assertThat(defaults.pillar().mergeLists()).isFalse();
    assertThat(defaults.pillar().secretPolicies().isEmpty()).isTrue();
    assertThat(MasterConfig.load(file(MINIMAL + "root_dir: root\n")).pillar().roots())
        .as("under root_dir")
        .containsExactly(dir.resolve("root/srv/pillar"));

    MasterConfig c =
        MasterConfig.load(
            file(
                MINIMAL
                    + "pillar_roots:\n  base:\n    - pillar\n    - /srv/more\n"
                    + "pillar_source_merging_strategy: overwrite\n"
                    + "pillar_merge_lists: true\n"
                    + "pillar_secret_policies:\n"
                    + "  'web*': [web-db, Common]\n"
                    + "  db1: db\n"));
    assertThat(c.pillar().roots()).containsExactly(dir.resolve("pillar"), Path.of("/srv/more"));
    assertThat(c.pillar().strategy()).isEqualTo(io.brine.master.pillar.MergeStrategy.OVERWRITE);
    assertThat(c.pillar().mergeLists()).isTrue();
    assertThat(c.pillar().secretPolicies().bindings())
        .containsExactly(
            Map.entry("web*", List.of("web-db", "common")), Map.entry("db1", List.of("db")));
    assertThat(
            c.pillar().secretPolicies().policiesFor(io.brine.protocol.MinionId.of("web1")))
        .containsExactly("web-db", "common");
    assertThat(MasterConfig.load(file(MINIMAL + "pillar_roots: [a, b]\n")).pillar().roots())
        .containsExactly(dir.resolve("a"), dir.resolve("b"));

    assertThatThrownBy(
            () -> MasterConfig.load(file(MINIMAL + "pillar_source_merging_strategy: aggregate\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith(
            "pillar_source_merging_strategy: expected one of smart, recurse, overwrite, got"
                + " 'aggregate'");
    assertThatThrownBy(
            () -> MasterConfig.load(file(MINIMAL + "pillar_secret_policies:\n  'web*': [a, 3]\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("pillar_secret_policies.web*: entry 2 is");
    assertThatThrownBy(() -> MasterConfig.load(file(MINIMAL + "pillar_roots:\n  prod: [x]\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("pillar_roots.prod: unknown key");
  }

  @Test
  void load_fullFile_readsEveryKey_andResolvesRelativePathsFromTheFilesFolder() throws Exception {
    Files.writeString(dir.resolve("api.crt"), "cert");
    Files.writeString(dir.resolve("api.key"), "key");
    Path f =
        file(
            "pki_dir: pki\n"
                + "keysize: 2048\n"
                + "vault:\n"
                + "  storage_dir: /var/lib/brine/vault\n"
                + "  api_addr: 0.0.0.0:8201\n"
                + "  tls_cert_file: api.crt\n"
                + "  tls_key_file: ./api.key\n"
                + "  max_request_bytes: 4096\n"
                + "  seal:\n"
                + "    type: pkcs11\n"
                + "    lib: /usr/lib/softhsm/libsofthsm2.so\n"
                + "    token_label: brine\n"
                + "    pin_file: secrets/pin\n"
                + "    key_label: brine-unseal\n");

    MasterConfig c = MasterConfig.load(f);

    assertThat(c.file()).isEqualTo(f);
    assertThat(c.pkiDir()).isEqualTo(dir.resolve("pki"));
    assertThat(c.masterPublicKeyFile()).isEqualTo(dir.resolve("pki/master/master.pub"));
    assertThat(c.keysize()).isEqualTo(2048);
    VaultConfig v = c.vault();
    assertThat(v.storageDir()).isEqualTo(Path.of("/var/lib/brine/vault"));
    assertThat(v.apiHost()).isEqualTo("0.0.0.0");
    assertThat(v.apiPort()).isEqualTo(8201);
    assertThat(v.tls()).isTrue();
    assertThat(v.tlsCertFile()).isEqualTo(dir.resolve("api.crt"));
    assertThat(v.tlsKeyFile()).isEqualTo(dir.resolve("api.key"));
    assertThat(v.maxRequestBytes()).isEqualTo(4096);
    assertThat(v.seal())
        .isEqualTo(
            SealConfiguration.pkcs11(
                new Pkcs11Config(
                    "/usr/lib/softhsm/libsofthsm2.so",
                    null,
                    "brine",
                    null,
                    dir.resolve("secrets/pin").toString(),
                    "brine-unseal")));
  }

  @Test
  void load_minimalFile_usesDefaults() throws Exception {
    MasterConfig c = MasterConfig.load(file(MINIMAL));

    assertThat(c.keysize()).isEqualTo(4096);
    assertThat(c.vault().storageDir()).isEqualTo(dir.resolve("vault"));
    assertThat(c.vault().apiHost()).isEqualTo("127.0.0.1");
    assertThat(c.vault().apiPort()).isEqualTo(8200);
    assertThat(c.vault().tls()).isFalse();
    assertThat(c.vault().maxRequestBytes()).isEqualTo(65536);
    assertThat(c.vault().seal()).isEqualTo(SealConfiguration.shamir());
    assertThat(c.autoAccept()).isFalse();
    assertThat(c.autosignFile()).isNull();
    assertThat(c.autorejectFile()).isNull();
    MasterConfig.Minions m = c.minions();
    assertThat(m.interfaceHost()).isEqualTo("0.0.0.0");
    assertThat(m.retPort()).isEqualTo(4506);
    assertThat(m.publishSession()).isEqualTo(Duration.ofDays(1));
    assertThat(m.reauthWindow()).isEqualTo(Duration.ofSeconds(60));
    assertThat(m.maxFrameBytes()).isEqualTo(1024 * 1024);
    assertThat(m.handshakeThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(m.maxPendingHandshakes()).isEqualTo(1024);
  }

  @Test
  void masterKeyGrace_shorterThanTwiceTheReauthWindow_isRefused() throws Exception {
    // Connected minions meet a new master key only at their REAUTH, within reauth_window.
    assertThatThrownBy(
            () -> MasterConfig.load(file(MINIMAL + "reauth_window: 60\nmaster_key_grace: 90s\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith(
            "master_key_grace: must be 0 or at least twice reauth_window (120s), or connected"
                + " minions are locked out by a rotation");
    assertThat(
            MasterConfig.load(file(MINIMAL + "reauth_window: 60\nmaster_key_grace: 0\n"))
                .masterKeyGrace())
        .isZero();
    assertThat(
            MasterConfig.load(file(MINIMAL + "reauth_window: 60\nmaster_key_grace: 120\n"))
                .masterKeyGrace())
        .isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void masterKeyGrace_defaultsToAWeek_takesDurationsOrSeconds_andRefusesNonsenseByName()
      throws Exception {
    assertThat(MasterConfig.load(file(MINIMAL)).masterKeyGrace()).isEqualTo(Duration.ofDays(7));
    assertThat(MasterConfig.load(file(MINIMAL + "master_key_grace: 90m\n")).masterKeyGrace())
        .isEqualTo(Duration.ofMinutes(90));
    assertThat(MasterConfig.load(file(MINIMAL + "master_key_grace: 3600\n")).masterKeyGrace())
        .isEqualTo(Duration.ofHours(1));
    for (String bad : List.of("soon", "-1h", "100000h", "true")) {
      assertThatThrownBy(() -> MasterConfig.load(file(MINIMAL + "master_key_grace: " + bad + "\n")))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("master_key_grace");
    }
  }

  @Test
  void load_minionListenerKeys_readWithSaltsNames() throws Exception {
    MasterConfig c =
        MasterConfig.load(
            file(
                "interface: 127.0.0.1\n"
                    + "ret_port: 0\n"
                    + "publish_session: 3600\n"
                    + "reauth_window: 0\n"
                    + "max_frame_bytes: 65538\n"
                    + "handshake_threads: 3\n"
                    + "max_pending_handshakes: 10\n"
                    + "hello_timeout: 5\n"
                    + "refused_idle_timeout: 60\n"
                    + "max_handshakes_per_address: 4\n"
                    + MINIMAL));

    assertThat(c.minions())
        .isEqualTo(
            new MasterConfig.Minions(
                "127.0.0.1",
                0,
                Duration.ofHours(1),
                Duration.ZERO,
                65538,
                3,
                10,
                new MasterConfig.Admission(Duration.ofSeconds(5), Duration.ofSeconds(60), 4)));
  }

  @Test
  void load_apiLimits_readWithOpenBaosListenerNames_andDefault() throws Exception {
    MasterConfig c =
        MasterConfig.load(
            file(
                MINIMAL
                    + "  http_read_header_timeout: 5\n"
                    + "  http_read_timeout: 20\n"
                    + "  http_idle_timeout: 60\n"
                    + "  api_max_connections: 100\n"
                    + "  api_max_connections_per_address: 10\n"));

    assertThat(c.vault().apiLimits())
        .isEqualTo(
            new VaultConfig.ApiLimits(
                Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(60), 100, 10));
    assertThat(MasterConfig.load(file(MINIMAL)).vault().apiLimits())
        .isEqualTo(VaultConfig.ApiLimits.DEFAULTS)
        .isEqualTo(
            new VaultConfig.ApiLimits(
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(5), 256, 32));
  }

  @Test
  void load_apiLimitsOutOfRange_areRefusedByName() throws Exception {
    for (String line :
        new String[] {
          "http_read_header_timeout: 0",
          "http_read_timeout: 0",
          "http_idle_timeout: 0",
          "http_read_timeout: 30s",
          "api_max_connections: 0",
          "api_max_connections_per_address: 0"
        }) {
      Path f = file(MINIMAL + "  " + line + "\n");
      String key = line.substring(0, line.indexOf(':'));

      assertThatThrownBy(() -> MasterConfig.load(f))
          .as(line)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(key + ":");
    }
    Path headerLonger =
        file(MINIMAL + "  http_read_header_timeout: 40\n  http_read_timeout: 30\n");
    assertThatThrownBy(() -> MasterConfig.load(headerLonger))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http_read_timeout:")
        .hasMessageContaining("cannot be longer than http_read_timeout");
  }

  @Test
  void load_minionListenerKeysOutOfRange_areRefusedByName() throws Exception {
    for (String line :
        new String[] {
          "ret_port: 65536",
          "publish_session: 0",
          "reauth_window: -1",
          "max_frame_bytes: 1024",
          "handshake_threads: 0",
          "max_pending_handshakes: 0",
          "hello_timeout: 0",
          "refused_idle_timeout: 0",
          "max_handshakes_per_address: 0",
          "interface: ''"
        }) {
      Path f = file(line + "\n" + MINIMAL);
      String key = line.substring(0, line.indexOf(':'));

      assertThatThrownBy(() -> MasterConfig.load(f))
          .as(line)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(key + ":");
    }
  }

  @Test
  void load_keyAcceptanceKeys_readWithSaltsNames_pathsFromTheFilesFolder() throws Exception {
    MasterConfig c =
        MasterConfig.load(
            file(
                "pki_dir: pki\n"
                    + "auto_accept: true\n"
                    + "autosign_file: autosign.conf\n"
                    + "autoreject_file: /etc/brine/autoreject.conf\n"
                    + "vault:\n  storage_dir: vault\n"));

    assertThat(c.autoAccept()).isTrue();
    assertThat(c.autosignFile()).isEqualTo(dir.resolve("autosign.conf"));
    assertThat(c.autorejectFile()).isEqualTo(Path.of("/etc/brine/autoreject.conf"));
  }

  @Test
  void load_autoAcceptNotABoolean_isRefused() throws Exception {
    Path f = file("auto_accept: yes please\n" + MINIMAL);

    assertThatThrownBy(() -> MasterConfig.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("auto_accept: expected true or false");
  }

  @Test
  void load_pkcs11BySlotWithPinEnvDisabled_isAMigrationBackToShamir() throws Exception {
    MasterConfig c =
        MasterConfig.load(
            file(
                MINIMAL
                    + "  api_addr: '[::1]:0'\n"
                    + "  seal:\n"
                    + "    type: pkcs11\n"
                    + "    lib: libsofthsm2.so\n"
                    + "    slot: 7\n"
                    + "    pin_env: BRINE_HSM_PIN\n"
                    + "    key_label: k\n"
                    + "    disabled: true\n"));

    assertThat(c.vault().apiHost()).isEqualTo("::1");
    assertThat(c.vault().apiPort()).isZero();
    assertThat(c.vault().seal())
        .as("a bare library name is left to the loader's search path")
        .isEqualTo(
            SealConfiguration.migrateFromPkcs11(
                new Pkcs11Config("libsofthsm2.so", 7L, null, "BRINE_HSM_PIN", null, "k")));
  }

  @Test
  void load_shippedExample_isValid() throws Exception {
    Path example = dir.resolve("example.yaml");
    try (InputStream in =
        MasterConfig.class.getResourceAsStream("/io/brine/master/master.example.yaml")) {
      assertThat(in).as("master.example.yaml on the classpath").isNotNull();
      Files.copy(in, example);
    }

    MasterConfig c = MasterConfig.load(example);

    assertThat(c.pkiDir()).isEqualTo(Path.of("/etc/brine/pki"));
    assertThat(c.vault().apiPort()).isEqualTo(8200);
    assertThat(c.autoAccept()).as("auto_accept off, as Salt's default").isFalse();
    assertThat(c.minions().retPort()).isEqualTo(4506);
    assertThat(c.minions().reauthWindow()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.nodegroups().target("eastweb").expression())
        .isEqualTo(
            "( G@roles:web and not G@datacenter:test ) and ( G@datacenter:east or L@db1,db2 )");
    assertThat(c.nodegroups().target("dbs").expression()).isEqualTo("L@db1,db2");
  }

  @Test
  void load_badNodegroups_isOneLineNamingTheKey() throws Exception {
    Path f = file("nodegroups:\n  a: 'N@b'\n  b: 'web* or N@a'\n" + MINIMAL);
    assertThatThrownBy(() -> MasterConfig.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(f + ": nodegroups: ")
        .hasMessageContaining("cycle");
  }

  @Test
  void load_unknownKey_namesItAndTheFile() throws Exception {
    Path f = file(MINIMAL + "  sotrage_dir: x\n");

    assertThatThrownBy(() -> MasterConfig.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(f + ": vault.sotrage_dir: unknown key")
        .hasMessageContaining("storage_dir")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void load_pinInTheConfigFile_isRefusedWithAHint() throws Exception {
    Path f =
        file(
            MINIMAL
                + "  seal:\n    type: pkcs11\n    lib: /x.so\n    token_label: t\n"
                + "    pin: '1234'\n    key_label: k\n");

    assertThatThrownBy(() -> MasterConfig.load(f))
        .hasMessageContaining("vault.seal.pin: unknown key; the PIN never goes in the config file")
        .hasMessageNotContaining("1234");
  }

  @Test
  void load_missingStorageDir_isRefused() throws Exception {
    Path f = file("pki_dir: pki\nvault:\n  api_addr: 127.0.0.1:8200\n");

    assertThatThrownBy(() -> MasterConfig.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessage(f + ": vault.storage_dir: required key is missing");
  }

  @Test
  void load_missingVaultBlock_isRefused() throws Exception {
    Path f = file("pki_dir: pki\n");

    assertThatThrownBy(() -> MasterConfig.load(f))
        .hasMessage(f + ": vault: required key is missing");
  }

  @Test
  void load_badApiAddr_isRefused() throws Exception {
    for (String addr : new String[] {"localhost", "127.0.0.1:99999", "::1:8200", ":8200", "h:x"}) {
      Path f = file(MINIMAL + "  api_addr: '" + addr + "'\n");

      assertThatThrownBy(() -> MasterConfig.load(f))
          .as(addr)
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith(f + ": vault.api_addr: expected host:port");
    }
  }

  @Test
  void load_keysize1024_isRefused() throws Exception {
    Path f = file("keysize: 1024\n" + MINIMAL);

    assertThatThrownBy(() -> MasterConfig.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessage(f + ": keysize: must be between 2048 and 16384, got 1024");
  }

  @Test
  void load_keysizeAsText_isRefused() throws Exception {
    Path f = file("keysize: big\n" + MINIMAL);

    assertThatThrownBy(() -> MasterConfig.load(f))
        .hasMessage(f + ": keysize: expected a whole number, got a string");
  }

  @Test
  void load_tlsCertWithoutKey_isRefused() throws Exception {
    Files.writeString(dir.resolve("api.crt"), "cert");
    Path f = file(MINIMAL + "  tls_cert_file: api.crt\n");

    assertThatThrownBy(() -> MasterConfig.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessage(f + ": vault.tls_key_file: required when tls_cert_file is set");
  }

  @Test
  void load_tlsFilesMissing_isRefused() throws Exception {
    Path f = file(MINIMAL + "  tls_cert_file: api.crt\n  tls_key_file: api.key\n");

    assertThatThrownBy(() -> MasterConfig.load(f))
        .hasMessage(f + ": vault.tls_cert_file: cannot read " + dir.resolve("api.crt"));
  }

  @Test
  void load_pinEnvAndPinFileBoth_isRefused() throws Exception {
    Path f =
        file(
            MINIMAL
                + "  seal:\n"
                + "    type: pkcs11\n"
                + "    lib: /usr/lib/softhsm/libsofthsm2.so\n"
                + "    token_label: brine\n"
                + "    pin_env: BRINE_HSM_PIN\n"
                + "    pin_file: /etc/brine/pin\n"
                + "    key_label: brine-unseal\n");

    assertThatThrownBy(() -> MasterConfig.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessage(f + ": vault.seal.pin_file: set either pin_env or pin_file, not both");
  }

  @Test
  void load_pkcs11WithoutToken_isRefused() throws Exception {
    Path f =
        file(
            MINIMAL
                + "  seal:\n    type: pkcs11\n    lib: /x.so\n    pin_env: P\n    key_label: k\n");

    assertThatThrownBy(() -> MasterConfig.load(f))
        .hasMessageStartingWith(f + ": vault.seal.token_label: set token_label (or slot)");
  }

  @Test
  void load_shamirWithHsmKeys_isRefused() throws Exception {
    Path f = file(MINIMAL + "  seal:\n    type: shamir\n    lib: /x.so\n");

    assertThatThrownBy(() -> MasterConfig.load(f))
        .hasMessage(f + ": vault.seal.lib: applies to type pkcs11 only; this seal is shamir");
  }

  @Test
  void load_unknownSealType_isRefused() throws Exception {
    Path f = file(MINIMAL + "  seal:\n    type: awskms\n");

    assertThatThrownBy(() -> MasterConfig.load(f))
        .hasMessage(f + ": vault.seal.type: expected shamir or pkcs11, got 'awskms'");
  }

  @Test
  void load_duplicateKey_isRefused() throws Exception {
    Path f = file(MINIMAL + "  storage_dir: other\n");

    assertThatThrownBy(() -> MasterConfig.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(f + ": not valid YAML at line ")
        .hasMessageContaining("storage_dir");
  }

  @Test
  void load_notYamlOrEmptyOrMissing_isRefused() throws Exception {
    Path broken = file("pki_dir: [unclosed\n");
    assertThatThrownBy(() -> MasterConfig.load(broken))
        .hasMessageStartingWith(broken + ": not valid YAML at line ");

    Path empty = file("");
    assertThatThrownBy(() -> MasterConfig.load(empty))
        .hasMessage(empty + ": the config file is empty");

    Path list = file("- a\n- b\n");
    assertThatThrownBy(() -> MasterConfig.load(list))
        .hasMessage(list + ": expected a mapping of keys at the top level");

    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> MasterConfig.load(missing))
        .hasMessage(missing + ": no such config file");
  }

  @Test
  void audit_declaredDevicesAndSwitches_areRead_relativeFilePathsFromTheFilesFolder()
      throws Exception {
    MasterConfig c =
        MasterConfig.load(
            file(
                MINIMAL
                    + "  unsafe_allow_api_audit_creation: true\n"
                    + "  audit_checkpoint_entries: 50\n"
                    + "  audit_checkpoint_interval: 5\n"
                    + "  audit:\n"
                    + "    - type: file\n"
                    + "      description: main\n"
                    + "      options:\n"
                    + "        file_path: logs/audit.log\n"
                    + "        log_raw: false\n"
                    + "    - type: file\n"
                    + "      path: copy/\n"
                    + "      options: {file_path: stdout}\n"));
    assertThat(c.vault().audit().allowApiCreation()).isTrue();
    assertThat(c.vault().audit().allowPrefixing()).isFalse();
    assertThat(c.vault().audit().checkpointEvery()).isEqualTo(50);
    assertThat(c.vault().audit().checkpointInterval()).hasSeconds(5);
    assertThat(c.vault().audit().declared())
        .containsExactly(
            new io.brine.master.audit.AuditConfig.Declared(
                "file", "file", "main",
                java.util.Map.of(
                    "file_path", dir.resolve("logs/audit.log").toString(), "log_raw", "false")),
            new io.brine.master.audit.AuditConfig.Declared(
                "copy", "file", "", java.util.Map.of("file_path", "stdout")));
  }

  @Test
  void audit_badDevices_areRefusedAtLoad_namingTheKey() throws Exception {
    assertThatThrownBy(
            () -> MasterConfig.load(file(MINIMAL + "  audit:\n    - type: syslog\n")))
        .hasMessageEndingWith(
            "vault.audit[0].options: unknown audit device type syslog: brine has the file device"
                + " only");
    assertThatThrownBy(
            () ->
                MasterConfig.load(
                    file(
                        MINIMAL
                            + "  audit:\n    - type: file\n      options: {file_path: /a,"
                            + " prefix: x}\n")))
        .hasMessageEndingWith(
            "vault.audit[0].options: audit log prefixing is not allowed"
                + " (allow_audit_log_prefixing is false)");
    assertThatThrownBy(
            () ->
                MasterConfig.load(
                    file(
                        MINIMAL
                            + "  audit:\n    - {type: file, options: {file_path: /a}}\n"
                            + "    - {type: file, options: {file_path: /b}}\n")))
        .hasMessageEndingWith("vault.audit[1].path: audit device file/ is declared twice");
    assertThatThrownBy(
            () ->
                MasterConfig.load(
                    file(MINIMAL + "  audit:\n    - {type: file, file_path: /a}\n")))
        .hasMessageContaining("vault.audit[0].file_path: unknown key");
  }

  // ---------------------------------------------------------------- vault.storage, redirect_addr

  private static final String PG_URL = "postgres://brine:s3cret@db.example:5432/brine";

  private MasterConfig loadWithEnv(String yaml, Map<String, String> env) throws Exception {
    return MasterConfig.load(file(yaml), env::get);
  }

  private static String postgres(String storageLines) {
    return "pki_dir: pki\nvault:\n  storage:\n    type: postgresql\n" + storageLines;
  }

  @Test
  void storage_absent_isTheFolderAsBefore_withNoRedirectAddress() throws Exception {
    VaultConfig v = MasterConfig.load(file(MINIMAL)).vault();

    assertThat(v.storage()).isEqualTo(new VaultStorage.Folder(dir.resolve("vault")));
    assertThat(v.storageDir()).isEqualTo(dir.resolve("vault"));
    assertThat(v.storage().type()).isEqualTo("file");
    assertThat(v.haEnabled()).isFalse();
    assertThat(v.redirectAddr()).isNull();
    assertThat(MasterConfig.load(file(MINIMAL + "  storage:\n    type: file\n")).vault().storage())
        .isEqualTo(v.storage());
  }

  @Test
  void storage_postgresql_readsOpenBaosKeys_asValuesOrAsTheStringsOpenBaoWrites()
      throws Exception {
    VaultConfig v =
        loadWithEnv(
                postgres(
                    "    connection_url: " + PG_URL + "\n"
                        + "    table: vault_kv\n"
                        + "    ha_enabled: \"true\"\n"
                        + "    ha_table: vault_locks\n"
                        + "    max_parallel: \"16\"\n"
                        + "    max_idle_connections: 4\n"
                        + "    max_connect_retries: \"0\"\n"
                        + "    skip_create_table: true\n"),
                Map.of())
            .vault();

    PostgresqlConfig pg = ((VaultStorage.Postgresql) v.storage()).config();
    assertThat(pg)
        .isEqualTo(new PostgresqlConfig(PG_URL, "vault_kv", true, "vault_locks", 16, 4, 0, true));
    assertThat(v.storage().type()).isEqualTo("postgresql");
    assertThat(v.storageDir()).isNull(); // not required with postgresql
    assertThat(v.haEnabled()).isTrue();
    assertThat(v.storage().toString()).doesNotContain("s3cret");

    PostgresqlConfig defaults =
        ((VaultStorage.Postgresql)
                loadWithEnv(postgres("    connection_url: " + PG_URL + "\n"), Map.of())
                    .vault()
                    .storage())
            .config();
    assertThat(defaults).isEqualTo(PostgresqlConfig.defaults(PG_URL));
  }

  @Test
  void haEnabled_takesBooleansAndTheirStrings_andRefusesAnythingElseByName() throws Exception {
    for (String value : List.of("true", "\"true\"", "\"TRUE\"")) {
      assertThat(
              loadWithEnv(
                      postgres("    connection_url: " + PG_URL + "\n    ha_enabled: " + value + "\n"),
                      Map.of())
                  .vault()
                  .haEnabled())
          .as(value)
          .isTrue();
    }
    for (String value : List.of("false", "\"false\"")) {
      assertThat(
              loadWithEnv(
                      postgres("    connection_url: " + PG_URL + "\n    ha_enabled: " + value + "\n"),
                      Map.of())
                  .vault()
                  .haEnabled())
          .isFalse();
    }
    assertThatThrownBy(
            () ->
                loadWithEnv(
                    postgres("    connection_url: " + PG_URL + "\n    ha_enabled: \"yes\"\n"),
                    Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith("vault.storage.ha_enabled: expected true or false (or the string"
            + " \"true\" or \"false\")");
  }

  @Test
  void connectionUrl_comesFromBrinesVariableFirst_thenOpenBaos_andIsRequired() throws Exception {
    String other = "postgres://brine:other@db2.example/brine";
    PostgresqlConfig fromBrine =
        ((VaultStorage.Postgresql)
                loadWithEnv(
                        postgres(""),
                        Map.of("BRINE_PG_CONNECTION_URL", PG_URL, "BAO_PG_CONNECTION_URL", other))
                    .vault()
                    .storage())
            .config();
    assertThat(fromBrine.connectionUrl()).isEqualTo(PG_URL);
    PostgresqlConfig fromBao =
        ((VaultStorage.Postgresql)
                loadWithEnv(postgres(""), Map.of("BAO_PG_CONNECTION_URL", other)).vault().storage())
            .config();
    assertThat(fromBao.connectionUrl()).isEqualTo(other);
    // The file's own key wins over both.
    assertThat(
            ((VaultStorage.Postgresql)
                    loadWithEnv(
                            postgres("    connection_url: " + PG_URL + "\n"),
                            Map.of("BRINE_PG_CONNECTION_URL", other))
                        .vault()
                        .storage())
                .config()
                .connectionUrl())
        .isEqualTo(PG_URL);

    Path f = file(postgres(""));
    assertThatThrownBy(() -> MasterConfig.load(f, name -> null))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            f + ": vault.storage.connection_url: required key is missing (or set"
                + " BRINE_PG_CONNECTION_URL or BAO_PG_CONNECTION_URL)");
  }

  @Test
  void connectionUrl_thatDoesNotParse_isOneLineNamingTheKey_neverThePassword() throws Exception {
    String bad = "postgres://brine:s3cret@db.example:5432/brine?sslmode=verify-full&colour=blue";
    Path f = file(postgres("    connection_url: \"" + bad + "\"\n"));
    assertThatThrownBy(() -> MasterConfig.load(f, name -> null))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(f + ": vault.storage.connection_url: ")
        .hasMessageContaining("colour")
        .hasMessageNotContaining("s3cret")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    // From the environment, the message says so.
    assertThatThrownBy(
            () -> MasterConfig.load(file(postgres("")), Map.of("BAO_PG_CONNECTION_URL", bad)::get))
        .hasMessageContaining("(from BAO_PG_CONNECTION_URL)")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void storage_badValues_areRefusedByName() throws Exception {
    String url = "    connection_url: " + PG_URL + "\n";
    assertThatThrownBy(() -> loadWithEnv(postgres(url + "    max_parallel: \"many\"\n"), Map.of()))
        .hasMessageEndingWith("vault.storage.max_parallel: expected a whole number, got a string"
            + " that is not one");
    assertThatThrownBy(() -> loadWithEnv(postgres(url + "    max_parallel: 0\n"), Map.of()))
        .hasMessageEndingWith("vault.storage.max_parallel: must be between 1 and 100000, got 0");
    assertThatThrownBy(
            () -> loadWithEnv(postgres(url + "    max_idle_connections: 9\n    max_parallel: 4\n"),
                Map.of()))
        .hasMessageEndingWith("vault.storage.max_idle_connections: must be between 0 and 4, got 9");
    assertThatThrownBy(() -> loadWithEnv(postgres(url + "    ha_table: openbao_kv_store\n"), Map.of()))
        .hasMessageContaining("vault.storage.ha_table: ");
    assertThatThrownBy(() -> loadWithEnv(postgres(url + "    hatable: x\n"), Map.of()))
        .hasMessageContaining("vault.storage.hatable: unknown key; known keys here: connection_url,");
    assertThatThrownBy(
            () -> loadWithEnv("pki_dir: pki\nvault:\n  storage:\n    type: consul\n", Map.of()))
        .hasMessageEndingWith("vault.storage.type: expected one of file, postgresql, got 'consul'");
    assertThatThrownBy(() -> loadWithEnv("pki_dir: pki\nvault:\n  storage: {}\n", Map.of()))
        .hasMessageEndingWith("vault.storage.type: required key is missing: file or postgresql");
    assertThatThrownBy(
            () ->
                loadWithEnv(
                    MINIMAL + "  storage:\n    type: file\n    connection_url: " + PG_URL + "\n",
                    Map.of()))
        .hasMessageEndingWith(
            "vault.storage.connection_url: applies to type postgresql only; this storage is file")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> loadWithEnv("pki_dir: pki\nvault:\n  storage:\n    type: file\n", Map.of()))
        .hasMessageEndingWith("vault.storage_dir: required key is missing");
  }

  @Test
  void redirectAddr_isAUrlOfSchemeHostAndPort_requiredWithHaOnAWildcardApi() throws Exception {
    assertThat(
            MasterConfig.load(file(MINIMAL + "  redirect_addr: https://m1.example:8200\n"))
                .vault()
                .redirectAddr())
        .isEqualTo("https://m1.example:8200");
    for (String bad :
        List.of("ftp://m1:21", "https://m1.example:8200/v1", "m1.example:8200", "https://0.0.0.0:8200",
            "https://u:p@m1:8200")) {
      assertThatThrownBy(() -> MasterConfig.load(file(MINIMAL + "  redirect_addr: '" + bad + "'\n")))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("vault.redirect_addr: ");
    }
    String ha = postgres("    connection_url: " + PG_URL + "\n    ha_enabled: true\n");
    assertThatThrownBy(() -> loadWithEnv(ha + "  api_addr: 0.0.0.0:8200\n", Map.of()))
        .hasMessageContaining(
            "vault.redirect_addr: required with ha_enabled when api_addr listens on every interface"
                + " (0.0.0.0)");
    assertThat(
            loadWithEnv(
                    ha + "  api_addr: 0.0.0.0:8200\n  redirect_addr: http://m2.example:8200\n",
                    Map.of())
                .vault()
                .redirectAddr())
        .isEqualTo("http://m2.example:8200");
    // A specific api_addr: the API's own URL is advertised.
    assertThat(loadWithEnv(ha + "  api_addr: 10.0.0.5:8200\n", Map.of()).vault().redirectAddr())
        .isNull();
  }

  // Issue 18: Salt's root_dir was refused as an unknown key.
  @Test
  void rootDir_prefixesSaltsPathKeys_andDefaultsThemUnderTheRoot() throws Exception {
    Path root = dir.resolve("root");
    MasterConfig given =
        MasterConfig.load(
            file(
                "root_dir: " + root + "\n"
                    + "pki_dir: /etc/salt/pki/master\n"
                    + "autosign_file: /etc/salt/autosign.conf\n"
                    + "vault:\n  storage_dir: vault\n"));
    MasterConfig defaults =
        MasterConfig.load(file("root_dir: " + root + "\nvault:\n  storage_dir: vault\n"));

    assertThat(given.pkiDir()).isEqualTo(root.resolve("etc/salt/pki/master"));
    assertThat(given.autosignFile()).isEqualTo(root.resolve("etc/salt/autosign.conf"));
    assertThat(given.jobs().cachedir()).isEqualTo(root.resolve("var/cache/salt/master"));
    assertThat(defaults.pkiDir()).isEqualTo(root.resolve("etc/salt/pki/master"));
    assertThatThrownBy(() -> MasterConfig.load(file("vault:\n  storage_dir: vault\n")))
        .hasMessageEndingWith("pki_dir: required key is missing");
  }
}
