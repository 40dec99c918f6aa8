package io.brine.vault.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.vault.VaultException;
import io.brine.vault.storage.Storage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Root tokens from before this store: "brn." + 32 base64url characters, kept by their SHA-256 at
 * {@code sys/token/<hex>} with a small JSON record ({@code policies}, {@code created}). On its
 * first lookup such a token moves into the store as a root token (the same string, now keyed by
 * the salted HMAC) and the old record is deleted, so operators keep the token they wrote down.
 */
final class LegacyRootTokens {
  private static final Logger log = LoggerFactory.getLogger(LegacyRootTokens.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String DIR = "sys/token/";

  private LegacyRootTokens() {}

  /** Called under the store's lock, after the new store did not know {@code token}. */
  static Optional<TokenEntry> migrate(Storage barrier, String token, TokenStore store, String id)
      throws VaultException {
    String path = DIR + sha256Hex(token);
    Optional<byte[]> record = barrier.get(path);
    if (record.isEmpty()) {
      return Optional.empty();
    }
    // The new entry first: a crash in between leaves both, and the next lookup finds the new one.
    TokenEntry entry = store.storeRoot(id, "auth/token/root", created(record.get(), store.now()));
    barrier.delete(path);
    log.info("a root token from before the token store was moved into it");
    return Optional.of(entry);
  }

  static String sha256Hex(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }

  /** The record's creation time; {@code otherwise} when it has none readable. */
  private static Instant created(byte[] record, Instant otherwise) {
    try {
      JsonNode o = JSON.readTree(record);
      if (o != null && o.path("created").isTextual()) {
        return Instant.parse(o.get("created").asText());
      }
    } catch (IOException | DateTimeException e) {
      log.debug("a legacy root token record without a readable creation time");
    }
    return otherwise;
  }
}
