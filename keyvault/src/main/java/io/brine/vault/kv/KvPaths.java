package io.brine.vault.kv;

import io.brine.vault.InvalidRequestException;
import io.brine.vault.barrier.Barrier;
import io.brine.vault.storage.StoragePaths;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Secret paths ({@code db/prod}) and the storage paths they are kept under.
 *
 * <p>A secret path is what OpenBao accepts after {@code secret/data/}: '/'-separated segments of
 * any characters but control characters, no empty segment and no "." or "..". Storage paths allow
 * far fewer characters, and a storage path cannot be both a value and a folder, while a secret
 * {@code db} and a secret {@code db/prod} can both exist. So each segment is escaped (letters,
 * digits, '.' and '-' stay; every other byte of its UTF-8 becomes {@code _XX}) and prefixed: the
 * last segment with {@code k}, every folder with {@code d}. {@code db/prod} is stored as {@code
 * ddb/kprod}, listing {@code ddb/} gives {@code kprod} (a secret) and {@code dprod/} (a folder).
 */
final class KvPaths {
  private static final char SECRET = 'k';
  private static final char FOLDER = 'd';
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private KvPaths() {}

  /**
   * The secret path, checked: leading slashes dropped (as OpenBao's router does), nothing else
   * changed.
   */
  static String checkSecret(String path) throws InvalidRequestException {
    String p = stripLeading(path);
    if (p.isEmpty()) {
      throw new InvalidRequestException("missing secret path");
    }
    if (p.endsWith("/")) {
      throw new InvalidRequestException("a secret path cannot end with '/': " + quote(p));
    }
    checkSegments(p);
    return p;
  }

  /** A folder to list: empty (the top) or a path, with or without its trailing '/'. */
  static String checkFolder(String path) throws InvalidRequestException {
    String p = stripLeading(path);
    if (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (!p.isEmpty()) {
      checkSegments(p);
    }
    return p;
  }

  /** The storage path of a secret under {@code prefix} (which ends with '/'). */
  static String secretKey(String prefix, String secret) throws InvalidRequestException {
    String[] segments = secret.split("/", -1);
    StringBuilder b = new StringBuilder(prefix);
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) {
        b.append('/');
      }
      b.append(i == segments.length - 1 ? SECRET : FOLDER).append(escape(segments[i]));
    }
    return fit(b.toString(), secret);
  }

  /** The storage prefix of a folder under {@code prefix}: ends with '/'. */
  static String folderKey(String prefix, String folder) throws InvalidRequestException {
    if (folder.isEmpty()) {
      return prefix;
    }
    StringBuilder b = new StringBuilder(prefix);
    for (String segment : folder.split("/", -1)) {
      b.append(FOLDER).append(escape(segment)).append('/');
    }
    fit(b.substring(0, b.length() - 1), folder);
    return b.toString();
  }

  /**
   * A name {@link io.brine.vault.storage.Storage#list} gave under a folder, as OpenBao lists it
   * ({@code prod}, {@code sub/}); empty for a name brine did not write.
   */
  static Optional<String> listed(String name) {
    boolean folder = name.endsWith("/");
    String bare = folder ? name.substring(0, name.length() - 1) : name;
    if (bare.length() < 2 || bare.charAt(0) != (folder ? FOLDER : SECRET)) {
      return Optional.empty();
    }
    return unescape(bare.substring(1)).map(s -> folder ? s + "/" : s);
  }

  private static String stripLeading(String path) throws InvalidRequestException {
    if (path == null) {
      throw new InvalidRequestException("missing secret path");
    }
    int i = 0;
    while (i < path.length() && path.charAt(i) == '/') {
      i++;
    }
    return path.substring(i);
  }

  private static void checkSegments(String p) throws InvalidRequestException {
    if (p.length() > KvLimits.MAX_PATH_CHARS) {
      throw new InvalidRequestException(
          "secret path is longer than " + KvLimits.MAX_PATH_CHARS + " characters");
    }
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new InvalidRequestException("secret path has a control character: " + quote(p));
      }
    }
    for (String segment : p.split("/", -1)) {
      if (segment.isEmpty()) {
        throw new InvalidRequestException("secret path has an empty segment: " + quote(p));
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw new InvalidRequestException("secret path has a '.' or '..' segment: " + quote(p));
      }
    }
  }

  private static String fit(String key, String secret) throws InvalidRequestException {
    if (key.length() > Barrier.MAX_PATH_LENGTH) {
      throw tooLong(secret);
    }
    for (String segment : key.split("/")) {
      if (segment.length() > StoragePaths.MAX_SEGMENT_LENGTH) {
        throw tooLong(secret);
      }
    }
    return key;
  }

  private static InvalidRequestException tooLong(String secret) {
    return new InvalidRequestException(
        "secret path is too long to store (a segment may hold about 80 characters outside"
            + " letters, digits, '.' and '-'): "
            + quote(secret));
  }

  static String escape(String segment) {
    StringBuilder b = new StringBuilder(segment.length());
    for (byte x : segment.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '.'
          || c == '-') {
        b.append((char) c);
      } else {
        b.append('_').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return b.toString();
  }

  static Optional<String> unescape(String escaped) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(escaped.length());
    for (int i = 0; i < escaped.length(); i++) {
      char c = escaped.charAt(i);
      if (c == '_') {
        if (i + 2 >= escaped.length()) {
          return Optional.empty();
        }
        int hi = Character.digit(escaped.charAt(i + 1), 16);
        int lo = Character.digit(escaped.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return Optional.empty();
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else {
        out.write(c);
      }
    }
    return Optional.of(out.toString(StandardCharsets.UTF_8));
  }

  /** Quoted back as printable ASCII only, shortened: the path came from the network. */
  static String quote(String text) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < text.length() && i < 64; i++) {
      char c = text.charAt(i);
      b.append(c >= 0x20 && c < 0x7f && c != '"' ? c : '?');
    }
    if (text.length() > 64) {
      b.append("...");
    }
    return b.append('"').toString();
  }
}
