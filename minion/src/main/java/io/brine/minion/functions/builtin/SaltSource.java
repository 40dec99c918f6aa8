package io.brine.minion.functions.builtin;

import io.brine.minion.functions.FunctionException;

/** A "salt://path" file source, refused when it could leave the master's file roots. */
public final class SaltSource {
  public static final String SCHEME = "salt://";

  private SaltSource() {}

  public static boolean isSaltUrl(String source) {
    return source.startsWith(SCHEME);
  }

  /** The path after salt://, or a one-line refusal naming the function. */
  public static String relativePath(String function, String source) throws FunctionException {
    if (!source.startsWith(SCHEME)) {
      throw new FunctionException(function + ": the source must start with salt://, got " + source);
    }
    String relative = source.substring(SCHEME.length());
    if (relative.isEmpty() || relative.endsWith("/")) {
      throw new FunctionException(function + ": the source names no file: " + source);
    }
    for (String part : relative.split("/", -1)) {
      if (part.equals("..")) {
        throw new FunctionException(function + ": the source must not contain '..': " + source);
      }
    }
    if (relative.startsWith("/") || relative.indexOf('\0') >= 0) {
      throw new FunctionException(
          function + ": the source must be a relative path after salt://: " + source);
    }
    return relative;
  }
}
