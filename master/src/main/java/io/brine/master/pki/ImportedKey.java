package io.brine.master.pki;

import io.brine.crypto.rsa.Pem;
import io.brine.protocol.MinionId;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.util.Collection;
import java.util.Locale;
import java.util.Objects;

/**
 * One key to copy into a store with {@link MinionKeyStore#importKeys}: a minion's id, the state it
 * had where it came from (another master's PKI folder) and its PEM, as {@link KeyRules#normalize}
 * leaves it.
 *
 * <p>The record takes the text as given (a test can place an unusable key); whatever takes keys
 * from outside builds them with {@link #checked}, which refuses anything but a usable RSA public
 * key of a bounded size.
 */
public record ImportedKey(MinionId id, KeyStatus status, String pem) {
  /** Keys per import: the operator API's bound, and the store's (one transaction holds them). */
  public static final int MAX_BATCH = 512;

  /**
   * The largest PEM taken: a 16384-bit key (the policy's largest) is about 3 KiB as PEM, so
   * anything past this is not a public key.
   */
  public static final int MAX_PEM_BYTES = 16 * 1024;

  public ImportedKey {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
    pem = KeyRules.normalize(Objects.requireNonNull(pem, "pem"));
  }

  /**
   * A key from outside: {@code status} by Salt's name ({@code accepted}, {@code pending}, {@code
   * rejected}, {@code denied}) or folder name ({@code minions}, ...), the PEM a usable RSA public
   * key (the key policy's sizes and exponent) of at most {@link #MAX_PEM_BYTES}.
   *
   * @throws IllegalArgumentException with one line naming the id and what is wrong (no key
   *     material)
   */
  public static ImportedKey checked(String id, String status, String pem) {
    if (!MinionId.isValid(id)) {
      throw new IllegalArgumentException("'" + shown(id) + "' is not a valid minion id");
    }
    KeyStatus parsed = status(status);
    if (parsed == null) {
      throw new IllegalArgumentException(
          "key of "
              + id
              + ": status must be accepted, pending, rejected or denied, not '"
              + shown(status)
              + "'");
    }
    if (pem == null || pem.isEmpty()) {
      throw new IllegalArgumentException("key of " + id + ": no PEM");
    }
    if (pem.getBytes(StandardCharsets.UTF_8).length > MAX_PEM_BYTES) {
      throw new IllegalArgumentException(
          "key of " + id + ": the PEM is over " + MAX_PEM_BYTES + " bytes");
    }
    try {
      Pem.readPublicKey(pem);
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException(
          "key of " + id + ": not a usable RSA public key (" + e.getMessage() + ")");
    }
    return new ImportedKey(MinionId.of(id), parsed, pem);
  }

  /**
   * Refuses more than {@link #MAX_BATCH} keys: a shared store holds one lock per id until its
   * transaction commits.
   */
  public static void checkBatch(Collection<ImportedKey> keys) {
    if (keys.size() > MAX_BATCH) {
      throw new IllegalArgumentException(
          "at most " + MAX_BATCH + " keys per import, not " + keys.size());
    }
  }

  /** The status by Salt's name or folder name, or null. */
  public static KeyStatus status(String name) {
    if (name == null) {
      return null;
    }
    for (KeyStatus s : KeyStatus.values()) {
      if (KeyRules.label(s).equals(name.toLowerCase(Locale.ROOT)) || s.dirName().equals(name)) {
        return s;
      }
    }
    return null;
  }

  /** An id or status as shown in a refusal: bounded, printable only. */
  private static String shown(String text) {
    if (text == null) {
      return "";
    }
    String cut = text.length() > 64 ? text.substring(0, 64) + "..." : text;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
