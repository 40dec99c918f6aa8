package io.brine.vault.kv;

/**
 * What one token with write on {@code secret/} can make the master hold. OpenBao bounds none of
 * these but its storage entry size; brine bounds each, so a stranger's token cannot fill the
 * master's disk or memory. Going over one is a 400 with a line that names the bound.
 */
public final class KvLimits {
  /** OpenBao's default number of versions kept per secret. */
  public static final int DEFAULT_MAX_VERSIONS = 10;

  /** The most versions a secret (or the engine's config) may be set to keep. */
  public static final int MAX_VERSIONS_CEILING = 100;

  /** The longest secret path, in characters. */
  public static final int MAX_PATH_CHARS = 256;

  /** The largest data of one version, as the JSON brine stores (UTF-8 bytes). */
  public static final int MAX_VERSION_BYTES = 512 * 1024;

  /** The most keys at the top of one version's data. */
  public static final int MAX_KEYS = 1024;

  /** The deepest nesting of objects and arrays in one version's data. */
  public static final int MAX_DEPTH = 32;

  /** The most secrets the engine holds. */
  public static final int MAX_SECRETS = 100_000;

  /** The most bytes all versions of all secrets may take together. */
  public static final long MAX_TOTAL_BYTES = 1024L * 1024 * 1024;

  /** Vault's bounds on custom_metadata: pairs, key and value lengths. */
  public static final int MAX_CUSTOM_METADATA_PAIRS = 64;

  public static final int MAX_CUSTOM_METADATA_KEY = 128;
  public static final int MAX_CUSTOM_METADATA_VALUE = 512;

  private KvLimits() {}
}
