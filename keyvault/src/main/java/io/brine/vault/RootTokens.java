package io.brine.vault;

import io.brine.vault.storage.Storage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Root tokens, kept behind the barrier by their SHA-256 (a stolen storage directory gives no
 * usable token, and a lookup by hash needs no secret comparison). A token is "brn." and 32
 * base64url characters: 192 random bits.
 */
final class RootTokens {
  static final String PREFIX = "brn.";
  static final int LENGTH = PREFIX.length() + 32;
  private static final String DIR = "sys/token/";

  private RootTokens() {}

  static String create(Storage barrier, SecureRandom random) throws VaultException {
    byte[] raw = new byte[24];
    random.nextBytes(raw);
    String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    String entry = "{\"policies\":[\"root\"],\"created\":\"" + Instant.now() + "\"}";
    barrier.put(DIR + hash(token), entry.getBytes(StandardCharsets.UTF_8));
    return token;
  }

  static boolean isValid(Storage barrier, String token) throws VaultException {
    if (token == null || token.length() != LENGTH || !token.startsWith(PREFIX)) {
      return false;
    }
    return barrier.get(DIR + hash(token)).isPresent();
  }

  private static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }
}
