package io.brine.master.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.master.pki.AtOnce;
import io.brine.protocol.MinionId;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link JobStore} answers alike, run against the file cache ({@code JobCacheTest})
 * and the shared one in PostgreSQL ({@code SharedJobCacheTest}). A subclass opens the store over
 * one storage (a folder, a database) that lives for the test: opening it again is the master's
 * restart, or, for the shared one, a second master.
 */
public abstract class JobStoreContract {
  protected static final Instant NOW = Instant.parse("2026-11-23T09:00:00Z");
  protected static final MinionId WEB1 = MinionId.of("web1");
  protected static final MinionId WEB2 = MinionId.of("web2");
  protected static final MinionId DB1 = MinionId.of("db1");
  protected static final MinionId EVIL = MinionId.of("evil");

  protected final MutableClock clock = new MutableClock(NOW);
  private final List<JobStore> opened = new ArrayList<>();

  /** A store over this test's storage, open until the test ends. */
  protected abstract JobStore openStore(int maxJobs, Duration keepJobs, Clock clock)
      throws IOException;

  /** The entries the storage holds, as its own listing shows them (folders, rows): no leftovers. */
  protected abstract List<String> storedEntries() throws IOException;

  /** The returns stored for {@code jid}, counted in the storage itself. */
  protected abstract long storedReturns(String jid) throws IOException;

  protected final JobStore open() throws IOException {
    return open(JobCache.DEFAULT_MAX_JOBS);
  }

  protected final JobStore open(int maxJobs) throws IOException {
    JobStore store = openStore(maxJobs, JobCache.DEFAULT_KEEP_JOBS, clock);
    opened.add(store);
    return store;
  }

  /** After the test's stores are closed: what the subclass opened under them (a pool). */
  protected void afterStoresClosed() {}

  @AfterEach
  void closeStores() {
    opened.forEach(JobStore::close);
    afterStoresClosed();
  }

  protected static JobRecord job(Instant started) {
    return new JobRecord(
        Jid.of(started),
        "cmd.run",
        Arrays.asList("uptime", 42, true, null),
        Map.of("cwd", "/tmp", "env", Map.of("LANG", "C")),
        "web*,db1",
        "glob",
        List.of(WEB1, WEB2),
        List.of(DB1),
        started);
  }

  protected static JobReturn ret(MinionId id, Object value) {
    return new JobReturn(id, "cmd.run", value, 0, true, NOW.plusSeconds(1));
  }

  @Test
  public void createdJobIsFoundWithNoReturns() throws IOException {
    JobStore store = open();
    JobRecord job = job(NOW);
    store.create(job);

    JobView view = store.find(job.jid()).orElseThrow();
    assertThat(view.job()).isEqualTo(job);
    assertThat(view.returns()).isEmpty();
    assertThat(view.returnedCount()).isZero();
    assertThat(view.notReturned()).containsExactly(WEB1, WEB2, DB1);
    assertThat(view.complete()).isFalse();
    assertThat(store.returnedCount(job.jid())).hasValue(0);
  }

  @Test
  public void createRefusesAnExistingJid() throws IOException {
    JobStore store = open();
    JobRecord job = job(NOW);
    store.create(job);
    store.addReturn(job.jid(), ret(WEB1, "first"));

    assertThatThrownBy(() -> store.create(job))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("job " + job.jid() + " already exists");
    assertThat(store.find(job.jid()).orElseThrow().returns()).containsOnlyKeys(WEB1);
  }

  @Test
  public void firstReturnWins_theSameAgainIsAlreadyStored_aDifferentOneConflicts()
      throws IOException {
    JobStore store = open();
    JobRecord job = job(NOW);
    store.create(job);

    assertThat(store.addReturn(job.jid(), ret(WEB1, "first"))).isEqualTo(AddResult.ADDED);
    JobReturn resent = new JobReturn(WEB1, "cmd.run", "first", 0, true, NOW.plusSeconds(9));
    assertThat(store.addReturn(job.jid(), resent))
        .as("the same return, received later")
        .isEqualTo(AddResult.ALREADY_STORED);
    assertThat(store.addReturn(job.jid(), ret(WEB1, "second"))).isEqualTo(AddResult.CONFLICTING);
    assertThat(store.addReturn(job.jid(), new JobReturn(WEB1, "cmd.run", "first", 1, false, NOW)))
        .as("another retcode")
        .isEqualTo(AddResult.CONFLICTING);

    JobView view = store.find(job.jid()).orElseThrow();
    assertThat(view.returns().get(WEB1).ret()).isEqualTo("first");
    assertThat(view.returns().get(WEB1).received()).isEqualTo(NOW.plusSeconds(1));
    assertThat(view.returnedCount()).isEqualTo(1);
    assertThat(view.notReturned()).containsExactly(WEB2, DB1);
    assertThat(storedReturns(job.jid())).isEqualTo(1);
  }

