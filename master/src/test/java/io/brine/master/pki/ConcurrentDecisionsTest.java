package io.brine.master.pki;

import static io.brine.master.pki.TestKeys.A;
import static io.brine.master.pki.TestKeys.B;
import static org.assertj.core.api.Assertions.assertThat;

import io.brine.master.pki.AuthResult.Verdict;
import io.brine.protocol.MinionId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Handshakes on many threads and an operator in the same process share one PkiDirectory. */
class ConcurrentDecisionsTest {
  private static final int THREADS = 8;
  private static final MinionId WEB1 = MinionId.of("web1");

  @TempDir Path pkiDir;

  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private <T> List<T> all(List<Callable<T>> tasks) throws Exception {
    return AtOnce.all(pool, tasks);
  }

  @Test
  void manyNewMinionsAtOnce_eachEndsPending() throws Exception {
    PkiDirectory pki = PkiDirectory.open(pkiDir);
    List<Callable<Verdict>> tasks = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      MinionId id = MinionId.of("web" + i);
      tasks.add(() -> pki.authorize(id, A).verdict());
    }

    assertThat(all(tasks)).containsOnly(Verdict.PENDING).hasSize(32);
    assertThat(pki.list().get(KeyStatus.PENDING)).hasSize(32);
  }

  @Test
  void twoKeysRacingForOneId_oneIsPending_theOtherDenied_consistently() throws Exception {
    PkiDirectory pki = PkiDirectory.open(pkiDir);
    List<Callable<String>> tasks = new ArrayList<>();
    for (int i = 0; i < THREADS * 4; i++) {
      String key = i % 2 == 0 ? A : B;
      tasks.add(() -> (key == A ? "A:" : "B:") + pki.authorize(WEB1, key).verdict());
    }

    List<String> results = all(tasks);

    String pending = pki.publicKeyPem(KeyStatus.PENDING, WEB1).orElseThrow();
    String winner = pending.equals(A) ? "A:" : "B:";
    String loser = winner.equals("A:") ? "B:" : "A:";
    assertThat(results.stream().filter(r -> r.startsWith(winner))).containsOnly(winner + "PENDING");
    assertThat(results.stream().filter(r -> r.startsWith(loser))).containsOnly(loser + "DENIED");
    assertThat(pki.publicKeyPem(KeyStatus.DENIED, WEB1)).contains(winner.equals("A:") ? B : A);
  }

  @Test
  void operatorAcceptsWhileTheMinionRetries_noErrorsAndTheKeyEndsAccepted() throws Exception {
    PkiDirectory pki = PkiDirectory.open(pkiDir);
    pki.authorize(WEB1, A);
    List<Callable<Verdict>> tasks = new ArrayList<>();
    for (int i = 0; i < THREADS * 8; i++) {
      int n = i;
      tasks.add(
          () -> {
            if (n == THREADS * 4) {
              pki.accept(List.of(WEB1), false, false);
            }
            return pki.authorize(WEB1, A).verdict();
          });
    }

    assertThat(all(tasks)).containsOnly(Verdict.PENDING, Verdict.ACCEPTED);
    assertThat(pki.authorize(WEB1, A).verdict()).isEqualTo(Verdict.ACCEPTED);
    try (var files = Files.list(pkiDir.resolve("master/minions_pre"))) {
      assertThat(files).isEmpty();
    }
  }
}
