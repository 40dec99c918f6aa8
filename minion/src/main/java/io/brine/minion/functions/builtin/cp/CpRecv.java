package io.brine.minion.functions.builtin.cp;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.ChunkedFiles;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.OneLine;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code cp.recv}: the minion's half of {@code brine cp} (Salt's salt-cp). The operator's file
 * was staged on the master; this pulls it over the session ({@code file.stat} and pipelined {@code
 * file.read}s of {@code brine-staged://<id>}) into {@code dest} through {@link AtomicReceive}, and
 * returns Salt's {@code {dest: true}}.
 *
 * <p>Keywords: {@code source} (brine-staged://id), {@code dest} (absolute; an existing folder gets
 * {@code name}, the file's base name), {@code size} and {@code sha256} (what the operator read:
 * the master's stat must say the same), optional {@code mode} (octal, rwx bits only), {@code user}
 * and {@code group}. A file over {@link #DEFAULT_MAX_BYTES} is refused before it is fetched.
 */
public final class CpRecv implements MinionFunction {
  public static final String NAME = "cp.recv";

  /** The largest file a minion takes, as the master's staging area: 256 MiB. */
  public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;

  static final String SCHEME = "brine-staged://";
  private static final Pattern STAGED = Pattern.compile("brine-staged://[0-9a-f]{32}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern OCTAL = Pattern.compile("(0o|0)?([0-7]{1,4})");

  private final long maxBytes;

  public CpRecv() {
    this(DEFAULT_MAX_BYTES);
  }

  CpRecv(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String doc() {
    return "Receives a file brine cp staged on the master: chunked, SHA-256 checked, atomic.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
    Arguments a =
        Arguments.parse(
            call,
            name(),
            List.of(),
            Set.of("source", "dest", "name", "size", "sha256", "mode", "user", "group"));
    String source = a.requiredString("source");
    if (!STAGED.matcher(source).matches()) {
      throw new FunctionException(name() + ": source must be brine-staged://<32 hex digits>");
    }
    String sha = a.requiredString("sha256");
    if (!SHA256.matcher(sha).matches()) {
      throw new FunctionException(name() + ": sha256 must be 64 lower-case hex digits");
    }
    long size = size(a.required("size"));
    Set<PosixFilePermission> mode = mode(a.optionalString("mode").orElse(null));
    Path dest = destination(a.requiredString("dest"), a.optionalString("name").orElse(null));
    AtomicReceive.Request request =
        new AtomicReceive.Request(
            dest,
            size,
            HexFormat.of().parseHex(sha),
            mode,
            a.optionalString("user").orElse(null),
            a.optionalString("group").orElse(null));
    if (!(call.context().files() instanceof ChunkedFiles files)) {
      return new FunctionOutput(Map.of(dest.toString(), name() + " needs the master's session"), 1);
    }
    try {
      ChunkedFiles.Stat stat = files.stat(source);
      if (stat.size() != size || !java.util.Arrays.equals(stat.sha256(), request.sha256())) {
        throw new IOException(
            "the staged file on the master is not the one the operator sent (size or sha256)");
      }
      AtomicReceive.receive(
          request,
          maxBytes,
          (offset, length) -> files.read(source, offset, length),
          files.chunkBytes(),
          dest.toString());
    } catch (InterruptedIOException e) {
      throw new InterruptedException(e.getMessage());
    } catch (IOException e) {
      // Salt's salt-cp shape, with the reason instead of true.
      return new FunctionOutput(Map.of(dest.toString(), OneLine.describe(e)), 1);
    }
    return FunctionOutput.ok(Map.of(dest.toString(), true));
  }

  private long size(Object given) throws FunctionException {
    try {
      long size = given instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(given));
      if (size < 0) {
        throw new NumberFormatException();
      }
      return size;
    } catch (NumberFormatException e) {
      throw new FunctionException(name() + ": size must be a whole number of bytes");
    }
  }

  /** "644", "0644" or "0o644": the rwx bits; setuid, setgid and sticky are refused. */
  private Set<PosixFilePermission> mode(String text) throws FunctionException {
    if (text == null) {
      return null;
    }
    var m = OCTAL.matcher(text.strip());
    int bits = m.matches() ? Integer.parseInt(m.group(2), 8) : -1;
    if (bits < 0 || bits > 0777) {
      throw new FunctionException(
          name() + ": mode must be octal permission bits (e.g. 0644), without setuid/setgid/sticky");
    }
    StringBuilder rwx = new StringBuilder();
    String letters = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) {
      rwx.append((bits & (0400 >> i)) != 0 ? letters.charAt(i) : '-');
    }
    return PosixFilePermissions.fromString(rwx.toString());
  }

  private Path destination(String given, String baseName) throws FunctionException {
    Path dest;
    try {
      dest = Path.of(given);
    } catch (InvalidPathException e) {
      throw new FunctionException(name() + ": dest is not a valid path");
    }
    if (!dest.isAbsolute()) {
      throw new FunctionException(name() + ": dest must be an absolute path, got " + given);
    }
    if (Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS) || given.endsWith("/")) {
      if (baseName == null
          || baseName.isEmpty()
          || baseName.contains("/")
          || baseName.equals(".")
          || baseName.equals("..")) {
        throw new FunctionException(name() + ": dest is a folder and name is no file name");
      }
      dest = dest.resolve(baseName);
    }
    return dest.normalize();
  }
}
