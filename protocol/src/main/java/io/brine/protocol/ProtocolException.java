package io.brine.protocol;

/**
 * A peer broke the protocol: a malformed, oversized, unexpected or unauthenticated message. The
 * message is one line fit for a log and never contains key material; the connection that produced
 * it is closed. The cause, when there is one, is for the debug log only.
 */
public final class ProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  public ProtocolException(String message) {
    super(message);
  }

  public ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