  @Test
  public void aMinionTheJobDidNotTargetIsRefusedAndNothingIsStored() throws IOException {
    JobStore store = open();
    JobRecord job = job(NOW);
    store.create(job);

    assertThat(store.addReturn(job.jid(), ret(EVIL, "pwned"))).isEqualTo(AddResult.NOT_TARGETED);

    assertThat(storedReturns(job.jid())).isZero();
    assertThat(store.find(job.jid()).orElseThrow().returns()).isEmpty();
    assertThat(store.returnedCount(job.jid())).hasValue(0);
  }

  @Test
  public void aMissingMinionMayStillReturn() throws IOException {
    JobStore store = open();
    JobRecord job = job(NOW);
    store.create(job);

    assertThat(store.addReturn(job.jid(), ret(DB1, "late"))).isEqualTo(AddResult.ADDED);
    assertThat(store.addReturn(job.jid(), ret(WEB1, "a"))).isEqualTo(AddResult.ADDED);
    assertThat(store.addReturn(job.jid(), ret(WEB2, "b"))).isEqualTo(AddResult.ADDED);
    JobView view = store.find(job.jid()).orElseThrow();
    assertThat(view.returns().keySet()).containsExactly(DB1, WEB1, WEB2); // sorted by id
    assertThat(view.complete()).isTrue();
    assertThat(store.returnedCount(job.jid())).hasValue(3);
  }

  @Test
  public void returnForAnUnknownJobIsRefused() throws IOException {
    JobStore store = open();
    assertThat(store.addReturn(Jid.of(NOW), ret(WEB1, "x"))).isEqualTo(AddResult.UNKNOWN_JOB);
    assertThat(store.returnedCount(Jid.of(NOW))).isEmpty();
    assertThat(storedEntries()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"../../etc", "..", "", "2026", "20261123090000000000/../x", "/etc/passwd",
        "2026112309000000000'", "20261123090000000000' OR '1'='1"})
  public void invalidJidsAreUnknown(String jid) throws IOException {
    JobStore store = open();
    store.create(job(NOW));

    assertThat(store.find(jid)).isEmpty();
    assertThat(store.returnedCount(jid)).isEmpty();
    assertThat(store.addReturn(jid, ret(WEB1, "x"))).isEqualTo(AddResult.UNKNOWN_JOB);
    assertThat(storedEntries()).containsExactly(Jid.of(NOW));
  }

  @Test
  public void listIsNewestFirst_andALimitReadsOnlyTheNewest() throws IOException {
    JobStore store = open();
    JobRecord older = job(NOW.minusSeconds(3600));
    JobRecord newest = job(NOW);
    JobRecord middle = job(NOW.minusSeconds(60));
    store.create(older);
    store.create(newest);
    store.create(middle);

    assertThat(store.list()).containsExactly(newest, middle, older);
    assertThat(store.list(2)).containsExactly(newest, middle);
    assertThat(store.list(10)).containsExactly(newest, middle, older);
  }

  @Test
  public void aRestartSeesTheSameJobsAndReturns() throws IOException {
    JobStore before = open();
    JobRecord job = job(NOW);
    before.create(job);
    Map<String, Object> value = Map.of("stdout", "ok", "lines", List.of(1, 2, 3), "pid", 4242);
    JobReturn web1 = new JobReturn(WEB1, "cmd.run_all", value, 1, false, NOW.plusMillis(1500));
    JobReturn web2 = new JobReturn(WEB2, "cmd.run_all", null, 0, true, NOW.plusSeconds(2));
    before.addReturn(job.jid(), web1);
    before.addReturn(job.jid(), web2);

    JobStore after = open();
    assertThat(after.list()).containsExactly(job);
    JobView view = after.find(job.jid()).orElseThrow();
    assertThat(view.job()).isEqualTo(job);
    assertThat(view.job().args()).containsExactly("uptime", 42, true, null);
    assertThat(view.returns()).containsExactlyInAnyOrderEntriesOf(Map.of(WEB1, web1, WEB2, web2));
    assertThat(after.addReturn(job.jid(), ret(WEB1, "again"))).isEqualTo(AddResult.CONFLICTING);
    JobReturn resent = new JobReturn(WEB1, "cmd.run_all", value, 1, false, NOW.plusSeconds(60));
    assertThat(after.addReturn(job.jid(), resent))
        .as("read back after a restart, the same return is recognised")
        .isEqualTo(AddResult.ALREADY_STORED);
  }

  @Test
  public void openRemovesJobsOlderThanKeepJobs() throws IOException {
    JobStore store = open();
    JobRecord old = job(NOW.minus(Duration.ofHours(25)));
    JobRecord borderline = job(NOW.minus(Duration.ofHours(24)));
    JobRecord fresh = job(NOW.minus(Duration.ofHours(1)));
    store.create(old);
    store.addReturn(old.jid(), ret(WEB1, "secret"));
    store.create(borderline);
    store.create(fresh);

    JobStore reopened = open();
    assertThat(reopened.list()).containsExactly(fresh, borderline);
    assertThat(reopened.find(old.jid())).isEmpty();
    assertThat(storedEntries()).containsExactlyInAnyOrder(fresh.jid(), borderline.jid());
    assertThat(storedReturns(old.jid())).isZero();
  }

