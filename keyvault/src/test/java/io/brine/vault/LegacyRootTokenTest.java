package io.brine.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.vault.storage.FileStorage;
import io.brine.vault.storage.Storage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vault whose root token was made before the token store: "brn." + 32 base64url, stored by
 * SHA-256 at sys/token/&lt;hex&gt; with {"policies":["root"],"created":...}. The operator's token
 * keeps working, moves into the store on first use, and the old record goes.
 */
class LegacyRootTokenTest {
  @TempDir Path dir;

  /** What the old RootTokens.create wrote, byte for byte. */
  private static String writeOldRootToken(Storage barrier) throws Exception {
    byte[] raw = new byte[24];
    new SecureRandom().nextBytes(raw);
    String token = "brn." + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    String entry = "{\"policies\":[\"root\"],\"created\":\"" + Instant.now() + "\"}";
    barrier.put(oldPath(token), entry.getBytes(StandardCharsets.UTF_8));
    return token;
  }

  private static String oldPath(String token) throws Exception {
    return "sys/token/"
        + HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
  }

  private VaultCore open() throws VaultException {
    return VaultCore.builder(FileStorage.open(dir)).build();
  }

  @Test
  void anOldRootToken_keepsWorking_andMovesIntoTheStore() throws Exception {
    List<String> keys;
    String legacy;
    try (VaultCore old = open()) {
      InitResult init = old.initialize(new InitRequest(3, 2, 0, 0));
      keys = init.keys();
      old.submitUnsealKey(keys.get(0), false);
      old.submitUnsealKey(keys.get(1), false);
      // Make it the vault the old code left: no token store, one old root token record.
      deleteTree(old.barrier(), "sys/token/");
      legacy = writeOldRootToken(old.barrier());
    }

    try (VaultCore vault = open()) {
      vault.submitUnsealKey(keys.get(0), false);
      vault.submitUnsealKey(keys.get(2), false);
      assertThat(vault.barrier().get(oldPath(legacy))).isPresent();

      vault.checkToken(legacy);

      assertThat(vault.barrier().get(oldPath(legacy))).isEmpty();
      var entry = vault.tokens().lookup(legacy).orElseThrow();
      assertThat(entry.policies()).containsExactly("root");
      assertThat(entry.orphan()).isTrue();
      assertThat(entry.expireTime()).isNull();
      assertThat(vault.tokens().accessors()).containsExactly(entry.accessor());
      vault.seal(legacy);
    }

    try (VaultCore vault = open()) {
      vault.submitUnsealKey(keys.get(1), false);
      vault.submitUnsealKey(keys.get(2), false);
      vault.checkToken(legacy);
      vault.tokens().revoke(vault.tokens().lookup(legacy).orElseThrow());
      assertThatThrownBy(() -> vault.checkToken(legacy))
          .isInstanceOf(PermissionDeniedException.class);
    }
  }

  @Test
  void anUnknownOldFormatToken_isRefused() throws Exception {
    try (VaultCore vault = open()) {
      InitResult init = vault.initialize(new InitRequest(1, 1, 0, 0));
      vault.submitUnsealKey(init.keys().get(0), false);
      assertThatThrownBy(() -> vault.checkToken("brn." + "A".repeat(32)))
          .isInstanceOf(PermissionDeniedException.class);
    }
  }

  @Test
  void theStores_areDroppedAtSeal_andNewAtUnseal() throws Exception {
    try (VaultCore vault = open()) {
      InitResult init = vault.initialize(new InitRequest(1, 1, 0, 0));
      assertThatThrownBy(vault::tokens).isInstanceOf(SealedException.class);
      assertThatThrownBy(vault::policies).isInstanceOf(SealedException.class);
      vault.submitUnsealKey(init.keys().get(0), false);
      var first = vault.tokens();
      assertThat(vault.policies()).isNotNull();
      vault.seal(init.rootToken());
      assertThatThrownBy(vault::tokens).isInstanceOf(SealedException.class);
      assertThatThrownBy(() -> first.lookup(init.rootToken())).isInstanceOf(SealedException.class);
      vault.submitUnsealKey(init.keys().get(0), false);
      assertThat(vault.tokens()).isNotSameAs(first);
      assertThat(vault.tokens().lookup(init.rootToken())).isPresent();
    }
  }

  private static void deleteTree(Storage s, String prefix) throws VaultException {
    for (String name : s.list(prefix)) {
      if (name.endsWith("/")) {
        deleteTree(s, prefix + name);
      } else {
        s.delete(prefix + name);
      }
    }
  }
}
