package io.brine.master.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.aead.RandomNonceAesGcm;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.config.MasterConfig;
import io.brine.master.grains.FileGrainStore;
import io.brine.master.listener.MinionListener;
import io.brine.master.pki.KeyChanges;
import io.brine.master.pki.KeyStatus;
import io.brine.master.pki.PkiDirectory;
import io.brine.master.publish.PublishKeyRotator;
import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.job.JobJson;
import io.brine.protocol.job.Target;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master resolves every target type against the accepted keys and the grains it keeps (a real
 * PKI folder, listener, job cache and grains folder): what matches, what a job that matches nothing
 * says, nodegroups expanded into what the publication carries, and grains forgotten with the key.
 */
class GrainTargetResolutionTest {
  private static KeyPair key;

  @TempDir Path dir;

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private PublishKeyRotator rotator;
  private MinionListener listener;
  private JobCache cache;
  private FileGrainStore grains;
  private JobPublisher publisher;

  @BeforeAll
  static void keys() throws Exception {
    key = RsaKeys.generate(2048);
  }

  @BeforeEach
  void master() throws Exception {
    Path accepted = dir.resolve("pki/master/minions");
    Files.createDirectories(accepted);
    for (String id : List.of("web1", "web2", "db1", "bare")) {
      Files.writeString(accepted.resolve(id), Pem.writePublicKey((RSAPublicKey) key.getPublic()));
    }
    PkiDirectory pki = PkiDirectory.open(dir.resolve("pki"));
    rotator = new PublishKeyRotator(Duration.ofHours(1), Duration.ofSeconds(5), timer);
    rotator.start();
    listener =
        MinionListener.start(
            new MasterConfig.Minions(
                "127.0.0.1", 0, Duration.ofHours(1), Duration.ofSeconds(1),
                MasterConfig.Minions.DEFAULT_MAX_FRAME_BYTES, 2, 16,
                MasterConfig.Admission.DEFAULTS),
            () -> Optional.of(key),
            pki,
            rotator,
            (id, request) -> CompletableFuture.completedFuture(new byte[0]));
    cache =
        JobCache.open(
            dir.resolve("jobs"),
            100,
            Duration.ofHours(1),
            Clock.systemUTC(),
            RandomNonceAesGcm.create(AesGcmKey.generate()));
    grains = FileGrainStore.open(dir.resolve("grains"));
    grains.put(MinionId.of("web1"), json(Map.of("os", "Debian", "ipv4", List.of("10.0.0.1"),
        "roles", List.of("web"))));
    grains.put(MinionId.of("web2"), json(Map.of("os", "CentOS", "ipv4", List.of("10.0.1.7"))));
    grains.put(MinionId.of("db1"), json(Map.of("os", "Debian", "ipv4", List.of("192.168.0.5"),
        "roles", List.of("db"))));
    publisher = new JobPublisher(epoch -> Optional.of(key), pki, listener, cache, Clock.systemUTC());
    publisher.grainsFrom(grains);
  }

  @AfterEach
  void stop() {
    listener.close();
    rotator.close();
    cache.close();
    timer.shutdownNow();
  }

  private static byte[] json(Map<String, Object> g) {
    return JobJson.bytes(JobJson.MAPPER.valueToTree(g));
  }

  private List<String> resolve(String type, String tgt) throws Exception {
    return publisher.publish(request(publisher.target(type, tgt, ":"))).missing().stream()
        .map(MinionId::value)
        .sorted()
        .toList();
  }

  private static JobRequest request(Target target) {
    return new JobRequest(
        target, "test.ping", JobJson.MAPPER.createArrayNode(), JobJson.MAPPER.createObjectNode(),
        Duration.ofSeconds(5));
  }

  @Test
  void everyType_resolvesOnIdsAndGrains() throws Exception {
    assertThat(resolve("glob", "web*")).containsExactly("web1", "web2");
    assertThat(resolve("grain", "os:Debian")).containsExactly("db1", "web1");
    assertThat(resolve("grain_pcre", "os:cent")).containsExactly("web2");
    assertThat(resolve("ipcidr", "10.0.0.0/16")).containsExactly("web1", "web2");
    assertThat(resolve("compound", "G@os:Debian and not G@roles:db or bare"))
        .containsExactly("bare", "web1");
  }

  @Test
  void theJobRecord_keepsWhatWasPublished() throws Exception {
    publisher.useNodegroups(
        Nodegroups.parse(Map.of("debian", "G@os:Debian", "webdeb", "N@debian and web*")));
    JobPublisher.Published p = publisher.publish(request(publisher.target("nodegroup", "webdeb", ":")));
    JobRecord recorded = cache.find(p.jid()).orElseThrow().job();
    assertThat(recorded.targetType()).isEqualTo("compound");
    assertThat(recorded.target()).isEqualTo("( G@os:Debian ) and web*");
    assertThat(p.missing()).containsExactly(MinionId.of("web1"));
  }

