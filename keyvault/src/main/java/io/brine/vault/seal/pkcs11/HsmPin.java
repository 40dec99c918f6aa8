package io.brine.vault.seal.pkcs11;

import io.brine.vault.VaultException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads the token's user PIN from where the config says: an environment variable or a file, never
 * the config itself. The PIN comes back as a {@code char[]} that the caller wipes after login; it
 * is never logged and never put in a message.
 */
final class HsmPin {
  private HsmPin() {}

  static char[] read(HsmSettings settings) throws VaultException {
    char[] pin =
        settings.pinEnv() != null
            ? fromEnvironment(settings.pinEnv())
            : fromFile(settings.pinFile());
    int length = withoutTrailingNewlines(pin);
    if (length == 0) {
      Arrays.fill(pin, '\0');
      throw new VaultException("the HSM PIN from " + source(settings) + " is empty");
    }
    if (length == pin.length) {
      return pin;
    }
    char[] trimmed = Arrays.copyOf(pin, length);
    Arrays.fill(pin, '\0');
    return trimmed;
  }

  private static char[] fromEnvironment(String name) throws VaultException {
    // The String cannot be wiped, but the environment holds the same bytes for the process's life.
    String value = System.getenv(name);
    if (value == null) {
      throw new VaultException("environment variable " + name + " (the HSM PIN) is not set");
    }
    return value.toCharArray();
  }

  /** A PKCS#11 PIN is at most 255 bytes; a little room for a line ending and spaces. */
  private static final int MAX_PIN_FILE_BYTES = 300;

  private static char[] fromFile(String file) throws VaultException {
    byte[] bytes;
    try {
      long size = Files.size(Path.of(file));
      if (size > MAX_PIN_FILE_BYTES) {
        throw new VaultException(
            "the HSM PIN file " + file + " is " + size + " bytes; a PIN is at most 255");
      }
      bytes = Files.readAllBytes(Path.of(file));
    } catch (NoSuchFileException e) {
      throw new VaultException("cannot read the HSM PIN file " + file + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new VaultException("cannot read the HSM PIN file " + file + ": permission denied", e);
    } catch (IOException | RuntimeException e) {
      throw new VaultException(
          "cannot read the HSM PIN file " + file + ": " + Causes.describe(e), e);
    }
    try {
      return decode(bytes);
    } catch (CharacterCodingException e) {
      throw new VaultException("the HSM PIN file " + file + " is not UTF-8 text", e);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** UTF-8 to chars without a String, so that every copy of the PIN can be wiped. */
  private static char[] decode(byte[] bytes) throws CharacterCodingException {
    CharBuffer chars =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes));
    char[] pin = Arrays.copyOfRange(chars.array(), chars.position(), chars.limit());
    Arrays.fill(chars.array(), '\0');
    return pin;
  }

  /**
   * Files written with {@code echo} end in "\n" (or "\r\n"); that newline is not part of the PIN.
   */
  private static int withoutTrailingNewlines(char[] pin) {
    int length = pin.length;
    while (length > 0 && (pin[length - 1] == '\n' || pin[length - 1] == '\r')) {
      length--;
    }
    return length;
  }

  private static String source(HsmSettings settings) {
    return settings.pinEnv() != null
        ? "environment variable " + settings.pinEnv()
        : "file " + settings.pinFile();
  }
}
