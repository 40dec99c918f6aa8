package io.brine.minion.functions.builtin.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.TestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * file.mkdir (and so file.managed's makedirs) from several jobs at once under one missing parent,
 * as the swarm's minions sharing a disk do: each must see its folder made, none "File exists"
 * because another made the parent between its check and its mkdir.
 */
class FileMkdirRaceTest {
  private static final int THREADS = 8;
  private static final int ROUNDS = 100;

  @TempDir Path root;

  @Test
  void manyAtOnceUnderOneMissingParent_allSucceed() throws Exception {
    FileMkdir mkdir = new FileMkdir();
    TestContext context = new TestContext(root);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      for (int round = 0; round < ROUNDS; round++) {
        Path parent = root.resolve("r" + round).resolve("shared");
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Future<FunctionOutput>> made = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          String dir = parent.resolve("m" + t).toString();
          made.add(pool.submit(() -> {
            start.await();
            return mkdir.call(context.call(dir));
          }));
        }
        for (Future<FunctionOutput> f : made) {
          FunctionOutput out = f.get();
          assertThat(out.value()).as("round %d", round).isEqualTo(true);
          assertThat(out.retcode()).isZero();
        }
        for (int t = 0; t < THREADS; t++) {
          assertThat(Files.isDirectory(parent.resolve("m" + t))).isTrue();
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
