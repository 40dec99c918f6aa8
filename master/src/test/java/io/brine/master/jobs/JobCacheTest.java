package io.brine.master.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.common.files.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The file cache: the {@link JobStoreContract} every job store meets, and what is its own (the
 * folder layout and modes, a crash's leftovers, damaged files, links).
 */
class JobCacheTest extends JobStoreContract {
  @TempDir Path tmp;

  private Path cacheDir() {
    return tmp.resolve("jobs");
  }

  private final List<JobCache> opened = new ArrayList<>();

  @Override
  protected JobStore openStore(int maxJobs, Duration keepJobs, Clock clock) throws IOException {
    return JobCache.open(cacheDir(), maxJobs, keepJobs, clock);
  }

  @Override
  protected List<String> storedEntries() throws IOException {
    return entries();
  }

  @Override
  protected long storedReturns(String jid) throws IOException {
    Path log = cacheDir().resolve(jid).resolve("returns.log");
    return Files.exists(log) ? Files.readAllLines(log).size() : 0;
  }

  /** The file cache itself, for what only it has ({@link JobCache#dir}). */
  private JobCache openCache() throws IOException {
    JobCache cache =
        JobCache.open(cacheDir(), JobCache.DEFAULT_MAX_JOBS, JobCache.DEFAULT_KEEP_JOBS, clock);
    opened.add(cache);
    return cache;
  }

  @AfterEach
  void closeCaches() {
    opened.forEach(JobCache::close);
  }

  @Test
  void layoutIsJobJsonAndOneReturnPerLine_privateModes() throws IOException {
    JobCache cache = openCache();
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
  void aMinionTheJobDidNotTargetIsRefusedAndNothingIsWritten() throws IOException {
    JobCache cache = openCache();
    JobRecord job = job(NOW);
    cache.create(job);

    assertThat(cache.addReturn(job.jid(), ret(EVIL, "pwned"))).isEqualTo(AddResult.NOT_TARGETED);

    assertThat(cacheDir().resolve(job.jid()).resolve("returns.log")).isEmptyFile();
    assertThat(cache.find(job.jid()).orElseThrow().returns()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"../../etc", "..", "", "2026", "20261123090000000000/../x", "/etc/passwd"})
  void invalidJidsNeverBecomePaths(String jid) throws IOException {
    JobCache cache = openCache();
    Files.writeString(tmp.resolve("etc"), "outside");

    assertThat(cache.find(jid)).isEmpty();
    assertThat(cache.addReturn(jid, ret(WEB1, "x"))).isEqualTo(AddResult.UNKNOWN_JOB);
    try (Stream<Path> all = Files.walk(tmp)) {
      assertThat(all.map(p -> tmp.relativize(p).toString()))
          .containsExactlyInAnyOrder("", "jobs", "etc");
    }
  }

  @Test
  void openRemovesLeftoverTempFilesAndFolders() throws IOException {
    JobCache cache = openCache();
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

    JobCache reopened = openCache();

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
    JobCache cache = openCache();
    JobRecord damaged = job(NOW.minusSeconds(10));
    JobRecord good = job(NOW);
    cache.create(damaged);
    cache.create(good);
    Files.writeString(cacheDir().resolve(damaged.jid()).resolve("job.json"), content);

    JobCache reopened = openCache(); // a fresh process: nothing remembered
    assertThat(reopened.list()).containsExactly(good);
    assertThat(reopened.find(damaged.jid())).isEmpty();
    assertThat(reopened.addReturn(damaged.jid(), ret(WEB1, "x")))
        .isEqualTo(AddResult.UNKNOWN_JOB);
    assertThat(reopened.find(good.jid())).isPresent();
  }

  @Test
  void aJobFileForAnotherJidIsSkipped() throws IOException {
    JobCache cache = openCache();
    JobRecord a = job(NOW.minusSeconds(10));
    JobRecord b = job(NOW);
    cache.create(a);
    cache.create(b);
    Files.copy(
        cacheDir().resolve(b.jid()).resolve("job.json"),
        cacheDir().resolve(a.jid()).resolve("job.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertThat(openCache().list()).containsExactly(b);
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
    JobCache cache = openCache();
    JobRecord job = job(NOW);
    cache.create(job);
    cache.addReturn(job.jid(), ret(WEB1, "good"));
    Path log = cacheDir().resolve(job.jid()).resolve("returns.log");
    Files.writeString(log, content + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

    JobCache reopened = openCache();
    assertThat(reopened.addReturn(job.jid(), ret(DB1, "after"))).isEqualTo(AddResult.ADDED);
    JobView view = reopened.find(job.jid()).orElseThrow();
    assertThat(view.returns()).containsOnlyKeys(WEB1, DB1);
    assertThat(view.returns().get(WEB1).ret()).isEqualTo("good");
    assertThat(view.notReturned()).containsExactly(WEB2);
  }

  @Test
  void aReturnCutShortByACrash_isNeitherShownNorCounted_andIsCutOffBeforeTheNextAppend()
      throws IOException {
    JobCache cache = openCache();
    JobRecord job = job(NOW);
    cache.create(job);
    cache.addReturn(job.jid(), ret(WEB1, "good"));
    Path log = cacheDir().resolve(job.jid()).resolve("returns.log");
    String torn = "{\"id\":\"web2\",\"fun\":\"cmd.run\",\"return\":\"cut";
    Files.writeString(log, torn, StandardCharsets.UTF_8, StandardOpenOption.APPEND);

    JobCache reopened = openCache(); // the master after the crash
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
    JobCache cache = openCache();
    JobRecord job = job(NOW);
    cache.create(job);
    cache.addReturn(job.jid(), ret(WEB1, "good"));
    Path log = cacheDir().resolve(job.jid()).resolve("returns.log");
    Path elsewhere = Files.move(log, tmp.resolve("elsewhere.log"));
    Files.createSymbolicLink(log, elsewhere);

    JobCache reopened = openCache();
    assertThatThrownBy(() -> reopened.addReturn(job.jid(), ret(WEB2, "x")))
        .isInstanceOf(IOException.class);
    assertThat(Files.readAllLines(elsewhere)).hasSize(1);
    assertThat(reopened.find(job.jid()).orElseThrow().returns()).isEmpty(); // links not followed
  }

  @Test
  void otherFilesInAJobFolderAreIgnored() throws IOException {
    JobCache cache = openCache();
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
    JobCache cache = openCache();
    JobRecord job = job(NOW);
    cache.create(job);
    cache.addReturn(job.jid(), ret(WEB1, "real"));
    // A job folder elsewhere, linked in under a jid name; a return file linked in.
    Path elsewhere = tmp.resolve("elsewhere");
    Files.move(cacheDir().resolve(job.jid()), elsewhere);
    Files.createSymbolicLink(cacheDir().resolve(job.jid()), elsewhere);

    JobCache reopened = openCache();
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
  void recordsCheckWhatTheyHold() {
    assertThatThrownBy(() -> withJidAndType("2026", "glob"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("job id");
    assertThatThrownBy(() -> withJidAndType(Jid.of(NOW), "nodegroup"))
        .as("a nodegroup is recorded as the compound it was published as")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected one of");
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
}