  @Test
  public void purgeExpiredRemovesWhatAgedSinceOpen() throws IOException {
    JobStore store = open();
    JobRecord first = job(NOW);
    store.create(first);
    clock.set(NOW.plus(Duration.ofHours(12)));
    JobRecord second = job(clock.instant());
    store.create(second);
    store.addReturn(first.jid(), ret(WEB1, "x"));

    assertThat(store.purgeExpired()).isZero();
    clock.set(NOW.plus(Duration.ofHours(25)));
    assertThat(store.purgeExpired()).isEqualTo(1);

    assertThat(store.list()).containsExactly(second);
    assertThat(store.find(first.jid())).isEmpty();
    assertThat(store.addReturn(first.jid(), ret(WEB2, "late"))).isEqualTo(AddResult.UNKNOWN_JOB);
    assertThat(storedEntries()).containsExactly(second.jid()); // nothing left behind
    assertThat(storedReturns(first.jid())).isZero();
  }

  @Test
  public void beyondMaxJobsTheOldestGo() throws IOException {
    JobStore store = open(3);
    List<JobRecord> jobs = new ArrayList<>();
    for (int i = 5; i >= 1; i--) {
      JobRecord job = job(NOW.minusSeconds(i * 60L));
      store.create(job);
      store.addReturn(job.jid(), ret(WEB1, "x"));
      jobs.add(job); // oldest first
    }

    assertThat(store.purgeExpired()).isEqualTo(2);
    assertThat(store.list()).containsExactly(jobs.get(4), jobs.get(3), jobs.get(2));
    assertThat(storedReturns(jobs.get(0).jid())).isZero();
    assertThat(storedReturns(jobs.get(2).jid())).isEqualTo(1);
    assertThat(store.purgeExpired()).isZero();
  }

  @Test
  public void manyMinionsReturningAtOnce_eachStoredOnce() throws Exception {
    List<MinionId> minions = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      minions.add(MinionId.of("m" + i));
    }
    JobStore store = open();
    JobRecord job =
        new JobRecord(
            Jid.of(NOW), "test.ping", List.of(), Map.of(), "m*", "glob", minions, List.of(), NOW);
    store.create(job);

    // Every minion returns twice (Salt's return retry), from 8 threads at once.
    List<Callable<AddResult>> tasks = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      for (MinionId id : minions) {
        tasks.add(() -> store.addReturn(job.jid(), ret(id, true)));
      }
    }
    List<AddResult> results = runAll(tasks);

    assertThat(results).filteredOn(r -> r == AddResult.ADDED).hasSize(200);
    assertThat(results).filteredOn(r -> r == AddResult.ALREADY_STORED).hasSize(200);
    JobView view = store.find(job.jid()).orElseThrow();
    assertThat(view.returnedCount()).isEqualTo(200);
    assertThat(view.complete()).isTrue();
    assertThat(storedReturns(job.jid())).isEqualTo(200);
  }

  @Test
  public void jobsCreatedAndPurgedConcurrentlyStayWhole() throws Exception {
    JobStore store = open(5);
    List<Callable<AddResult>> tasks = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      JobRecord job = job(NOW.plusSeconds(i));
      tasks.add(
          () -> {
            store.create(job);
            AddResult r = store.addReturn(job.jid(), ret(WEB1, "x"));
            store.purgeExpired();
            store.list(); // never sees a half-built or half-deleted job
            return r;
          });
    }
    List<AddResult> results = runAll(tasks);

    assertThat(results).allMatch(r -> r == AddResult.ADDED || r == AddResult.UNKNOWN_JOB);
    store.purgeExpired();
    assertThat(store.list()).hasSize(5);
    assertThat(storedEntries()).hasSize(5).allMatch(Jid::isValid);
  }

  @Test
  public void argumentsThatAreNotJsonAreRefusedBeforeAnythingIsStored() throws IOException {
    JobStore store = open();
    JobRecord job =
        new JobRecord(
            Jid.of(NOW),
            "test.echo",
            List.of(new Object()),
            Map.of(),
            "*",
            "glob",
            List.of(WEB1),
            List.of(),
            NOW);
    assertThatThrownBy(() -> store.create(job)).isInstanceOf(IllegalArgumentException.class);
    assertThat(storedEntries()).isEmpty();
  }

  @Test
  public void badLimitsAreRefused() {
    assertThatThrownBy(() -> openStore(0, Duration.ofHours(1), clock))
        .hasMessage("max_jobs is 0; it must be at least 1");
    assertThatThrownBy(() -> openStore(10, Duration.ZERO, clock))
        .hasMessageContaining("keep_jobs must be a positive duration");
  }

  protected static <T> List<T> runAll(List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      return AtOnce.all(pool, tasks);
    } finally {
      pool.shutdownNow();
    }
  }

  /** A clock the test moves by hand. */
  public static final class MutableClock extends Clock {
    private volatile Instant now;

    public MutableClock(Instant now) {
      this.now = now;
    }

    public void set(Instant now) {
      this.now = now;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
