package io.brine.master.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.common.files.DurableFiles;
import io.brine.protocol.MinionId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobCacheTest {
  private static final Instant NOW = Instant.parse("2026-11-23T09:00:00Z");
  private static final MinionId WEB1 = MinionId.of("web1");
  private static final MinionId WEB2 = MinionId.of("web2");
  private static final MinionId DB1 = MinionId.of("db1");
  private static final MinionId EVIL = MinionId.of("evil");

  @TempDir Path tmp;

  private final MutableClock clock = new MutableClock(NOW);

  private Path cacheDir() {
    return tmp.resolve("jobs");
  }

  private final List<JobCache> opened = new ArrayList<>();

  private JobCache open() throws IOException {
    return open(JobCache.DEFAULT_MAX_JOBS);
  }

  private JobCache open(int maxJobs) throws IOException {
    JobCache cache = JobCache.open(cacheDir(), maxJobs, JobCache.DEFAULT_KEEP_JOBS, clock);
    opened.add(cache);
    return cache;
  }

  @AfterEach
  void closeCaches() {
    opened.forEach(JobCache::close);
  }

  private static JobRecord job(Instant started) {
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

  private static JobReturn ret(MinionId id, Object value) {
    return new JobReturn(id, "cmd.run", value, 0, true, NOW.plusSeconds(1));
  }

  @Test
  void createdJobIsFoundWithNoReturns() throws IOException {
    JobCache cache = open();
    JobRecord job = job(NOW);
    cache.create(job);

    JobView view = cache.find(job.jid()).orElseThrow();
    assertThat(view.job()).isEqualTo(job);
    assertThat(view.returns()).isEmpty();
    assertThat(view.returnedCount()).isZero();
    assertThat(view.notReturned()).containsExactly(WEB1, WEB2, DB1);
    assertThat(view.complete()).isFalse();
  }

  @Test
  void layoutIsJobJsonAndOneReturnPerLine_privateModes() throws IOException {
    JobCache cache = open();
    JobRecord job = job(NOW);
    cache.create(job);
    assertThat(cache.addReturn(job.jid(), ret(WEB1, "up 3 days\nand\r\n2 users")))
        .isEqualTo(AddResult.ADDED);
    assertThat(cache.addReturn(job.jid(), ret(WEB2, "up 1 day"))).isEqualTo(AddResult.ADDED);

    Path folder = cacheDir().resolve(job.jid());
    try (Stream<Path> all = Files.walk(cacheDir())) {
      assertThat(all.map(p -> cacheDir().relativize(p).toString()))
          .containsExactlyInAnyOrder(
              "", job.jid(), job.jid() + "/job.json", job.jid() + "/returns.log");
    }
    assertThat(mode(cacheDir())).isEqualTo("rwx------");
    assertThat(mode(folder)).isEqualTo("rwx------");
    assertThat(mode(folder.resolve("job.json"))).isEqualTo("rw-------");
    assertThat(mode(folder.resolve("returns.log"))).isEqualTo("rw-------");
    List<String> lines = Files.readAllLines(folder.resolve("returns.log"));
    assertThat(lines).hasSize(2); // the newlines inside a return are escaped
    assertThat(lines.get(0))
        .contains("\"id\":\"web1\"")
        .contains("\"return\":\"up 3 days\\nand\\r\\n2 users\"");
    assertThat(lines.get(1)).contains("\"id\":\"web2\"");
    assertThat(cache.find(job.jid()).orElseThrow().returns().get(WEB1).ret())
        .isEqualTo("up 3 days\nand\r\n2 users");
    assertThat(Files.readString(folder.resolve("job.json")))
        .contains("\"minions\":[\"web1\",\"web2\"]")
        .contains("\"missing\":[\"db1\"]");
  }

  @Test
  void createRefusesAnExistingJid() throws IOException {
    JobCache cache = open();
    JobRecord job = job(NOW);
    cache.create(job);
    cache.addReturn(job.jid(), ret(WEB1, "first"));

    assertThatThrownBy(() -> cache.create(job))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("job " + job.jid() + " already exists");
    assertThat(cache.find(job.jid()).orElseThrow().returns()).containsOnlyKeys(WEB1);
  }

  @Test
  void firstReturnWins_theSameAgainIsAlreadyStored_aDifferentOneConflicts() throws IOException {
    JobCache cache = open();
    JobRecord job = job(NOW);
    cache.create(job);

    assertThat(cache.addReturn(job.jid(), ret(WEB1, "first"))).isEqualTo(AddResult.ADDED);
    JobReturn resent = new JobReturn(WEB1, "cmd.run", "first", 0, true, NOW.plusSeconds(9));
    assertThat(cache.addReturn(job.jid(), resent))
        .as("the same return, received later")
        .isEqualTo(AddResult.ALREADY_STORED);
    assertThat(cache.addReturn(job.jid(), ret(WEB1, "second"))).isEqualTo(AddResult.CONFLICTING);
    assertThat(cache.addReturn(job.jid(), new JobReturn(WEB1, "cmd.run", "first", 1, false, NOW)))
        .as("another retcode")
        .isEqualTo(AddResult.CONFLICTING);

    JobView view = cache.find(job.jid()).orElseThrow();
    assertThat(view.returns().get(WEB1).ret()).isEqualTo("first");
    assertThat(view.returnedCount()).isEqualTo(1);
    assertThat(view.notReturned()).containsExactly(WEB2, DB1);
  }

  @Test
  void aMinionTheJobDidNotTargetIsRefusedAndNothingIsWritten() throws IOException {
    JobCache cache = open();
    JobRecord job = job(NOW);
    cache.create(job);

    assertThat(cache.addReturn(job.jid(), ret(EVIL, "pwned"))).isEqualTo(AddResult.NOT_TARGETED);

    assertThat(cacheDir().resolve(job.jid()).resolve("returns.log")).isEmptyFile();
    assertThat(cache.find(job.jid()).orElseThrow().returns()).isEmpty();
  }

  @Test
  void aMissingMinionMayStillReturn() throws IOException {
    JobCache cache = open();
    JobRecord job = job(NOW);
    cache.create(job);

    assertThat(cache.addReturn(job.jid(), ret(DB1, "late"))).isEqualTo(AddResult.ADDED);
    assertThat(cache.addReturn(job.jid(), ret(WEB1, "a"))).isEqualTo(AddResult.ADDED);
    assertThat(cache.addReturn(job.jid(), ret(WEB2, "b"))).isEqualTo(AddResult.ADDED);
    JobView view = cache.find(job.jid()).orElseThrow();
    assertThat(view.returns().keySet()).containsExactly(DB1, WEB1, WEB2); // sorted by id
    assertThat(view.complete()).isTrue();
  }

  @Test
  void returnForAnUnknownJobIsRefused() throws IOException {
    JobCache cache = open();
    assertThat(cache.addReturn(Jid.of(NOW), ret(WEB1, "x"))).isEqualTo(AddResult.UNKNOWN_JOB);
    try (Stream<Path> entries = Files.list(cacheDir())) {
      assertThat(entries).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"../../etc", "..", "", "2026", "20261123090000000000/../x", "/etc/passwd"})
  void invalidJidsNeverBecomePaths(String jid) throws IOException {
    JobCache cache = open();
    Files.writeString(tmp.resolve("etc"), "outside");

    assertThat(cache.find(jid)).isEmpty();
    assertThat(cache.addReturn(jid, ret(WEB1, "x"))).isEqualTo(AddResult.UNKNOWN_JOB);
    try (Stream<Path> all = Files.walk(tmp)) {
      assertThat(all.map(p -> tmp.relativize(p).toString()))
          .containsExactlyInAnyOrder("", "jobs", "etc");
    }
  }

  @Test
  void listIsNewestFirst() throws IOException {
    JobCache cache = open();
    JobRecord older = job(NOW.minusSeconds(3600));
    JobRecord newest = job(NOW);
    JobRecord middle = job(NOW.minusSeconds(60));
    cache.create(older);
    cache.create(newest);
    cache.create(middle);

    assertThat(cache.list()).containsExactly(newest, middle, older);
  }

  @Test
  void aRestartSeesTheSameJobsAndReturns() throws IOException {
    JobCache before = open();
    JobRecord job = job(NOW);
    before.create(job);
    Map<String, Object> value = Map.of("stdout", "ok", "lines", List.of(1, 2, 3), "pid", 4242);
    JobReturn web1 = new JobReturn(WEB1, "cmd.run_all", value, 1, false, NOW.plusMillis(1500));
    JobReturn web2 = new JobReturn(WEB2, "cmd.run_all", null, 0, true, NOW.plusSeconds(2));
    before.addReturn(job.jid(), web1);
    before.addReturn(job.jid(), web2);

    JobCache after = open();
    assertThat(after.list()).containsExactly(job);
    JobView view = after.find(job.jid()).orElseThrow();
    assertThat(view.job()).isEqualTo(job);
    assertThat(view.job().args()).containsExactly("uptime", 42, true, null);
    assertThat(view.returns()).containsExactlyInAnyOrderEntriesOf(Map.of(WEB1, web1, WEB2, web2));
    assertThat(after.addReturn(job.jid(), ret(WEB1, "again"))).isEqualTo(AddResult.CONFLICTING);
    JobReturn resent = new JobReturn(WEB1, "cmd.run_all", value, 1, false, NOW.plusSeconds(60));
    assertThat(after.addReturn(job.jid(), resent))
        .as("read back from the log after a restart, the same return is recognised")
        .isEqualTo(AddResult.ALREADY_STORED);
  }

  @Test
  void openRemovesJobsOlderThanKeepJobs() throws IOException {
    JobCache cache = open();
    JobRecord old = job(NOW.minus(Duration.ofHours(25)));
    JobRecord borderline = job(NOW.minus(Duration.ofHours(24)));
    JobRecord fresh = job(NOW.minus(Duration.ofHours(1)));
    cache.create(old);
    cache.addReturn(old.jid(), ret(WEB1, "secret"));
    cache.create(borderline);
    cache.create(fresh);

    JobCache reopened = open();
    assertThat(reopened.list()).containsExactly(fresh, borderline);
    assertThat(reopened.find(old.jid())).isEmpty();
    assertThat(cacheDir().resolve(old.jid())).doesNotExist();
    assertThat(entries()).containsExactlyInAnyOrder(fresh.jid(), borderline.jid());
  }

  @Test
  void purgeExpiredRemovesWhatAgedSinceOpen() throws IOException {
    JobCache cache = open();
    JobRecord first = job(NOW);
    cache.create(first);
    clock.set(NOW.plus(Duration.ofHours(12)));
    JobRecord second = job(clock.instant());
    cache.create(second);
    cache.addReturn(first.jid(), ret(WEB1, "x"));

    assertThat(cache.purgeExpired()).isZero();
    clock.set(NOW.plus(Duration.ofHours(25)));
    assertThat(cache.purgeExpired()).isEqualTo(1);

    assertThat(cache.list()).containsExactly(second);
    assertThat(cache.find(first.jid())).isEmpty();
    assertThat(cache.addReturn(first.jid(), ret(WEB2, "late"))).isEqualTo(AddResult.UNKNOWN_JOB);
    assertThat(entries()).containsExactly(second.jid()); // no temp folder left behind
  }

  @Test
  void beyondMaxJobsTheOldestGo() throws IOException {
    JobCache cache = open(3);
    List<JobRecord> jobs = new ArrayList<>();
    for (int i = 5; i >= 1; i--) {
      JobRecord job = job(NOW.minusSeconds(i * 60L));
      cache.create(job);
      jobs.add(job); // oldest first
    }

    assertThat(cache.purgeExpired()).isEqualTo(2);
    assertThat(cache.list()).containsExactly(jobs.get(4), jobs.get(3), jobs.get(2));
  }

  @Test
  void openRemovesLeftoverTempFilesAndFolders() throws IOException {
    JobCache cache = open();
    JobRecord job = job(NOW);
    cache.create(job);
    cache.addReturn(job.jid(), ret(WEB1, "kept"));
    Path folder = cacheDir().resolve(job.jid());
    // What a crash can leave: a job folder being built, one being deleted, half-written files.
    String otherJid = Jid.of(NOW.minusSeconds(5));
    Path building = cacheDir().resolve(DurableFiles.TEMP_PREFIX + "job-" + otherJid + "-0a0b0c");
    Files.createDirectories(building);
    Files.writeString(building.resolve("job.json"), "{\"jid\":");
    Path deleting = cacheDir().resolve(DurableFiles.TEMP_PREFIX + "gone-" + otherJid + "-0d0e0f");
    Files.createDirectories(deleting);
    Files.writeString(deleting.resolve("returns.log"), "{}\n");
    Files.writeString(cacheDir().resolve(DurableFiles.TEMP_PREFIX + "stray"), "x");
    Files.writeString(folder.resolve(DurableFiles.TEMP_PREFIX + "job.json-1a2b"), "{");

    JobCache reopened = open();

    assertThat(entries()).containsExactly(job.jid());
    try (Stream<Path> all = Files.walk(folder)) {
      assertThat(all.map(p -> folder.relativize(p).toString()))
          .containsExactlyInAnyOrder("", "job.json", "returns.log");
    }
    assertThat(reopened.find(job.jid()).orElseThrow().returns()).containsOnlyKeys(WEB1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", // empty
        "{\"jid\":\"2026", // truncated
        "not json at all",
        "[1,2,3]", // not an object
        "{\"jid\":\"20261123090000000000\"}", // fields missing
        "{\"jid\":\"20261123090000000000\",\"jid\":\"20261123090000000000\"}", // duplicate key
        "{} {}" // trailing tokens
      })
  void aDamagedJobFileIsSkipped(String content) throws IOException {
    JobCache cache = open();
    JobRecord damaged = job(NOW.minusSeconds(10));
    JobRecord good = job(NOW);
    cache.create(damaged);
    cache.create(good);
    Files.writeString(cacheDir().resolve(damaged.jid()).resolve("job.json"), content);

    JobCache reopened = open(); // a fresh process: nothing remembered
    assertThat(reopened.list()).containsExactly(good);
    assertThat(reopened.find(damaged.jid())).isEmpty();
    assertThat(reopened.addReturn(damaged.jid(), ret(WEB1, "x")))
        .isEqualTo(AddResult.UNKNOWN_JOB);
    assertThat(reopened.find(good.jid())).isPresent();
  }

  @Test
  void aJobFileForAnotherJidIsSkipped() throws IOException {
    JobCache cache = open();
    JobRecord a = job(NOW.minusSeconds(10));
    JobRecord b = job(NOW);
    cache.create(a);
    cache.create(b);
    Files.copy(
        cacheDir().resolve(b.jid()).resolve("job.json"),
        cacheDir().resolve(a.jid()).resolve("job.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertThat(open().list()).containsExactly(b);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"id\":\"web2\",\"fun\":\"cmd.run\",\"ret", // truncated
        "\u0000\u0000\u0000", // zeros, as after a power cut on some file systems
        "{\"id\":\"web2\",\"fun\":\"cmd.run\",\"return\":1,\"retcode\":\"0\",\"success\":true,"
            + "\"received\":\"2026-11-23T09:00:01Z\"}", // retcode a string
        "{\"id\":\"web1\",\"fun\":\"cmd.run\",\"return\":2,\"retcode\":0,\"success\":true,"
            + "\"received\":\"2026-11-23T09:00:01Z\"}", // web1's second return: the first wins
        "{\"id\":\"evil\",\"fun\":\"cmd.run\",\"return\":1,\"retcode\":0,\"success\":true,"
            + "\"received\":\"2026-11-23T09:00:01Z\"}" // a minion the job did not target
      })
  void aDamagedReturnLineIsSkipped_andTheLinesAroundItAreKept(String content) throws IOException {
    JobCache cache = open();
    JobRecord job = job(NOW);
    cache.create(job);
    cache.addReturn(job.jid(), ret(WEB1, "good"));
    Path log = cacheDir().resolve(job.jid()).resolve("returns.log");
    Files.writeString(log, content + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

    JobCache reopened = open();
    assertThat(reopened.addReturn(job.jid(), ret(DB1, "after"))).isEqualTo(AddResult.ADDED);
    JobView view = reopened.find(job.jid()).orElseThrow();
    assertThat(view.returns()).containsOnlyKeys(WEB1, DB1);
    assertThat(view.returns().get(WEB1).ret()).isEqualTo("good");
    assertThat(view.notReturned()).containsExactly(WEB2);
  }

  @Test
  void aReturnCutShortByACrash_isNeitherShownNorCounted_andIsCutOffBeforeTheNextAppend()
      throws IOException {
    JobCache cache = open();
    JobRecord job = job(NOW);
    cache.create(job);
    cache.addReturn(job.jid(), ret(WEB1, "good"));
    Path log = cacheDir().resolve(job.jid()).resolve("returns.log");
    String torn = "{\"id\":\"web2\",\"fun\":\"cmd.run\",\"return\":\"cut";
    Files.writeString(log, torn, StandardCharsets.UTF_8, StandardOpenOption.APPEND);

    JobCache reopened = open(); // the master after the crash
    assertThat(reopened.find(job.jid()).orElseThrow().returns()).containsOnlyKeys(WEB1);
    assertThat(reopened.returnedCount(job.jid())).hasValue(1);

    // web2 was never acknowledged, so it sends its return again: it must land on a line of its own.
    assertThat(reopened.addReturn(job.jid(), ret(WEB2, "again"))).isEqualTo(AddResult.ADDED);
    assertThat(Files.readString(log)).doesNotContain("cut");
    assertThat(Files.readAllLines(log)).hasSize(2);
    JobView view = reopened.find(job.jid()).orElseThrow();
    assertThat(view.returns().get(WEB2).ret()).isEqualTo("again");
    assertThat(reopened.returnedCount(job.jid())).hasValue(2);
  }

  @Test
  void aReturnsLogThatCannotBeWritten_failsTheReturn_andKeepsWhatWasThere() throws IOException {
    JobCache cache = open();
    JobRecord job = job(NOW);
    cache.create(job);
    cache.addReturn(job.jid(), ret(WEB1, "good"));
    Path log = cacheDir().resolve(job.jid()).resolve("returns.log");
    Path elsewhere = Files.move(log, tmp.resolve("elsewhere.log"));
    Files.createSymbolicLink(log, elsewhere);

    JobCache reopened = open();
    assertThatThrownBy(() -> reopened.addReturn(job.jid(), ret(WEB2, "x")))
        .isInstanceOf(IOException.class);
    assertThat(Files.readAllLines(elsewhere)).hasSize(1);
    assertThat(reopened.find(job.jid()).orElseThrow().returns()).isEmpty(); // links not followed
  }

  @Test
  void otherFilesInAJobFolderAreIgnored() throws IOException {
    JobCache cache = open();
    JobRecord job = job(NOW);
    cache.create(job);
    cache.addReturn(job.jid(), ret(WEB1, "good"));
    Path folder = cacheDir().resolve(job.jid());
    Files.copy(folder.resolve("returns.log"), folder.resolve("notes.txt"));
    Files.createDirectory(folder.resolve("returns"));
    Files.copy(folder.resolve("returns.log"), folder.resolve("returns/web2.json"));

    assertThat(cache.find(job.jid()).orElseThrow().returns()).containsOnlyKeys(WEB1);
  }

  @Test
  void linksInTheCacheAreNeverFollowed() throws IOException {
    JobCache cache = open();
    JobRecord job = job(NOW);
    cache.create(job);
    cache.addReturn(job.jid(), ret(WEB1, "real"));
    // A job folder elsewhere, linked in under a jid name; a return file linked in.
    Path elsewhere = tmp.resolve("elsewhere");
    Files.move(cacheDir().resolve(job.jid()), elsewhere);
    Files.createSymbolicLink(cacheDir().resolve(job.jid()), elsewhere);

    JobCache reopened = open();
    assertThat(reopened.list()).isEmpty();
    assertThat(reopened.find(job.jid())).isEmpty();
    assertThat(reopened.addReturn(job.jid(), ret(WEB2, "x"))).isEqualTo(AddResult.UNKNOWN_JOB);

    Files.delete(cacheDir().resolve(job.jid()));
    JobRecord other = job(NOW.plusSeconds(1));
    reopened.create(other);
    Files.delete(cacheDir().resolve(other.jid()).resolve("returns.log"));
    Files.createSymbolicLink(
        cacheDir().resolve(other.jid()).resolve("returns.log"), elsewhere.resolve("returns.log"));
    assertThat(reopened.find(other.jid()).orElseThrow().returns()).isEmpty();
    assertThat(reopened.returnedCount(other.jid())).isEmpty();
  }

  @Test
  void manyMinionsReturningAtOnce_eachStoredOnce() throws Exception {
    List<MinionId> minions = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      minions.add(MinionId.of("m" + i));
    }
    JobCache cache = open();
    JobRecord job =
        new JobRecord(
            Jid.of(NOW), "test.ping", List.of(), Map.of(), "m*", "glob", minions, List.of(), NOW);
    cache.create(job);

    // Every minion returns twice (Salt's return retry), from 8 threads at once.
    List<Callable<AddResult>> tasks = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      for (MinionId id : minions) {
        tasks.add(() -> cache.addReturn(job.jid(), ret(id, true)));
      }
    }
    List<AddResult> results = runAll(tasks);

    assertThat(results).filteredOn(r -> r == AddResult.ADDED).hasSize(200);
    assertThat(results).filteredOn(r -> r == AddResult.ALREADY_STORED).hasSize(200);
    JobView view = cache.find(job.jid()).orElseThrow();
    assertThat(view.returnedCount()).isEqualTo(200);
    assertThat(view.complete()).isTrue();
  }

  @Test
  void jobsCreatedAndPurgedConcurrentlyStayWhole() throws Exception {
    JobCache cache = open(5);
    List<Callable<AddResult>> tasks = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      JobRecord job = job(NOW.plusSeconds(i));
      tasks.add(
          () -> {
            cache.create(job);
            AddResult r = cache.addReturn(job.jid(), ret(WEB1, "x"));
            cache.purgeExpired();
            cache.list(); // never sees a half-built or half-deleted job
            return r;
          });
    }
    List<AddResult> results = runAll(tasks);

    assertThat(results).allMatch(r -> r == AddResult.ADDED || r == AddResult.UNKNOWN_JOB);
    cache.purgeExpired();
    assertThat(cache.list()).hasSize(5);
    assertThat(entries()).hasSize(5).allMatch(Jid::isValid);
  }

  @Test
  void openRefusesALinkedCacheFolderAndBadLimits() throws IOException {
    Path real = Files.createDirectory(tmp.resolve("real"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
    assertThatThrownBy(() -> JobCache.open(link, 10, Duration.ofHours(1), clock))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("symbolic link");
    assertThatThrownBy(() -> JobCache.open(real, 0, Duration.ofHours(1), clock))
        .hasMessage("max_jobs is 0; it must be at least 1");
    assertThatThrownBy(() -> JobCache.open(real, 10, Duration.ZERO, clock))
        .hasMessageContaining("keep_jobs must be a positive duration");
  }

  @Test
  void argumentsThatAreNotJsonAreRefusedBeforeAnythingIsWritten() throws IOException {
    JobCache cache = open();
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
    assertThatThrownBy(() -> cache.create(job)).isInstanceOf(IllegalArgumentException.class);
    assertThat(entries()).isEmpty();
  }

  @Test
  void recordsCheckWhatTheyHold() {
    assertThatThrownBy(() -> withJidAndType("2026", "glob"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("job id");
    assertThatThrownBy(() -> withJidAndType(Jid.of(NOW), "grain"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected glob, list or pcre");
  }

  private static JobRecord withJidAndType(String jid, String type) {
    return new JobRecord(jid, "test.ping", List.of(), Map.of(), "*", type, List.of(), List.of(), NOW);
  }

  private List<String> entries() throws IOException {
    try (Stream<Path> entries = Files.list(cacheDir())) {
      return entries.map(p -> p.getFileName().toString()).toList();
    }
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  private static <T> List<T> runAll(List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return task.call();
                }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void set(Instant now) {
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
