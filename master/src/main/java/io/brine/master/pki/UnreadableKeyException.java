package io.brine.master.pki;

import java.io.IOException;

/**
 * An entry is there but holds no key text a store may use: in the folder a link, a folder or a
 * file far too large to be a key; in a shared store a row whose integrity tag does not match (a
 * database writer changed or inserted it). Whatever it holds is never treated as a key.
 */
public final class UnreadableKeyException extends IOException {
  private static final long serialVersionUID = 1L;

  public UnreadableKeyException(String message) {
    super(message);
  }

  public UnreadableKeyException(IOException cause) {
    super(cause.getMessage(), cause);
  }
}
