package io.brine.common.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Salt's {@code root_dir}: a folder that Salt's own path keys ({@code pki_dir}, {@code cachedir},
 * {@code autosign_file}, {@code autoreject_file}) are moved under, as Salt's {@code
 * prepend_root_dir} does, so one daemon can run from a tree of its own (a test, a user without
 * root). With it, an absolute path not already under the root gets the root in front ({@code
 * /etc/salt/pki/master} becomes {@code <root>/etc/salt/pki/master}), a relative one is taken from
 * the root, and a key left out takes Salt's default under the root. Without it, paths read as
 * everywhere else (relative ones from the config file's folder) and nothing is defaulted. Other
 * keys ({@code file_roots}, the vault's OpenBao keys) are not Salt's path options and are left as
 * they are, as Salt leaves {@code file_roots}.
 */
public final class RootDir {
  public static final String KEY = "root_dir";

  private final Path root;

  private RootDir(Path root) {
    this.root = root;
  }

  /** The top level's {@code root_dir} (taken from the config file's folder when relative). */
  public static RootDir read(YamlSection top) throws ConfigException {
    return new RootDir(top.path(KEY));
  }

  public boolean given() {
    return root != null;
  }

  /**
   * A Salt path option under the root.
   *
   * @param saltDefault the key's default relative to the root ({@code etc/salt/pki/master}), used
   *     only when {@code root_dir} is given; null for a key without a default
   * @return the path, or null when the key is absent and has no default here
   */
  public Path path(YamlSection section, String key, String saltDefault) throws ConfigException {
    String value = section.string(key, null);
    if (root == null) {
      return value == null ? null : section.resolve(key, value);
    }
    if (value == null) {
      return saltDefault == null ? null : root.resolve(saltDefault).normalize();
    }
    Path p;
    try {
      p = Path.of(value).normalize();
    } catch (InvalidPathException e) {
      throw section.fail(key, "not a valid path: " + e.getReason());
    }
    if (!p.isAbsolute()) {
      return root.resolve(p).normalize();
    }
    return p.startsWith(root) ? p : root.resolve(p.getRoot().relativize(p)).normalize();
  }

  /** {@link #path}, refusing a key that is absent with no root_dir to default it. */
  public Path requiredPath(YamlSection section, String key, String saltDefault)
      throws ConfigException {
    Path p = path(section, key, saltDefault);
    if (p == null) {
      throw section.fail(key, "required key is missing");
    }
    return p;
  }
}
