package io.brine.master;

import static io.brine.master.testing.ApiClient.key;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.brine.master.config.MasterConfig;
import io.brine.master.testing.ApiClient;
import io.brine.master.testing.ApiClient.Reply;
import io.brine.master.testing.TestMaster;
import io.brine.vault.seal.Pkcs11Config;
import io.brine.vault.testing.SoftHsm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A master sealed by a real SoftHSM token: init, auto-unseal at start, an unreachable HSM. */
class Pkcs11MasterTest {
  private static final long AUTO_UNSEAL_WAIT_MILLIS = 20_000;

  @TempDir Path dir;

  private Pkcs11Config hsmKey;
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger autoUnsealLog = (Logger) LoggerFactory.getLogger(AutoUnsealer.class);

  @BeforeEach
  void setUp() throws Exception {
    SoftHsm hsm = SoftHsm.get();
    hsmKey = hsm.createKey(SoftHsm.TOKEN_1, hsm.newKeyLabel("master"));
    logged.start();
    autoUnsealLog.addAppender(logged);
  }

  @AfterEach
  void tearDown() {
    autoUnsealLog.detachAppender(logged);
  }

  /** Warnings only: the list also holds debug events when run with -Dbrine.test.log=DEBUG. */
  private List<ILoggingEvent> warnings() {
    synchronized (logged) { // appends come from the auto-unseal thread, under this lock
      return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
    }
  }

  private MasterConfig config(String library) throws Exception {
    return TestMaster.write(
        dir,
        "  seal:\n"
            + "    type: pkcs11\n"
            + "    lib: "
            + library
            + "\n"
            + "    token_label: "
            + hsmKey.tokenLabel()
            + "\n"
            + "    pin_file: "
            + hsmKey.pinFile()
            + "\n"
            + "    key_label: "
            + hsmKey.keyLabel()
            + "\n");
  }

  private record Init(List<String> recoveryKeys, String token) {}

  private static Init init(ApiClient api) throws Exception {
    Reply r = api.put("/v1/sys/init", Map.of("recovery_shares", 3, "recovery_threshold", 2));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode j = r.json();
    assertThat(j.get("keys")).isEmpty();
    List<String> recovery = new ArrayList<>();
    j.get("recovery_keys").forEach(k -> recovery.add(k.asText()));
    assertThat(j.get("recovery_keys_base64")).hasSize(3);
    return new Init(recovery, j.get("root_token").asText());
  }

