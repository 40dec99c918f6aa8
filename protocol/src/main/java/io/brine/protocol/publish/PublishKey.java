package io.brine.protocol.publish;

import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.aead.RandomNonceAesGcm;
import java.util.Objects;
import javax.security.auth.Destroyable;

/**
 * The shared publish key and its epoch. The epoch grows by one at every rotation and names the
 * key in every publication. Prints its epoch, never its material.
 */
public final class PublishKey implements Destroyable {
  private final int epoch;
  private final AesGcmKey key;
  private final RandomNonceAesGcm aead;

  public PublishKey(int epoch, AesGcmKey key) {
    if (epoch < 0) {
      throw new IllegalArgumentException("publish key epoch must not be negative, was " + epoch);
    }
    this.epoch = epoch;
    this.key = Objects.requireNonNull(key, "key");
    this.aead = RandomNonceAesGcm.create(key);
  }

  public int epoch() {
    return epoch;
  }

  public AesGcmKey key() {
    return key;
  }

  /** The one AEAD object for this key: it counts the messages encrypted under it. */
  RandomNonceAesGcm aead() {
    return aead;
  }

  @Override
  public void destroy() {
    key.destroy();
  }

  @Override
  public boolean isDestroyed() {
    return key.isDestroyed();
  }

  @Override
  public String toString() {
    return "PublishKey[epoch " + epoch + (isDestroyed() ? ", destroyed" : "") + "]";
  }
}
