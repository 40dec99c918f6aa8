package io.brine.master.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Salt's {@code file_roots} for the one environment brine has, {@code base}: folders searched in
 * order, the first that holds the requested file serves it.
 *
 * <p>Every request comes from a minion, so is hostile until checked (Salt's CVE-2020-11652 and
 * CVE-2024-22232 were path traversals here). A request is refused unless it is a relative path of
 * plain segments: no absolute path, no {@code ..}, no empty or {@code .} segment, no backslash, no
 * control character, no unpaired UTF-16 surrogate, no query other than {@code ?saltenv=base}. The
 * file found is then resolved with {@link Path#toRealPath()} and must still lie under the root's
 * real path: a link inside a root that stays inside it is served (as Salt does), one that leads
 * out is refused.
 *
 * <p>The roots are the operator's folders; minions cannot write there. A link swapped in between
 * {@link #resolve} and {@link #readChunk} is not guarded against beyond the last path element,
 * which is opened without following links.
 */
public final class FileRoots {
  public static final String SCHEME = "salt://";

  /** Longest request shown back in a message; the rest is cut. */
  private static final int SHOWN_CHARS = 200;

  private static final int HASH_BUFFER_BYTES = 64 * 1024;

  private final List<Path> roots;

  private FileRoots(List<Path> roots) {
    this.roots = roots;
  }

  /**
   * @param roots folders, searched in this order; each must exist (a link to a folder is fine)
   * @throws IOException naming the root that is missing or not a folder
   */
  public static FileRoots of(List<Path> roots) throws IOException {
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("file_roots lists no folder");
    }
    List<Path> checked = new ArrayList<>();
    for (Path root : roots) {
      Path absolute = Objects.requireNonNull(root, "file_roots entry").toAbsolutePath().normalize();
      if (!Files.exists(absolute)) {
        throw new IOException("file_roots: " + absolute + " does not exist");
      }
      if (!Files.isDirectory(absolute)) {
        throw new IOException("file_roots: " + absolute + " is not a folder");
      }
      checked.add(absolute);
    }
    return new FileRoots(List.copyOf(checked));
  }

  public List<Path> roots() {
    return roots;
  }

  /**
   * Finds {@code salt://a/b.txt} (or {@code a/b.txt}) as a regular file in the first root that
   * has one there, and hashes it. A folder at that path in an earlier root is passed over, as Salt
   * does.
   *
   * @throws FileRequestException the request is malformed, leads outside the roots, or names no
   *     file; the message is safe to send to the minion
   */
  public ServedFile resolve(String source) throws FileRequestException {
    String path = RequestPath.check(source);
    String shown = RequestPath.shown(path);
    boolean sawFolder = false;
    for (Path root : roots) {
      Path candidate;
      try {
        candidate = root.resolve(path);
      } catch (InvalidPathException e) {
        // Text the platform cannot turn into a file name (e.g. non-ASCII under a C locale):
        // no file of the roots can have that name.
        throw new FileRequestException("no such file: " + shown, e);
      }
      if (!Files.exists(candidate)) { // follows links: a dangling one is missing too
        continue;
      }
      Path real;
      Path realRoot;
      BasicFileAttributes attributes;
      try {
        realRoot = root.toRealPath();
        real = candidate.toRealPath();
        if (!real.startsWith(realRoot)) {
          throw new FileRequestException(shown + " leads outside the file roots");
        }
        attributes =
            Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException e) {
        throw new FileRequestException("cannot read " + shown, e);
      }
      if (attributes.isDirectory()) {
        sawFolder = true;
        continue;
      }
      if (!attributes.isRegularFile()) {
        throw new FileRequestException(shown + " is not a regular file");
      }
      return hash(shown, real);
    }
    throw new FileRequestException(
        sawFolder ? shown + " is a folder, not a file" : "no such file: " + shown);
  }

  /**
   * One chunk of a served file for the wire: at most {@code maxBytes} from {@code offset}, never
   * past {@link ServedFile#size()}, so the chunks add up to what was hashed. At the end (offset =
   * size) the chunk is empty, which tells the minion the file is complete (Salt's convention).
   *
   * @throws FileRequestException when the offset (the minion's) is negative or past the end
   */
  public static byte[] readChunk(ServedFile file, long offset, int maxBytes)
      throws FileRequestException, IOException {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be at least 1, not " + maxBytes);
    }
    if (offset < 0 || offset > file.size()) {
      throw new FileRequestException(
          "offset " + offset + " is outside " + file.source() + " (" + file.size() + " bytes)");
    }
    int length = (int) Math.min(maxBytes, file.size() - offset);
    if (length == 0) {
      return new byte[0];
    }
    ByteBuffer chunk = ByteBuffer.allocate(length);
    try (FileChannel in =
        FileChannel.open(file.path(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      while (chunk.hasRemaining()) {
        if (in.read(chunk, offset + chunk.position()) < 0) {
          break; // the file shrank since it was hashed; the minion's hash check will say so
        }
      }
    }
    return chunk.hasRemaining() ? Arrays.copyOf(chunk.array(), chunk.position()) : chunk.array();
  }

  /** Size and SHA-256 from one streaming pass, so the two always describe the same bytes. */
  private static ServedFile hash(String shown, Path real) throws FileRequestException {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    long size = 0;
    byte[] buffer = new byte[HASH_BUFFER_BYTES];
    try (InputStream in = Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS)) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        sha256.update(buffer, 0, n);
        size += n;
      }
    } catch (IOException e) {
      throw new FileRequestException("cannot read " + shown, e);
    }
    return new ServedFile(shown, real, size, sha256.digest());
  }

  /** The checks on the request's text, before any path is built from it. */
  static final class RequestPath {
    private RequestPath() {}

    /** The request as a relative path of plain segments, e.g. {@code a/b.txt}. */
    static String check(String source) throws FileRequestException {
      if (source == null || source.isEmpty()) {
        throw new FileRequestException("empty path");
      }
      for (int i = 0; i < source.length(); i++) {
        char c = source.charAt(i);
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) { // NUL, newlines, C1 controls
          throw new FileRequestException(
              "the path has a control character at position " + (i + 1));
        }
        if (unpairedSurrogateAt(source, i)) {
          // A JSON string may carry one (an escaped lone surrogate); no file name can, and
          // the path API throws on it. Shown by position: the character cannot be printed.
          throw new FileRequestException(
              "the path has an unpaired surrogate at position " + (i + 1));
        }
      }
      if (source.indexOf('\\') >= 0) {
        throw new FileRequestException("backslashes are not allowed: " + cut(source));
      }
      String path;
      if (source.startsWith(SCHEME)) {
        path = source.substring(SCHEME.length());
      } else if (source.contains("://")) {
        throw new FileRequestException("only salt:// sources are served: " + cut(source));
      } else {
        path = source;
      }
      int query = path.indexOf('?');
      if (query >= 0) {
        checkQuery(path.substring(query + 1));
        path = path.substring(0, query);
      }
      if (path.isEmpty()) {
        throw new FileRequestException("empty path");
      }
      if (path.startsWith("/")) {
        throw new FileRequestException("absolute paths are not served: " + shown(path));
      }
      for (String segment : path.split("/", -1)) {
        if (segment.equals("..")) {
          throw new FileRequestException("'..' is not allowed: " + shown(path));
        }
        if (segment.isEmpty() || segment.equals(".")) {
          throw new FileRequestException("empty or '.' path segment: " + shown(path));
        }
      }
      return path;
    }

    private static boolean unpairedSurrogateAt(String s, int i) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        return i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
      }
      return Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
    }

    static String shown(String path) {
      return cut(SCHEME + path);
    }

    /** Salt puts the environment in the URL; brine has only base. */
    private static void checkQuery(String query) throws FileRequestException {
      if (query.equals("saltenv=base")) {
        return;
      }
      if (query.startsWith("saltenv=") && query.indexOf('&') < 0) {
        throw new FileRequestException(
            "only the base environment is served, not " + cut(query));
      }
      throw new FileRequestException("unsupported query (only saltenv=base): " + cut(query));
    }

    private static String cut(String s) {
      return s.length() <= SHOWN_CHARS ? s : s.substring(0, SHOWN_CHARS) + "...";
    }
  }
}
