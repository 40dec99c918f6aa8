package io.brine.master.pki;

import static io.brine.master.pki.TestKeys.A;
import static io.brine.master.pki.TestKeys.B;
import static io.brine.master.pki.TestKeys.C;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.MalformedKeyException;
import io.brine.crypto.WeakKeyException;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.pki.AuthResult.Verdict;
import io.brine.master.pki.KeyChanges.Change;
import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.Hello;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.handshake.MinionHandshake;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Salt's key decisions (salt.md §1.4) and the operator's transitions, the same for every {@link
 * MinionKeyStore}: each store's test extends this one and says how to open the store and how to put
 * a key in place behind the decisions' back.
 */
public abstract class MinionKeyStoreContract {
  protected static final MinionId WEB1 = MinionId.of("web1");

  /** Generous: a watch reports within a second or so; a loaded machine may take longer. */
  private static final Duration WATCH_TIMEOUT = Duration.ofSeconds(20);

  @TempDir protected Path dir;

  private MinionKeyStore keys;

  /**
   * An empty store, deciding manually: the backing every later {@link #open} of the test shares.
   */
  protected abstract MinionKeyStore fresh() throws IOException;

  /** Another instance on the test's backing (another master, another process), deciding by it. */
  protected abstract MinionKeyStore open(AcceptancePolicy policy) throws IOException;

  /** Puts {@code text} in place as the store's own writes would, without a decision. */
  protected abstract void place(KeyStatus status, MinionId id, String text) throws IOException;

  @BeforeEach
  void openStore() throws IOException {
    keys = fresh();
  }

  /** Every key held, as "folder/id", sorted by status then id. */
  private List<String> held() throws IOException {
    List<String> held = new ArrayList<>();
    for (Map.Entry<KeyStatus, List<MinionId>> e : keys.list().entrySet()) {
      e.getValue().forEach(id -> held.add(e.getKey().dirName() + "/" + id));
    }
    return held;
  }

  private String pem(KeyStatus status, MinionId id) throws IOException {
    return keys.publicKeyPem(status, id).orElse(null);
  }

  private Verdict present(MinionId id, String pem) throws Exception {
    return keys.authorize(id, pem).verdict();
  }

  private Path signingFile(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
    return f;
  }

  // --- a new id

  @Test
  void newKey_isPending_storedWithUnixLineEnds() throws Exception {
    AuthResult result = keys.authorize(WEB1, TestKeys.crlf(A));

    assertThat(result.verdict()).isEqualTo(Verdict.PENDING);
    assertThat(result.acceptedKey()).isNull();
    assertThat(pem(KeyStatus.PENDING, WEB1)).isEqualTo(A);
    assertThat(held()).containsExactly("minions_pre/web1");
  }

  @Test
  void weakOrForeignOrGarbageKeys_areRefused_beforeAnythingIsWritten() throws Exception {
    assertThatThrownBy(() -> keys.authorize(WEB1, TestKeys.rsa1024()))
        .isInstanceOf(WeakKeyException.class)
        .hasMessageContaining("1024 bits");
    assertThatThrownBy(() -> keys.authorize(WEB1, TestKeys.rsaExponent3()))
        .isInstanceOf(WeakKeyException.class)
        .hasMessageContaining("exponent is 3");
    assertThatThrownBy(() -> keys.authorize(WEB1, TestKeys.ec()))
        .isInstanceOf(MalformedKeyException.class)
        .hasMessageContaining("not RSA");
    assertThatThrownBy(() -> keys.authorize(WEB1, "hello"))
        .isInstanceOf(MalformedKeyException.class);
    assertThat(held()).isEmpty();
  }

  // --- §1.4 step 4: rejected

