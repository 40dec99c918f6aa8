package io.brine.master.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.common.files.DurableFiles;
import io.brine.common.log.LogLines;
import io.brine.master.cluster.ClusterSecrets;
import io.brine.vault.VaultException;
import io.brine.vault.storage.InMemoryStorage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The file cache: the {@link JobStoreContract} every job store meets, and what is its own (the
 * folder layout and modes, sealing with the vault, a crash's leftovers, damaged files, links).
 * Its data key is a master's own, {@link ClusterSecrets} over a barrier in memory, unsealed for
 * each test.
 */
class JobCacheTest extends JobStoreContract {
  @TempDir Path tmp;

  private final InMemoryStorage barrier = new InMemoryStorage();
  private final ClusterSecrets secrets = new ClusterSecrets(() -> true, new SecureRandom());

  @BeforeEach
  void unseal() throws VaultException {
    secrets.unsealed(barrier);
  }

  private Path cacheDir() {
    return tmp.resolve("jobs");
  }

  private final List<JobCache> opened = new ArrayList<>();

  @Override
  protected JobStore openStore(int maxJobs, Duration keepJobs, Clock clock) throws IOException {
    return JobCache.open(cacheDir(), maxJobs, keepJobs, clock, secrets.dataAead());
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
        JobCache.open(
            cacheDir(),
            JobCache.DEFAULT_MAX_JOBS,
            JobCache.DEFAULT_KEEP_JOBS,
            clock,
            secrets.dataAead());
    opened.add(cache);
    return cache;
  }

  @AfterEach
  void closeCaches() {
    opened.forEach(JobCache::close);
  }

  @Test
  void layoutIsASealedJobJsonAndOneSealedReturnPerLine_privateModes() throws IOException {
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
    assertThat(lines).hasSize(2); // base64 holds no newline, whatever the return does
    assertThat(lines.get(0)).startsWith("web1 ").doesNotContain("up 3 days");
    assertThat(lines.get(1)).startsWith("web2 ").doesNotContain("up 1 day");
    for (String line : lines) {
      assertThat(Base64.getDecoder().decode(line.substring(line.indexOf(' ') + 1))).isNotEmpty();
    }
    assertThat(cache.find(job.jid()).orElseThrow().returns().get(WEB1).ret())
        .isEqualTo("up 3 days\nand\r\n2 users");
    String jobFile = Files.readString(folder.resolve("job.json"));
    assertThat(Base64.getDecoder().decode(jobFile)).isNotEmpty();
    assertThat(jobFile).doesNotContain("web1").doesNotContain("uptime");
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
        "not base64 at all",
        "QUJD", // base64, but too short to be sealed
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", // zeros: no key sealed them
      })
  void aDamagedJobFileIsSkipped(String content) throws IOException {
    assertDamagedJobFileIsSkipped(damaged -> content.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"jid\":\"2026", // truncated
        "not json at all",
        "[1,2,3]", // not an object
        "{\"jid\":\"20261123090000000000\"}", // fields missing
        "{\"jid\":\"20261123090000000000\",\"jid\":\"20261123090000000000\"}", // duplicate key
        "{} {}" // trailing tokens
      })
  void aSealedJobFileThatIsNotAJobIsSkipped(String json) throws IOException {
    assertDamagedJobFileIsSkipped(damaged -> sealJob(damaged.jid(), json));
  }

  @Test
  void aJobFileSealedForItsJidHoldingAnotherJobIsSkipped() throws IOException {
    String other = new String(JobJson.write(job(NOW.plusSeconds(1))), StandardCharsets.UTF_8);
    assertDamagedJobFileIsSkipped(damaged -> sealJob(damaged.jid(), other));
  }

  private interface Content {
    byte[] of(JobRecord damaged) throws IOException;
  }

  private void assertDamagedJobFileIsSkipped(Content content) throws IOException {
    JobCache cache = openCache();
    JobRecord damaged = job(NOW.minusSeconds(10));
    JobRecord good = job(NOW);
    cache.create(damaged);
    cache.create(good);
    Files.write(cacheDir().resolve(damaged.jid()).resolve("job.json"), content.of(damaged));

    JobCache reopened = openCache(); // a fresh process: nothing remembered
    try (LogLines log = LogLines.of(JobCache.class)) {
      assertThat(reopened.list()).containsExactly(good);
      assertThat(log.containing("skipping damaged " + damaged.jid() + "/job.json")).hasSize(1);
    }
    assertThat(reopened.find(damaged.jid())).isEmpty();
    assertThat(reopened.addReturn(damaged.jid(), ret(WEB1, "x")))
        .isEqualTo(AddResult.UNKNOWN_JOB);
    assertThat(reopened.find(good.jid())).isPresent();
  }

  private byte[] sealJob(String jid, String json) throws IOException {
    return new JobCacheCipher(secrets.dataAead())
        .seal(json.getBytes(StandardCharsets.UTF_8), JobCacheCipher.job(jid));
  }

  /** A line as the cache writes one, the JSON {@code json} sealed for {@code minion}. */
  private String sealedLine(String jid, String minion, String json) throws IOException {
    byte[] sealed =
        new JobCacheCipher(secrets.dataAead())
            .seal(
                json.getBytes(StandardCharsets.UTF_8),
                JobCacheCipher.jobReturn(jid, io.brine.protocol.MinionId.of(minion)));
    return minion + " " + new String(sealed, StandardCharsets.US_ASCII);
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

  /**
   * Each case a line appended to a log: "raw:" then the line itself, or a minion id, a space and
   * the JSON the test seals for it with the cache's own key.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "web2 {\"id\":\"web2\",\"fun\":\"cmd.run\",\"ret", // truncated
        "raw:\u0000\u0000\u0000", // zeros, as after a power cut on some file systems
        "raw:web2 not-base64!",
        "raw:web2 QUJDRA==", // base64, but no ciphertext
        "raw:../x QUJDRA==", // not a minion id
        "raw:web2", // no sealed part
        "raw:{\"id\":\"web2\",\"fun\":\"cmd.run\",\"return\":1,\"retcode\":0,"
            + "\"success\":true,\"received\":\"2026-11-23T09:00:01Z\"}", // in clear
        "web2 {\"id\":\"web2\",\"fun\":\"cmd.run\",\"return\":1,\"retcode\":\"0\","
            + "\"success\":true,\"received\":\"2026-11-23T09:00:01Z\"}", // retcode a string
        "web2 {\"id\":\"db1\",\"fun\":\"cmd.run\",\"return\":1,\"retcode\":0,"
            + "\"success\":true,\"received\":\"2026-11-23T09:00:01Z\"}", // another minion's
        "web1 {\"id\":\"web1\",\"fun\":\"cmd.run\",\"return\":2,\"retcode\":0,"
            + "\"success\":true,\"received\":\"2026-11-23T09:00:01Z\"}", // web1's second
        "evil {\"id\":\"evil\",\"fun\":\"cmd.run\",\"return\":1,\"retcode\":0,"
            + "\"success\":true,\"received\":\"2026-11-23T09:00:01Z\"}" // a minion not targeted
      })
  void aDamagedReturnLineIsSkipped_andTheLinesAroundItAreKept(String content) throws IOException {
    JobCache cache = openCache();
    JobRecord job = job(NOW);
    cache.create(job);
    cache.addReturn(job.jid(), ret(WEB1, "good"));
    Path log = cacheDir().resolve(job.jid()).resolve("returns.log");
    String line =
        content.startsWith("raw:")
            ? content.substring(4)
            : sealedLine(
                job.jid(),
                content.substring(0, content.indexOf(' ')),
                content.substring(content.indexOf(' ') + 1));
    Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

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
    String torn = sealedLine(job.jid(), "web2", "{}").substring(0, 30) + "#cut#"; // never base64
    Files.writeString(log, torn, StandardCharsets.UTF_8, StandardOpenOption.APPEND);

    JobCache reopened = openCache(); // the master after the crash
    assertThat(reopened.find(job.jid()).orElseThrow().returns()).containsOnlyKeys(WEB1);
    assertThat(reopened.returnedCount(job.jid())).hasValue(1);

    // web2 was never acknowledged, so it sends its return again: it must land on a line of its own.
    assertThat(reopened.addReturn(job.jid(), ret(WEB2, "again"))).isEqualTo(AddResult.ADDED);
    assertThat(Files.readString(log)).doesNotContain("#cut#");
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
    assertThatThrownBy(
            () -> JobCache.open(link, 10, Duration.ofHours(1), clock, secrets.dataAead()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("symbolic link");
    assertThatThrownBy(
            () -> JobCache.open(real, 0, Duration.ofHours(1), clock, secrets.dataAead()))
        .hasMessage("max_jobs is 0; it must be at least 1");
    assertThatThrownBy(
            () -> JobCache.open(real, 10, Duration.ZERO, clock, secrets.dataAead()))
        .hasMessageContaining("keep_jobs must be a positive duration");
  }

  @Test
  void aSecretInAJobOrItsReturns_isInNoByteOfTheCacheFolder() throws IOException {
    String secret = "pillar-db-password-7Qx9";
    JobCache cache = openCache();
    JobRecord job =
        new JobRecord(
            Jid.of(NOW),
            "pillar.get",
            List.of("db:password", secret),
            Map.of("default", secret),
            "web*",
            "glob",
            List.of(WEB1, WEB2),
            List.of(),
            NOW);
    cache.create(job);
    assertThat(cache.addReturn(job.jid(), ret(WEB1, secret))).isEqualTo(AddResult.ADDED);
    assertThat(cache.addReturn(job.jid(), ret(WEB2, Map.of("diff", "+" + secret + "\n"))))
        .isEqualTo(AddResult.ADDED);
    assertThat(cache.addReturn(job.jid(), ret(WEB1, secret))).isEqualTo(AddResult.ALREADY_STORED);
    cache.close();

    JobCache reopened = openCache(); // its writer reads the log back for the next return
    assertThat(reopened.addReturn(job.jid(), ret(WEB2, "other")))
        .isEqualTo(AddResult.CONFLICTING);
    assertThat(reopened.find(job.jid()).orElseThrow().returns().get(WEB1).ret()).isEqualTo(secret);
    assertThat(reopened.list()).containsExactly(job);

    // The secret itself, and its base64 at each of the three alignments: encoding is no seal.
    byte[] clear = secret.getBytes(StandardCharsets.UTF_8);
    List<byte[]> needles = new ArrayList<>(List.of(clear));
    for (int skip = 0; skip < 3; skip++) {
      int whole = (clear.length - skip) / 3 * 3;
      needles.add(
          Base64.getEncoder()
              .withoutPadding()
              .encode(java.util.Arrays.copyOfRange(clear, skip, skip + whole)));
    }
    List<Path> files;
    try (Stream<Path> all = Files.walk(tmp)) {
      files = all.filter(Files::isRegularFile).toList();
    }
    assertThat(files).hasSize(2); // job.json and returns.log, nothing else anywhere
    for (Path file : files) {
      byte[] content = Files.readAllBytes(file);
      for (byte[] needle : needles) {
        assertThat(indexOf(content, needle)).as(file + " holds the secret").isEqualTo(-1);
      }
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void aReturnLineMovedToAnotherJobOrMinion_doesNotOpen_andIsSkippedWithOneLogLine()
      throws IOException {
    JobCache cache = openCache();
    JobRecord a = job(NOW.minusSeconds(10));
    JobRecord b = job(NOW);
    cache.create(a);
    cache.create(b);
    cache.addReturn(a.jid(), ret(WEB1, "a's"));
    Path aLog = cacheDir().resolve(a.jid()).resolve("returns.log");
    Path bLog = cacheDir().resolve(b.jid()).resolve("returns.log");
    String line = Files.readAllLines(aLog).get(0);

    Files.writeString(bLog, line + "\n"); // to another job, same minion
    Files.writeString(
        aLog, "web2" + line.substring(line.indexOf(' ')) + "\n", StandardOpenOption.APPEND);

    JobCache reopened = openCache();
    try (LogLines log = LogLines.of(JobCache.class)) {
      assertThat(reopened.find(b.jid()).orElseThrow().returns()).isEmpty();
      assertThat(reopened.find(a.jid()).orElseThrow().returns()).containsOnlyKeys(WEB1);
      assertThat(log.containing("skipping a damaged return of job " + b.jid()))
          .singleElement()
          .asString()
          .contains("the line of web1 does not open (moved from another job or minion");
      assertThat(log.containing("skipping a damaged return of job " + a.jid()))
          .singleElement()
          .asString()
          .contains("the line of web2 does not open");
    }
    // The moved line is no return of web1 to b: web1's own still goes in.
    assertThat(reopened.addReturn(b.jid(), ret(WEB1, "b's"))).isEqualTo(AddResult.ADDED);
    assertThat(reopened.find(b.jid()).orElseThrow().returns().get(WEB1).ret()).isEqualTo("b's");
  }

  @Test
  void whileTheVaultIsSealed_theCacheRefusesInOneLine_andStillExpiresWithoutTheKey()
      throws IOException {
    JobCache cache = openCache();
    JobRecord old = job(NOW.minusSeconds(10));
    cache.create(old);
    cache.addReturn(old.jid(), ret(WEB1, "before the seal"));

    secrets.sealed();
    String sealed = "the job cache is sealed with the vault";
    assertThatThrownBy(() -> cache.find(old.jid()))
        .isInstanceOf(JobStoreUnavailableException.class)
        .hasMessage(sealed);
    assertThatThrownBy(cache::list).isInstanceOf(JobStoreUnavailableException.class);
    assertThatThrownBy(() -> cache.create(job(NOW)))
        .isInstanceOf(JobStoreUnavailableException.class)
        .hasMessage(sealed);
    assertThatThrownBy(() -> cache.addReturn(old.jid(), ret(WEB2, "while sealed")))
        .as("a return is refused as unavailable, so MinionCalls holds it")
        .isInstanceOf(JobStoreUnavailableException.class)
        .hasMessage(sealed);
    assertThatThrownBy(() -> openCache().find(old.jid()))
        .as("a restarted master, sealed")
        .isInstanceOf(JobStoreUnavailableException.class);
    assertThat(cache.returnedCount(old.jid())).hasValue(1); // lines, counted without the key
    assertThat(entries()).containsExactly(old.jid()); // nothing was written for the refusals

    secrets.unsealed(barrier); // the same key, kept in the barrier
    assertThat(cache.addReturn(old.jid(), ret(WEB2, "after"))).isEqualTo(AddResult.ADDED);
    assertThat(cache.find(old.jid()).orElseThrow().returns()).containsOnlyKeys(WEB1, WEB2);

    secrets.sealed();
    clock.set(NOW.plus(JobCache.DEFAULT_KEEP_JOBS));
    assertThat(cache.purgeExpired()).isEqualTo(1);
    assertThat(entries()).isEmpty();
  }

  @Test
  void jobsAnEarlierVersionStoredInClear_areRemovedAtOpen_withOneLogLine() throws IOException {
    JobCache cache = openCache();
    JobRecord sealedJob = job(NOW);
    cache.create(sealedJob);
    cache.addReturn(sealedJob.jid(), ret(WEB1, "sealed"));
    cache.close();
    // What the previous version left: job.json and returns.log in clear JSON.
    List<JobRecord> inClear = List.of(job(NOW.minusSeconds(20)), job(NOW.minusSeconds(10)));
    for (JobRecord old : inClear) {
      Path folder = Files.createDirectory(cacheDir().resolve(old.jid()));
      Files.write(folder.resolve("job.json"), JobJson.write(old));
      Files.write(folder.resolve("returns.log"), (new String(JobJson.write(ret(WEB1, "s3cret")),
          StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    JobCache reopened;
    try (LogLines log = LogLines.of(JobCache.class)) {
      reopened = openCache();
      assertThat(log.containing("in clear"))
          .containsExactly(
              "WARN job cache: removed 2 job(s) an earlier version stored in clear; job returns"
                  + " are now sealed with the vault");
    }
    assertThat(entries()).containsExactly(sealedJob.jid());
    assertThat(reopened.list()).containsExactly(sealedJob);
    assertThat(reopened.find(sealedJob.jid()).orElseThrow().returns()).containsOnlyKeys(WEB1);
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
