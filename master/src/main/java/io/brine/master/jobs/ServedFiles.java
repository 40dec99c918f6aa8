package io.brine.master.jobs;

import io.brine.master.files.ServedFile;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files resolved and hashed by recent {@code file.stat} calls, so each {@code file.read} of a
 * transfer reads the file the stat checked instead of resolving and hashing it again. Bounded: the
 * oldest entry goes when a new one would pass {@link #MAX_ENTRIES}; a read whose file was evicted
 * is told to stat again. Thread-safe.
 */
final class ServedFiles {
  static final int MAX_ENTRIES = 256;

  private final Map<String, ServedFile> bySource =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ServedFile> eldest) {
          return size() > MAX_ENTRIES;
        }
      };

  /** @param source the path as the minion asked for it, which its reads repeat */
  synchronized void remember(String source, ServedFile file) {
    bySource.put(source, file);
  }

  synchronized ServedFile find(String source) {
    return bySource.get(source);
  }
}