  @Test
  void rejectedId_isRefusedWhateverTheKey_andNothingIsWritten() throws Exception {
    place(KeyStatus.REJECTED, WEB1, "not even a key");

    assertThat(present(WEB1, A)).isEqualTo(Verdict.REJECTED);
    assertThat(present(WEB1, B)).isEqualTo(Verdict.REJECTED);
    assertThat(held()).containsExactly("minions_rejected/web1");
    assertThat(pem(KeyStatus.REJECTED, WEB1)).isEqualTo("not even a key");
  }

  // --- §1.4 step 5: accepted

  @Test
  void acceptedSameKey_isAccepted_withTheStoredKey_comparedParsedNotAsText() throws Exception {
    place(KeyStatus.ACCEPTED, WEB1, A);

    AuthResult result = keys.authorize(WEB1, TestKeys.crlf(A));

    assertThat(result.verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(result.acceptedKey()).isEqualTo(TestKeys.parse(A));
    assertThat(held()).containsExactly("minions/web1");
  }

  @Test
  void acceptedSameKey_storedInOtherText_isStillTheSameKey() throws Exception {
    // Written by hand: base64 lines of 76 characters instead of 64; the key is the same.
    String body = A.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    StringBuilder rewrapped = new StringBuilder("-----BEGIN PUBLIC KEY-----\n");
    for (int i = 0; i < body.length(); i += 76) {
      rewrapped.append(body, i, Math.min(body.length(), i + 76)).append('\n');
    }
    rewrapped.append("-----END PUBLIC KEY-----\n");
    place(KeyStatus.ACCEPTED, WEB1, rewrapped.toString());

    AuthResult result = keys.authorize(WEB1, A);

    assertThat(result.verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(result.acceptedKey()).isEqualTo(TestKeys.parse(A));
    assertThat(present(WEB1, B)).isEqualTo(Verdict.DENIED);
  }

  @Test
  void acceptedDifferentKey_isDenied_andTheAcceptedKeyKeepsWorking() throws Exception {
    place(KeyStatus.ACCEPTED, WEB1, A);

    assertThat(present(WEB1, B)).isEqualTo(Verdict.DENIED);

    assertThat(pem(KeyStatus.DENIED, WEB1)).isEqualTo(B);
    assertThat(pem(KeyStatus.ACCEPTED, WEB1)).isEqualTo(A);
    AuthResult original = keys.authorize(WEB1, A);
    assertThat(original.verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(original.acceptedKey()).isEqualTo(TestKeys.parse(A));
  }

  @Test
  void deniedAgainWithAThirdKey_replacesTheDeniedKey() throws Exception {
    place(KeyStatus.ACCEPTED, WEB1, A);
    keys.authorize(WEB1, B);

    assertThat(present(WEB1, C)).isEqualTo(Verdict.DENIED);

    assertThat(pem(KeyStatus.DENIED, WEB1)).isEqualTo(C);
    assertThat(pem(KeyStatus.ACCEPTED, WEB1)).isEqualTo(A);
  }

  @Test
  void acceptedKeyUnusable_presentedKeyIsDenied_notAccepted() throws Exception {
    place(KeyStatus.ACCEPTED, WEB1, "garbage");

    assertThat(present(WEB1, A)).isEqualTo(Verdict.DENIED);
    assertThat(pem(KeyStatus.ACCEPTED, WEB1)).isEqualTo("garbage");
  }

  // --- §1.4 step 6: no pending key

  @Test
  void onlyADeniedKey_isTreatedAsNew_andGoesToPending() throws Exception {
    place(KeyStatus.DENIED, WEB1, B);

    assertThat(present(WEB1, A)).isEqualTo(Verdict.PENDING);
    assertThat(pem(KeyStatus.PENDING, WEB1)).isEqualTo(A);
  }

  @Test
  void deletedAcceptedKey_reentersPending_onTheNextAuth() throws Exception {
    place(KeyStatus.ACCEPTED, WEB1, A);
    keys.delete(List.of(WEB1));

    assertThat(present(WEB1, A)).isEqualTo(Verdict.PENDING);
  }

  @Test
  void autoAccept_newKey_isAccepted() throws Exception {
    keys = open(AcceptancePolicy.of(true, null, null));

    AuthResult result = keys.authorize(WEB1, A);

    assertThat(result.verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(result.acceptedKey()).isEqualTo(TestKeys.parse(A));
    assertThat(held()).containsExactly("minions/web1");
  }

  @Test
  void autosignFile_globMatches_acceptsNewKey_othersStayPending() throws Exception {
    Path autosign = signingFile("autosign.conf", "# web servers\n\nweb*\n db[0-9] \n");
    keys = open(AcceptancePolicy.of(false, autosign, null));

    assertThat(present(WEB1, A)).isEqualTo(Verdict.ACCEPTED);
    assertThat(present(MinionId.of("db7"), B)).isEqualTo(Verdict.ACCEPTED);
    assertThat(present(MinionId.of("mail1"), C)).isEqualTo(Verdict.PENDING);
    assertThat(held()).containsExactly("minions/db7", "minions/web1", "minions_pre/mail1");
  }

  @Test
  void autorejectFile_newKey_isRejected() throws Exception {
    Path autoreject = signingFile("autoreject.conf", "web1\n");
    keys = open(AcceptancePolicy.of(false, null, autoreject));

    assertThat(present(WEB1, A)).isEqualTo(Verdict.REJECTED);
    assertThat(held()).containsExactly("minions_rejected/web1");
    assertThat(present(WEB1, A)).isEqualTo(Verdict.REJECTED);
  }

  @Test
  void autorejectFile_isCheckedBeforeAutoAccept() throws Exception {
    Path autoreject = signingFile("autoreject.conf", "web?\n");
    keys = open(AcceptancePolicy.of(true, null, autoreject));

    assertThat(present(WEB1, A)).isEqualTo(Verdict.REJECTED);
  }

  @Test
  void worldWritableAutosignFile_isIgnored_keyStaysPending() throws Exception {
    Path autosign = signingFile("autosign.conf", "*\n");
    Files.setPosixFilePermissions(autosign, PosixFilePermissions.fromString("rw-rw-rw-"));
    keys = open(AcceptancePolicy.of(false, autosign, null));

    assertThat(present(WEB1, A)).isEqualTo(Verdict.PENDING);
  }

  @Test
  void missingAutosignFile_matchesNothing() throws Exception {
    keys = open(AcceptancePolicy.of(false, dir.resolve("none"), null));

    assertThat(present(WEB1, A)).isEqualTo(Verdict.PENDING);
  }

  // --- §1.4 step 7: a pending key

  @Test
  void pendingSameKey_staysPending() throws Exception {
    keys.authorize(WEB1, A);

    assertThat(present(WEB1, TestKeys.crlf(A))).isEqualTo(Verdict.PENDING);
    assertThat(held()).containsExactly("minions_pre/web1");
  }

  @Test
  void pendingDifferentKey_isDenied_andThePendingKeyStays() throws Exception {
    keys.authorize(WEB1, A);

    assertThat(present(WEB1, B)).isEqualTo(Verdict.DENIED);
    assertThat(pem(KeyStatus.PENDING, WEB1)).isEqualTo(A);
    assertThat(pem(KeyStatus.DENIED, WEB1)).isEqualTo(B);
  }

  @Test
  void pendingThenAutoRejected_movesPendingToRejected() throws Exception {
    keys.authorize(WEB1, A);
    keys = open(AcceptancePolicy.of(false, null, signingFile("autoreject.conf", "web1\n")));

    assertThat(present(WEB1, A)).isEqualTo(Verdict.REJECTED);
    assertThat(held()).containsExactly("minions_rejected/web1");
  }

  @Test
  void pendingSameKeyThenAutoSigned_movesPendingToAccepted() throws Exception {
    keys.authorize(WEB1, A);
    keys = open(AcceptancePolicy.of(false, signingFile("autosign.conf", "web1\n"), null));

    assertThat(present(WEB1, A)).isEqualTo(Verdict.ACCEPTED);
    assertThat(held()).containsExactly("minions/web1");
  }

  @Test
  void pendingDifferentKeyThenAutoSigned_isDenied_notAccepted() throws Exception {
    keys.authorize(WEB1, A);
    keys = open(AcceptancePolicy.of(true, null, null));

    assertThat(present(WEB1, B)).isEqualTo(Verdict.DENIED);
    assertThat(held()).containsExactly("minions_pre/web1", "minions_denied/web1");
  }

  // --- what strangers can make the store write

  @Test
  void pendingCap_newIdsBeyondItAreNotWritten_autoSignedOnesAre() throws Exception {
    keys = open(AcceptancePolicy.of(false, signingFile("autosign.conf", "db*\n"), null));
    keys.limitPendingKeys(2);

    assertThat(present(MinionId.of("web1"), A)).isEqualTo(Verdict.PENDING);
    assertThat(present(MinionId.of("web2"), B)).isEqualTo(Verdict.PENDING);
    assertThat(present(MinionId.of("web3"), C)).isEqualTo(Verdict.PENDING_FULL);
    assertThat(present(MinionId.of("db1"), C)).isEqualTo(Verdict.ACCEPTED);
    assertThat(held()).containsExactly("minions/db1", "minions_pre/web1", "minions_pre/web2");
  }

  @Test
  void newIdHook_false_isThrottled_andWritesNothing_knownIdsAreNotAsked() throws Exception {
    KeyPair minion = RsaKeys.generate(2048);
    Hello hello =
        Hello.parse(MinionHandshake.start(WEB1, minion, MasterTrust.firstContact()).hello());
    List<String> asked = new ArrayList<>();

    assertThat(keys.authorize(hello, () -> asked.add("web1") && false).verdict())
        .isEqualTo(Verdict.THROTTLED);
    assertThat(held()).isEmpty();
    assertThat(keys.authorize(hello, () -> asked.add("web1")).verdict()).isEqualTo(Verdict.PENDING);
    assertThat(keys.authorize(hello, () -> false).verdict()).isEqualTo(Verdict.PENDING);
    assertThat(asked).hasSize(2);
  }

  // --- operator transitions

  @Test
  void accept_movesPendingToAccepted_andLeavesOthers() throws Exception {
    keys.authorize(WEB1, A);
    place(KeyStatus.REJECTED, MinionId.of("db1"), B);

    KeyChanges changes = keys.accept(List.of(WEB1, MinionId.of("db1")), false, false);

    assertThat(changes.changes())
        .containsExactly(new Change(WEB1, KeyStatus.PENDING, KeyStatus.ACCEPTED));
    assertThat(changes.acceptedKeyRemoved()).isFalse();
    assertThat(held()).containsExactly("minions/web1", "minions_rejected/db1");
    assertThat(present(WEB1, A)).isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void accept_includeRejected_movesRejectedToAccepted() throws Exception {
    place(KeyStatus.REJECTED, WEB1, A);

    KeyChanges changes = keys.accept(List.of(WEB1), true, false);

    assertThat(changes.changes())
        .containsExactly(new Change(WEB1, KeyStatus.REJECTED, KeyStatus.ACCEPTED));
    assertThat(held()).containsExactly("minions/web1");
  }

  @Test
  void accept_includeDenied_replacesTheAcceptedKey_andAsksForARotation() throws Exception {
    place(KeyStatus.ACCEPTED, WEB1, A);
    keys.authorize(WEB1, B);
    long removals = keys.acceptedKeyRemovals();
    AcceptedKeys.Stamp before = keys.acceptedKeyStamp(WEB1).orElseThrow();

    KeyChanges changes = keys.accept(List.of(WEB1), false, true);

    assertThat(changes.changes())
        .containsExactly(new Change(WEB1, KeyStatus.DENIED, KeyStatus.ACCEPTED));
    assertThat(changes.acceptedKeyRemoved()).isTrue();
    assertThat(keys.acceptedKeyRemovals()).isEqualTo(removals + 1);
    assertThat(keys.acceptedKeyStamp(WEB1)).isPresent().get().isNotEqualTo(before);
    assertThat(pem(KeyStatus.ACCEPTED, WEB1)).isEqualTo(B);
    assertThat(present(WEB1, A)).isEqualTo(Verdict.DENIED);
    assertThat(present(WEB1, B)).isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void accept_unusablePendingKey_isRefusedAndLeftInPlace() throws Exception {
    place(KeyStatus.PENDING, WEB1, "garbage");

    KeyChanges changes = keys.accept(List.of(WEB1), false, false);

    assertThat(changes.changes()).isEmpty();
    assertThat(changes.refused())
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).contains("not a usable RSA public key"));
    assertThat(held()).containsExactly("minions_pre/web1");
  }

  @Test
  void reject_movesPendingToRejected_withoutARotation() throws Exception {
    keys.authorize(WEB1, A);

    KeyChanges changes = keys.reject(List.of(WEB1), false, false);

    assertThat(changes.changes())
        .containsExactly(new Change(WEB1, KeyStatus.PENDING, KeyStatus.REJECTED));
    assertThat(changes.acceptedKeyRemoved()).isFalse();
    assertThat(keys.acceptedKeyRemovals()).isZero();
    assertThat(present(WEB1, A)).isEqualTo(Verdict.REJECTED);
  }

  @Test
  void reject_acceptedKeyOnlyWithIncludeAccepted_thenAsksForARotation() throws Exception {
    place(KeyStatus.ACCEPTED, WEB1, A);

    assertThat(keys.reject(List.of(WEB1), false, false).changes()).isEmpty();
    KeyChanges changes = keys.reject(List.of(WEB1), true, false);

    assertThat(changes.changes())
        .containsExactly(new Change(WEB1, KeyStatus.ACCEPTED, KeyStatus.REJECTED));
    assertThat(changes.acceptedKeyRemoved()).isTrue();
    assertThat(keys.acceptedKeyRemovals()).isEqualTo(1);
    assertThat(present(WEB1, A)).isEqualTo(Verdict.REJECTED);
  }

  @Test
  void reject_includeDenied_movesDeniedToRejected_acceptedKeyKept() throws Exception {
    place(KeyStatus.ACCEPTED, WEB1, A);
    keys.authorize(WEB1, B);

    KeyChanges changes = keys.reject(List.of(WEB1), false, true);

    assertThat(changes.changes())
        .containsExactly(new Change(WEB1, KeyStatus.DENIED, KeyStatus.REJECTED));
    assertThat(changes.acceptedKeyRemoved()).isFalse();
    assertThat(held()).containsExactly("minions/web1", "minions_rejected/web1");
  }

  @Test
  void delete_removesTheKeyInEveryStatus_andAsksForARotationWhenOneWasAccepted() throws Exception {
    place(KeyStatus.ACCEPTED, WEB1, A);
    keys.authorize(WEB1, B);
    keys.authorize(MinionId.of("db1"), C);

    KeyChanges changes = keys.delete(List.of(WEB1, MinionId.of("db1"), MinionId.of("nobody")));

    assertThat(changes.changes())
        .containsExactly(
            new Change(MinionId.of("db1"), KeyStatus.PENDING, null),
            new Change(WEB1, KeyStatus.ACCEPTED, null),
            new Change(WEB1, KeyStatus.DENIED, null));
    assertThat(changes.acceptedKeyRemoved()).isTrue();
    assertThat(keys.acceptedKeyRemovals()).isEqualTo(1);
    assertThat(held()).isEmpty();
  }

  @Test
  void list_andStatuses_andPublicKeyPem_andAcceptedKeys_showWhatIsStored() throws Exception {
    place(KeyStatus.ACCEPTED, WEB1, A);
    keys.authorize(WEB1, B);
    keys.authorize(MinionId.of("db1"), C);

    Map<KeyStatus, List<MinionId>> all = keys.list();

    assertThat(all.get(KeyStatus.ACCEPTED)).containsExactly(WEB1);
    assertThat(all.get(KeyStatus.DENIED)).containsExactly(WEB1);
    assertThat(all.get(KeyStatus.PENDING)).containsExactly(MinionId.of("db1"));
    assertThat(all.get(KeyStatus.REJECTED)).isEmpty();
    assertThat(keys.statuses(WEB1)).isEqualTo(Set.of(KeyStatus.ACCEPTED, KeyStatus.DENIED));
    assertThat(keys.publicKeyPem(KeyStatus.DENIED, WEB1)).contains(B);
    assertThat(keys.publicKeyPem(KeyStatus.REJECTED, WEB1)).isEmpty();
    AcceptedKeys accepted = keys.acceptedKeys();
    assertThat(accepted.ids()).containsExactly(WEB1);
    assertThat(accepted.stamps().get(WEB1)).isEqualTo(keys.acceptedKeyStamp(WEB1).orElseThrow());
    assertThat(keys.acceptedKeyStamp(MinionId.of("db1"))).isEmpty();
  }

  // --- the audit log

  /** Records each decision as "decision id fingerprint-of-key", answering {@code answer}. */
  private static final class RecordingLog implements KeyDecisionLog {
    final List<String> recorded = new ArrayList<>();
    volatile boolean answer = true;

    @Override
    public synchronized boolean record(KeyDecision decision, MinionId id, String publicKeyPem) {
      recorded.add(
          decision.wireName() + " " + id + " " + (publicKeyPem == null ? "-" : key(publicKeyPem)));
      return answer;
    }

    static String key(String pem) {
      return pem.equals(A) ? "A" : pem.equals(B) ? "B" : "?";
    }
  }

  @Test
  void decisions_areRecordedBeforeTheyAreCarriedOut_andNotCarriedOutWhenTheyCannotBe()
      throws Exception {
    keys = open(AcceptancePolicy.of(true, null, null));
    RecordingLog decisions = new RecordingLog();
    keys.recordDecisionsIn(decisions);

    decisions.answer = false;
    assertThat(present(WEB1, A)).isEqualTo(Verdict.PENDING); // auto_accept not recorded: waits
    assertThat(keys.accept(List.of(WEB1), false, false).refused())
        .extracting(KeyChanges.Refusal::reason)
        .containsExactly(KeyRules.NOT_RECORDED);
    assertThat(keys.statuses(WEB1)).containsExactly(KeyStatus.PENDING);

    decisions.answer = true;
    assertThat(present(WEB1, A)).isEqualTo(Verdict.ACCEPTED); // the retry is recorded
    assertThat(present(WEB1, B)).isEqualTo(Verdict.DENIED);
    assertThat(present(WEB1, B)).isEqualTo(Verdict.DENIED); // not news: not recorded again
    keys.delete(List.of(WEB1));

    assertThat(decisions.recorded)
        .containsExactly(
            "auto_accept web1 A",
            "accept web1 A",
            "auto_accept web1 A",
            "denied web1 B",
            "delete web1 A",
            "delete web1 B");
  }

  // --- changes made elsewhere

  /**
   * Within {@link #PROMPT} of the watch's start: both stores' periodic comparisons come 10 s or
   * more after it, so a comparison reported this early was asked for by the removal.
   */
  private static final Duration PROMPT = Duration.ofSeconds(8);

  @Test
  void watch_reportsAKeyAcceptedAndOneRemovedThroughAnotherInstance() throws Exception {
    keys.authorize(WEB1, A);
    BlockingQueue<String> reports = new LinkedBlockingQueue<>();
    MinionKeyStore other = open(AcceptancePolicy.manual());
    long started = System.nanoTime();
    MinionKeyStore.Watch watch =
        keys.watchAccepted(
            (written, compare) -> {
              written.forEach(id -> reports.add("written " + id));
              if (compare) {
                reports.add("compare");
              }
            });
    try {
      other.accept(List.of(WEB1), false, false);
      assertThat(next(reports, "written web1", started + WATCH_TIMEOUT.toNanos())).isTrue();
      reports.clear();

      other.delete(List.of(WEB1));
      assertThat(next(reports, "compare", started + PROMPT.toNanos()))
          .as("a comparison asked for by the removal, before any periodic one")
          .isTrue();
    } finally {
      watch.close();
    }
    assertThat(keys.acceptedKeys().ids()).isEmpty();
  }

  // --- brine key --import: another master's folder copied in

  private static ImportedKey imported(String id, KeyStatus status, String pem) {
    return new ImportedKey(MinionId.of(id), status, pem);
  }

  private static List<String> outcome(KeyImport result) {
    List<String> lines = new ArrayList<>();
    result.imported().forEach(p -> lines.add("imported " + p.status().dirName() + "/" + p.id()));
    result.unchanged().forEach(p -> lines.add("unchanged " + p.status().dirName() + "/" + p.id()));
    result.conflicts().forEach(r -> lines.add("conflict " + r.id() + ": " + r.reason()));
    return lines;
  }

  private static List<ImportedKey> folderOfEveryState() {
    return List.of(
        imported("web1", KeyStatus.ACCEPTED, A),
        imported("web1", KeyStatus.DENIED, TestKeys.crlf(B)),
        imported("web2", KeyStatus.PENDING, B),
        imported("web3", KeyStatus.REJECTED, A),
        imported("db1", KeyStatus.ACCEPTED, A),
        imported("db2", KeyStatus.ACCEPTED, A));
  }

  @Test
  void importKeys_copiesEveryState_acceptedAuthenticate_againChangesNothing_conflictsLeftOut()
      throws Exception {
    keys.authorize(MinionId.of("db1"), B); // held here pending already
    place(KeyStatus.ACCEPTED, MinionId.of("db2"), B); // and accepted here with another key

    KeyImport first = keys.importKeys(folderOfEveryState(), false);

    assertThat(outcome(first))
        .containsExactly(
            "imported minions/web1",
            "imported minions_denied/web1",
            "imported minions_pre/web2",
            "imported minions_rejected/web3",
            "conflict db1: the store holds it as pending",
            "conflict db2: the store holds another key for it");
    assertThat(first.importedByStatus().values()).containsExactly(1, 1, 1, 1);
    assertThat(first.dryRun()).isFalse();
    // an imported accepted key is accepted: its minion authenticates, nothing to accept first
    AuthResult web1 = keys.authorize(WEB1, A);
    assertThat(web1.verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(web1.acceptedKey()).isEqualTo(TestKeys.parse(A));
    assertThat(pem(KeyStatus.DENIED, WEB1)).isEqualTo(B); // stored with unix line ends
    assertThat(present(MinionId.of("web3"), A)).isEqualTo(Verdict.REJECTED);
    assertThat(present(MinionId.of("db2"), A)).isEqualTo(Verdict.DENIED);
    assertThat(held())
        .containsExactly(
            "minions/db2",
            "minions/web1",
            "minions_pre/db1",
            "minions_pre/web2",
            "minions_rejected/web3",
            "minions_denied/db2",
            "minions_denied/web1");
    assertThat(open(AcceptancePolicy.manual()).acceptedKeys().ids())
        .as("another instance on the same store sees the imported keys")
        .contains(WEB1);

    KeyImport again = keys.importKeys(folderOfEveryState(), false);

    assertThat(again.imported()).isEmpty();
    assertThat(again.unchanged()).hasSize(4);
    assertThat(again.conflicts()).extracting(r -> r.id().value()).containsExactly("db1", "db2");
    assertThat(again.summary())
        .isEqualTo(
            "imported 0 key(s) (0 accepted, 0 pending, 0 rejected, 0 denied), 4 unchanged,"
                + " 2 conflict(s)");
  }

  @Test
  void importKeys_dryRun_reportsWhatAnImportWouldDo_andWritesNothing() throws Exception {
    keys.authorize(MinionId.of("db1"), B);
    List<String> before = held();

    KeyImport dry = keys.importKeys(folderOfEveryState(), true);

    assertThat(dry.dryRun()).isTrue();
    assertThat(dry.summary()).startsWith("would import 5 key(s)");
    assertThat(held()).isEqualTo(before);
    assertThat(present(WEB1, A)).isEqualTo(Verdict.PENDING); // a new id: nothing was imported
    keys.delete(List.of(WEB1));
    assertThat(outcome(keys.importKeys(folderOfEveryState(), false)))
        .as("the import does what the dry run said")
        .isEqualTo(outcome(dry));
  }

  @Test
  void importKeys_oneIdInTwoStates_keepsRejectedOverAccepted_evenInADryRun() throws Exception {
    List<ImportedKey> both =
        List.of(imported("web1", KeyStatus.ACCEPTED, A), imported("web1", KeyStatus.REJECTED, A));

    for (boolean dryRun : List.of(true, false)) {
      assertThat(outcome(keys.importKeys(both, dryRun)))
          .containsExactly(
              "imported minions_rejected/web1", "conflict web1: the store holds it as rejected");
    }
    assertThat(held()).containsExactly("minions_rejected/web1");
  }

  @Test
  void importKeys_recordsOneImportPerKeyWritten_andOneNotRecordedIsAConflict() throws Exception {
    List<String> recorded = new ArrayList<>();
    keys.recordDecisionsIn(
        new KeyDecisionLog() {
          @Override
          public boolean record(KeyDecision decision, MinionId id, String publicKeyPem) {
            recorded.add(decision + " " + id);
            return true;
          }

          @Override
          public boolean recordImport(MinionId id, KeyStatus status, String publicKeyPem) {
            recorded.add("IMPORT " + id + " " + status + (publicKeyPem.equals(A) ? " A" : " ?"));
            return !id.value().equals("web2"); // web2's cannot be recorded
          }
        });

    KeyImport result =
        keys.importKeys(
            List.of(
                imported("web1", KeyStatus.ACCEPTED, A),
                imported("web2", KeyStatus.ACCEPTED, A),
                imported("web3", KeyStatus.PENDING, A)),
            false);

    assertThat(recorded)
        .containsExactly(
            "IMPORT web1 ACCEPTED A", "IMPORT web2 ACCEPTED A", "IMPORT web3 PENDING A");
    assertThat(outcome(result))
        .containsExactly(
            "imported minions/web1",
            "imported minions_pre/web3",
            "conflict web2: " + KeyRules.NOT_RECORDED);
    assertThat(held()).containsExactly("minions/web1", "minions_pre/web3");

    recorded.clear();
    keys.importKeys(List.of(imported("web1", KeyStatus.ACCEPTED, A)), true);
    keys.importKeys(List.of(imported("web1", KeyStatus.ACCEPTED, A)), false);
    assertThat(recorded).as("a dry run and an unchanged key decide nothing").isEmpty();
  }

  @Test
  void importKeys_overTheBatchBound_isRefusedWhole() throws Exception {
    List<ImportedKey> many = new ArrayList<>();
    for (int i = 0; i <= ImportedKey.MAX_BATCH; i++) {
      many.add(imported("m" + i, KeyStatus.ACCEPTED, A));
    }

    assertThatThrownBy(() -> keys.importKeys(many, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("at most 512 keys per import, not 513");
    assertThat(held()).isEmpty();
  }

  /** Waits until {@code deadline} (nanoTime) for {@code report}, skipping others. */
  private static boolean next(BlockingQueue<String> reports, String report, long deadline)
      throws InterruptedException {
    for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
      if (report.equals(reports.poll(left, TimeUnit.NANOSECONDS))) {
        return true;
      }
    }
    return false;
  }
}
