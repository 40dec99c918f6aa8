package io.brine.master.files;

/**
 * A file request the master refuses. The message is one line, safe to send to the minion: it
 * names the request as {@code salt://...} and never an absolute path on the master. A cause, when
 * there is one, is for the master's own log only.
 */
public final class FileRequestException extends Exception {
  private static final long serialVersionUID = 1L;

  FileRequestException(String message) {
    super(message);
  }

  FileRequestException(String message, Throwable cause) {
    super(message, cause);
  }
}
