package io.brine.minion.functions;

/** Messages that go back to the master as one line: control characters become spaces. */
public final class OneLine {
  private static final int MAX_LENGTH = 2000;

  private OneLine() {}

  public static String of(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(Math.min(text.length(), MAX_LENGTH + 3));
    for (int i = 0; i < text.length() && sb.length() < MAX_LENGTH; i++) {
      char c = text.charAt(i);
      sb.append(Character.isISOControl(c) ? ' ' : c);
    }
    if (text.length() > MAX_LENGTH) {
      sb.append("...");
    }
    return sb.toString().strip();
  }

  /** "SimpleName: message" (the cause's when it only wraps one); for I/O, the message alone. */
  public static String describe(Throwable t) {
    Throwable shown = t;
    if ((t instanceof java.io.UncheckedIOException
            || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      shown = t.getCause();
    }
    String message = shown.getMessage();
    if (shown instanceof java.nio.file.FileSystemException fs && fs.getReason() == null) {
      String what =
          fs instanceof java.nio.file.NoSuchFileException
              ? "no such file"
              : fs instanceof java.nio.file.AccessDeniedException
                  ? "permission denied"
                  : fs instanceof java.nio.file.FileAlreadyExistsException
                      ? "already exists"
                      : fs.getClass().getSimpleName();
      return of(what + ": " + fs.getMessage());
    }
    if (shown instanceof java.io.IOException && message != null && !message.isBlank()) {
      // A file or a process the function could not use: its message says it all ("no such file:
      // salt://x"); a Java type name would only puzzle an operator.
      return of(message);
    }
    String type = shown.getClass().getSimpleName();
    return of(message == null || message.isBlank() ? type : type + ": " + message);
  }
}