  private static JsonNode awaitUnsealed(ApiClient api) throws Exception {
    long deadline = System.currentTimeMillis() + AUTO_UNSEAL_WAIT_MILLIS;
    JsonNode status;
    while ((status = api.get("/v1/sys/seal-status").json()).get("sealed").asBoolean()
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    return status;
  }

  @Test
  void init_givesRecoveryKeys_andUnseals_thenARestartAutoUnseals() throws Exception {
    MasterConfig config = config(hsmKey.library());
    TestMaster.Started first = TestMaster.start(config);
    try (MasterDaemon master = first.daemon()) {
      assertThat(first.stdout()).contains(", vault sealed (pkcs11); minions on 127.0.0.1:");
      ApiClient api = first.client();
      assertThat(api.get("/v1/sys/health").status()).isEqualTo(501);

      Init init = init(api);

      JsonNode s = api.get("/v1/sys/seal-status").json();
      assertThat(s.get("sealed").asBoolean())
          .as("auto-unseal comes back unsealed from init")
          .isFalse();
      assertThat(s.get("type").asText()).isEqualTo("pkcs11");
      assertThat(s.get("recovery_seal").asBoolean()).isTrue();
      assertThat(s.get("recovery_seal_type").asText()).isEqualTo("shamir");
      assertThat(s.get("t").asInt()).isEqualTo(2);
      assertThat(s.get("n").asInt()).isEqualTo(3);
      assertThat(init.recoveryKeys()).hasSize(3);
      assertThat(master.keys().masterKey()).isPresent();
      assertThat(config.masterPublicKeyFile()).exists();
    }

    TestMaster.Started second = TestMaster.start(config);
    try (MasterDaemon master = second.daemon()) {
      ApiClient api = second.client();
      JsonNode s = awaitUnsealed(api);
      assertThat(s.get("sealed").asBoolean()).as("auto-unsealed by the HSM at start").isFalse();
      assertThat(api.get("/v1/sys/health").status()).isEqualTo(200);
      assertThat(master.keys().masterKey()).isPresent();
    }
    assertThat(warnings()).as("no warning when the HSM works").isEmpty();
  }

  @Test
  void manualSeal_staysSealed_untilRecoverySharesAuthorizeTheHsm() throws Exception {
    TestMaster.Started started = TestMaster.start(config(hsmKey.library()));
    try (MasterDaemon master = started.daemon()) {
      ApiClient api = started.client();
      Init init = init(api);

      assertThat(api.put("/v1/sys/seal", null, init.token()).status()).isEqualTo(204);
      assertThat(api.get("/v1/sys/seal-status").json().get("sealed").asBoolean()).isTrue();
      api.put("/v1/sys/unseal", key(init.recoveryKeys().get(2)));
      JsonNode s = api.put("/v1/sys/unseal", key(init.recoveryKeys().get(0))).json();

      assertThat(s.get("sealed").asBoolean()).isFalse();
      assertThat(master.keys().masterKey()).isPresent();
    }
  }

  @Test
  void hsmLibraryMissing_staysSealed_servesStatus_andSaysWhyOnce() throws Exception {
    try (MasterDaemon master = TestMaster.start(config(hsmKey.library())).daemon()) {
      init(new ApiClient(master.apiUrl()));
    }

    TestMaster.Started started =
        TestMaster.start(config(dir.resolve("no/such/libpkcs11.so").toString()));
    try (MasterDaemon master = started.daemon()) {
      assertThat(started.stdout()).contains(", vault sealed (pkcs11); minions on 127.0.0.1:");
      ApiClient api = started.client();
      JsonNode s = api.get("/v1/sys/seal-status").json();
      assertThat(s.get("initialized").asBoolean()).isTrue();
      assertThat(s.get("sealed").asBoolean()).isTrue();
      assertThat(api.get("/v1/sys/health").status()).isEqualTo(503);
      assertThat(api.get("/v1/sys/key-status").status()).isEqualTo(503);

      assertThat(warnings()).hasSize(1);
      assertThat(warnings().get(0).getFormattedMessage())
          .startsWith("vault stays sealed: ")
          .endsWith("; retrying every 5 s")
          .doesNotContain("\n");
      assertThat(master.keys().masterKey()).isEmpty();
    }
  }

  /**
   * A wrong PIN is said once, at error, and not retried on a timer: a real token locks its PIN
   * after a few failed logins. The token here is one no test in this JVM has logged in to (a login
   * lasts for the process, so a logged-in token would accept any PIN).
   */
  @Test
  void wrongPin_staysSealed_servesStatus_andStopsRetrying() throws Exception {
    try (MasterDaemon master = TestMaster.start(config(hsmKey.library())).daemon()) {
      init(new ApiClient(master.apiUrl()));
    }
    Path wrongPin = dir.resolve("wrong.pin");
    java.nio.file.Files.writeString(wrongPin, "999999\n");
    MasterConfig config =
        TestMaster.write(
            dir,
            "  seal:\n"
                + "    type: pkcs11\n"
                + "    lib: "
                + hsmKey.library()
                + "\n"
                + "    token_label: "
                + SoftHsm.TOKEN_NEVER_LOGGED_IN
                + "\n"
                + "    pin_file: "
                + wrongPin
                + "\n"
                + "    key_label: "
                + hsmKey.keyLabel()
                + "\n");

    TestMaster.Started started = TestMaster.start(config);
    try (MasterDaemon master = started.daemon()) {
      ApiClient api = started.client();
      assertThat(api.get("/v1/sys/seal-status").json().get("sealed").asBoolean()).isTrue();
      assertThat(api.get("/v1/sys/health").status()).isEqualTo(503);
      assertThat(master.keys().masterKey()).isEmpty();
      List<ILoggingEvent> errors;
      synchronized (logged) {
        errors = logged.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
      }
      assertThat(errors).hasSize(1);
      assertThat(errors.get(0).getFormattedMessage())
          .contains("wrong PIN")
          .contains("not retrying")
          .doesNotContain("999999")
          .doesNotContain("\n");
      assertThat(warnings()).as("no retry warnings").isEmpty();
    }
  }
}
