package io.brine.bench.swarm;

import io.brine.minion.keys.KeyFileException;
import io.brine.minion.keys.MinionKeyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The swarm's minion keys, made once and kept on disk, so key generation (about 100 ms of CPU per
 * 2048-bit key) is never part of a measured run. Each minion gets Salt's layout under {@code
 * <keys>/m00042/minion/}. The pin of the master's key ({@code minion_master.pub}) is set on every
 * run, since the master under test may be a new one: a copy of the given {@code master.pub}, or
 * none at all (first contact: the minion pins whatever key the master shows).
 */
final class SwarmKeys {
  private SwarmKeys() {}

  static String id(int i) {
    return String.format("swarm-%05d", i);
  }

  static Path pkiDir(Path keys, int i) {
    return keys.resolve(String.format("m%05d", i));
  }

  /**
   * Makes the missing key pairs on every core and sets each minion's pin; returns how many pairs
   * were made.
   *
   * @param masterPub the master's public key file to pin, or null to remove every pin
   */
  static int ensure(Path keys, int minions, int keysize, Path masterPub) throws Exception {
    byte[] pin = masterPub == null ? null : Files.readAllBytes(masterPub);
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
                    setPin(minion, pin);
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

  /**
   * Written beside the pin and moved over it, so a run stopped half-way never leaves a torn pin
   * that would fail that minion's start.
   */
  private static void setPin(Path minion, byte[] pin) throws IOException {
    Path file = minion.resolve("minion_master.pub");
    if (pin == null) {
      Files.deleteIfExists(file);
      return;
    }
    Path temp = Files.createTempFile(minion, "minion_master.pub.", ".tmp");
    try {
      Files.write(temp, pin);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