  @Test
  void nothingMatching_saysWhy() throws Exception {
    assertThatThrownBy(() -> resolve("grain", "os:Plan9"))
        .isInstanceOf(JobPublisher.NoMinionsMatched.class)
        .hasMessage(
            "no accepted minion has grain os matching Plan9 (grains are known for 3 of the 4"
                + " accepted minions)")
        .hasMessageStartingWith(JobPublisher.NoMinionsMatched.PREFIX);
    assertThatThrownBy(() -> resolve("glob", "mail*"))
        .hasMessage("no accepted minion matches glob:mail*");
    assertThat(cache.list(10)).as("nothing was recorded").isEmpty();
  }

  @Test
  void noGrainsKnown_saysSo() throws Exception {
    for (String id : List.of("web1", "web2", "db1")) {
      grains.remove(MinionId.of(id));
    }
    assertThatThrownBy(() -> resolve("grain", "os:Debian"))
        .isInstanceOf(JobPublisher.NoMinionsMatched.class)
        .hasMessage(
            "no accepted minion has sent its grains yet (each sends them when it connects), so"
                + " none matches grain:os:Debian");
  }

  @Test
  void grains_surviveARestart_andGoWithTheirKey() throws Exception {
    FileGrainStore reopened = FileGrainStore.open(dir.resolve("grains"));
    assertThat(reopened.snapshot().grains(MinionId.of("db1"))).containsEntry("os", "Debian");
    reopened.keysChanged(
        new KeyChanges(
            List.of(new KeyChanges.Change(MinionId.of("db1"), KeyStatus.ACCEPTED, KeyStatus.REJECTED)),
            List.of(),
            true));
    assertThat(Files.exists(dir.resolve("grains/db1.json"))).isFalse();
    assertThat(FileGrainStore.open(dir.resolve("grains")).snapshot().grains(MinionId.of("db1")))
        .isNull();
    assertThat(
            new String(Files.readAllBytes(dir.resolve("grains/web1.json")), StandardCharsets.UTF_8))
        .contains("\"os\":\"Debian\"");
    // A key removed while the master was stopped: its grains go at the next start.
    assertThat(reopened.retainOnly(java.util.Set.of(MinionId.of("web1")))).isEqualTo(1);
    assertThat(Files.exists(dir.resolve("grains/web2.json"))).isFalse();
    assertThat(Files.exists(dir.resolve("grains/web1.json"))).isTrue();
  }

  @Test
  void nodegroups_asSaltWritesThem() throws Exception {
    Nodegroups groups =
        Nodegroups.parse(
            Map.of(
                "group1", "L@web1,db1 or bl*.domain.com",
                "group2", "G@os:Debian and web1",
                "group3", "G@os:Debian and N@group1",
                "group4", List.of("G@os:CentOS", "or", "G@roles:db"),
                "ids", List.of("web2", "bare")));
    publisher.useNodegroups(groups);
    assertThat(resolve("nodegroup", "group1")).containsExactly("db1", "web1");
    assertThat(resolve("nodegroup", "group3")).containsExactly("db1", "web1");
    assertThat(resolve("nodegroup", "group4")).containsExactly("db1", "web2");
    assertThat(resolve("nodegroup", "ids")).containsExactly("bare", "web2");
    assertThat(resolve("compound", "N@group2 or N@ids")).containsExactly("bare", "web1", "web2");
    assertThat(groups.target("ids").expression()).isEqualTo("L@web2,bare");
    assertThatThrownBy(() -> publisher.target("nodegroup", "nope", ":"))
        .isInstanceOf(ProtocolException.class)
        .hasMessageStartingWith("no nodegroup 'nope' in the master config (it has group1,");
  }

  @Test
  void nodegroupCycles_andBadGroups_areRefusedAtLoad() {
    assertThatThrownBy(() -> Nodegroups.parse(Map.of("a", "N@b", "b", "web* or N@a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nodegroups refer to each other in a cycle: ");
    assertThatThrownBy(() -> Nodegroups.parse(Map.of("a", "web* and")))
        .hasMessage("group 'a': compound target ends after 'and'; a target must follow it");
    assertThatThrownBy(() -> Nodegroups.parse(Map.of("a", "N@missing")))
        .hasMessageContaining("no nodegroup 'missing'");
    assertThatThrownBy(() -> Nodegroups.parse(List.of("not a mapping")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Nodegroups.parse(List.of(Map.of("g", "web1"))).isEmpty()).isFalse();
  }
}
