package io.brine.crypto;

/**
 * A token that must be passed to read raw secret bytes out of {@link SecretBytes}.
 *
 * <p>It protects nothing at run time. Its purpose is audit: every place that exports key material
 * names {@code SecretAccess.INSECURE}, so {@code grep -rn SecretAccess.INSECURE} lists them all.
 */
public final class SecretAccess {
  /** The one instance; its name is the warning. */
  public static final SecretAccess INSECURE = new SecretAccess();

  private SecretAccess() {}
}
