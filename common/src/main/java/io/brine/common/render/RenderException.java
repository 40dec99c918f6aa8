package io.brine.common.render;

/**
 * An SLS or template that does not render: one line naming the file, the line when known, and the
 * cause ({@code top.sls: line 3: Unknown token found: grain}).
 */
public final class RenderException extends Exception {
  private static final long serialVersionUID = 1L;

  public RenderException(String message) {
    super(message);
  }

  public RenderException(String message, Throwable cause) {
    super(message, cause);
  }
}
