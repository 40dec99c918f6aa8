package io.brine.crypto;

import java.security.GeneralSecurityException;

/**
 * One JCA object per thread, made again when the process's {@link CryptoProviders} choice
 * changes. {@code Cipher.getInstance} and {@code KeyFactory.getInstance} are provider lookups that
 * cost about as much as a public-key operation, and the objects are not thread-safe.
 *
 * @param <T> the JCA engine class
 */
public final class ProviderLocal<T> {
  /** Makes the object from the current choice. */
  @FunctionalInterface
  public interface Factory<T> {
    T make() throws GeneralSecurityException;
  }

  private record Entry<T>(CryptoProviders.Selection selection, T value) {}

  private final ThreadLocal<Entry<T>> local = new ThreadLocal<>();
  private final Factory<T> factory;
  private final String what;

  /** @param what names the object in the error if no provider has it, e.g. "AES/GCM/NoPadding" */
  public ProviderLocal(String what, Factory<T> factory) {
    this.what = what;
    this.factory = factory;
  }

  public T get() {
    CryptoProviders.Selection selection = CryptoProviders.current();
    Entry<T> e = local.get();
    if (e == null || e.selection() != selection) {
      try {
        e = new Entry<>(selection, factory.make());
      } catch (GeneralSecurityException ex) {
        throw new IllegalStateException(
            selection.description() + " has no " + what + ": " + ex.getMessage(), ex);
      }
      local.set(e);
    }
    return e.value();
  }
}
