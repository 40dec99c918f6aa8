package io.brine.bench.swarm;

import io.brine.minion.keys.KeyFileException;
import io.brine.minion.keys.MinionKeyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The swarm's minion keys, made once and kept on disk, so key generation (about 100 ms of CPU per
 * 2048-bit key) is never part of a measured run. Each minion gets Salt's layout under {@code
 * <keys>/m00042/minion/}; the pin of the master's key from an earlier run is removed, since the
 * master under test may be a new one.
 */
final class SwarmKeys {
  private SwarmKeys() {}

  static String id(int i) {
    return String.format("swarm-%05d", i);
  }

  static Path pkiDir(Path keys, int i) {
    return keys.resolve(String.format("m%05d", i));
  }

  /** Makes the missing key pairs on every core; returns how many were made. */
  static int ensure(Path keys, int minions, int keysize) throws Exception {
    ExecutorService cores =
        Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
    try {
      List<Future<Boolean>> made = new ArrayList<>();
      for (int i = 0; i < minions; i++) {
        Path minion = pkiDir(keys, i).resolve("minion");
        made.add(
            cores.submit(
                () -> {
                  boolean fresh = !Files.exists(MinionKeyFiles.in(minion).privateKeyFile());
                  try {
                    Files.createDirectories(minion);
                    MinionKeyFiles.in(minion).loadOrCreate(keysize);
                    Files.deleteIfExists(minion.resolve("minion_master.pub"));
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  } catch (KeyFileException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                  }
                  return fresh;
                }));
      }
      int count = 0;
      for (Future<Boolean> f : made) {
        count += f.get() ? 1 : 0;
      }
      return count;
    } finally {
      cores.shutdownNow();
    }
  }
}
