package io.brine.master.files;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A file the master serves, as {@link FileRoots#resolve} found it.
 *
 * @param source the request in its normal form, {@code salt://a/b.txt}
 * @param path the file's real path (no links left in it); never sent to a minion
 * @param size the number of bytes hashed, which is what the chunks of {@link FileRoots#readChunk}
 *     add up to
 * @param sha256 the SHA-256 of those bytes (a copy is kept and handed out)
 */
public record ServedFile(String source, Path path, long size, byte[] sha256) {
  public ServedFile {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(path, "path");
    if (size < 0) {
      throw new IllegalArgumentException("size is negative");
    }
    if (sha256 == null || sha256.length != 32) {
      throw new IllegalArgumentException("sha256 must be 32 bytes");
    }
    sha256 = sha256.clone();
  }

  @Override
  public byte[] sha256() {
    return sha256.clone();
  }

  /** The hash as Salt's {@code _file_hash} sends it: lower-case hex. */
  public String sha256Hex() {
    return HexFormat.of().formatHex(sha256);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ServedFile f
        && f.source.equals(source)
        && f.path.equals(path)
        && f.size == size
        && Arrays.equals(f.sha256, sha256);
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, path, size, Arrays.hashCode(sha256));
  }

  @Override
  public String toString() {
    return "ServedFile[" + source + ", " + size + " bytes, sha256 " + sha256Hex() + "]";
  }
}
