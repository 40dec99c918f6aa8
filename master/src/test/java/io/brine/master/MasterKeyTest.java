package io.brine.master;

import static io.brine.master.testing.ApiClient.key;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.config.MasterConfig;
import io.brine.master.testing.ApiClient;
import io.brine.master.testing.TestMaster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The master's RSA key: made inside the vault at the first unseal, published as master.pub. */
class MasterKeyTest {
  @TempDir Path dir;

  private static List<String> initAndUnseal(ApiClient api) throws Exception {
    JsonNode init =
        api.put("/v1/sys/init", Map.of("secret_shares", 3, "secret_threshold", 2)).json();
    List<String> keys = new ArrayList<>();
    init.get("keys").forEach(k -> keys.add(k.asText()));
    unseal(api, keys);
    return keys;
  }

  private static void unseal(ApiClient api, List<String> keys) throws Exception {
    api.put("/v1/sys/unseal", key(keys.get(0)));
    JsonNode done = api.put("/v1/sys/unseal", key(keys.get(1))).json();
    assertThat(done.get("sealed").asBoolean()).isFalse();
  }

  @Test
  void firstUnseal_writesMasterPub_andThePrivateKeyOnlyInsideTheVault() throws Exception {
    MasterConfig config = TestMaster.shamir(dir);
    Path pub = config.masterPublicKeyFile();
    try (MasterDaemon master = TestMaster.start(config).daemon()) {
      assertThat(pub).doesNotExist();

      initAndUnseal(new ApiClient(master.apiUrl()));

      assertThat(pub).exists();
      assertThat(Files.getPosixFilePermissions(pub))
          .isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
      assertThat(Files.getPosixFilePermissions(pub.getParent()))
          .isEqualTo(PosixFilePermissions.fromString("rwx------"));
      RSAPublicKey published = Pem.readPublicKey(Files.readString(pub, StandardCharsets.US_ASCII));
      assertThat(RsaKeys.modulusBits(published)).isEqualTo(2048);
      KeyPair held = master.keys().masterKey().orElseThrow();
      assertThat(held.getPublic()).isEqualTo(published);
      assertThat(filesContaining(dir, "PRIVATE KEY")).as("no private key in clear").isEmpty();
      assertThat(filesContaining(config.vault().storageDir(), "BEGIN")).isEmpty();
      try (Stream<Path> temps = Files.list(pub.getParent())) {
        // The minion key folders (minions, minions_pre, ...) are made by the master at start.
        assertThat(temps.filter(Files::isRegularFile)).as("no temp file left").containsExactly(pub);
      }
    }
  }

  @Test
  void restart_andUnseal_keepsTheSameKey_andRepairsAChangedMasterPub() throws Exception {
    MasterConfig config = TestMaster.shamir(dir);
    Path pub = config.masterPublicKeyFile();
    List<String> keys;
    byte[] first;
    try (MasterDaemon master = TestMaster.start(config).daemon()) {
      keys = initAndUnseal(new ApiClient(master.apiUrl()));
      first = Files.readAllBytes(pub);
    }

    try (MasterDaemon again = TestMaster.start(config).daemon()) {
      assertThat(again.keys().masterKey()).as("sealed after a restart").isEmpty();
      unseal(new ApiClient(again.apiUrl()), keys);
      assertThat(Files.readAllBytes(pub)).isEqualTo(first);
    }

    Files.writeString(pub, Pem.writePublicKey((RSAPublicKey) RsaKeys.generate(2048).getPublic()));
    try (MasterDaemon third = TestMaster.start(config).daemon()) {
      unseal(new ApiClient(third.apiUrl()), keys);
      assertThat(Files.readAllBytes(pub)).as("the vault is the source of truth").isEqualTo(first);
    }
    Files.delete(pub);
    try (MasterDaemon fourth = TestMaster.start(config).daemon()) {
      unseal(new ApiClient(fourth.apiUrl()), keys);
      assertThat(Files.readAllBytes(pub)).isEqualTo(first);
    }
  }

  @Test
  void privateKeyGoneFromTheVault_isNotSilentlyReplaced() throws Exception {
    MasterConfig config = TestMaster.shamir(dir);
    Path pub = config.masterPublicKeyFile();
    List<String> keys;
    try (MasterDaemon master = TestMaster.start(config).daemon()) {
      keys = initAndUnseal(new ApiClient(master.apiUrl()));
    }
    byte[] published = Files.readAllBytes(pub);
    Files.delete(config.vault().storageDir().resolve("barrier/" + MasterKeyRing.PRIVATE_KEY_PATH));

    try (MasterDaemon again = TestMaster.start(config).daemon()) {
      unseal(new ApiClient(again.apiUrl()), keys);
      assertThat(again.keys().masterKey()).as("no new identity made behind the operator's back").isEmpty();
      assertThat(Files.readAllBytes(pub)).isEqualTo(published);
    }
  }

  @Test
  void close_sealsTheVault_andReleasesAwaitShutdown() throws Exception {
    MasterDaemon master = TestMaster.start(TestMaster.shamir(dir)).daemon();
    initAndUnseal(new ApiClient(master.apiUrl()));
    Thread waiter =
        new Thread(
            () -> {
              try {
                master.awaitShutdown();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    waiter.start();

    master.close();

    waiter.join(10_000);
    assertThat(waiter.isAlive()).isFalse();
    assertThat(master.vault().sealStatus().sealed()).isTrue();
    assertThat(master.keys().masterKey()).isEmpty();
    master.close(); // idempotent
  }

  private static List<Path> filesContaining(Path root, String text) throws Exception {
    byte[] needle = text.getBytes(StandardCharsets.US_ASCII);
    List<Path> hits = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (indexOf(Files.readAllBytes(f), needle) >= 0) {
          hits.add(f);
        }
      }
    }
    return hits;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
