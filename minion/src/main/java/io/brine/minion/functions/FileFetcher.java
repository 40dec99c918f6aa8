package io.brine.minion.functions;

import java.io.IOException;
import java.nio.file.Path;

/** The master's file server as a function sees it. */
public interface FileFetcher {
  /**
   * Fetches a master file ("salt://path") to dest: chunks over the session, SHA-256 checked, atomic
   * write. Returns the bytes written.
   */
  long fetch(String source, Path dest) throws IOException, InterruptedException;
}
