package io.brine.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.vault.storage.FileStorage;
import io.brine.vault.storage.Storage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Shamir-sealed vault over real files: init, unseal, seal, rekey, rotations, generate-root. */
class VaultCoreShamirTest {
  @TempDir Path dir;

  private FileStorage storage;
  private VaultCore vault;

  @BeforeEach
  void open() throws Exception {
    storage = FileStorage.open(dir.resolve("vault"));
    vault = VaultCore.builder(storage).build();
  }

  @AfterEach
  void close() {
    vault.close();
  }

  private VaultCore reopen() throws Exception {
    vault.close();
    vault = VaultCore.builder(FileStorage.open(dir.resolve("vault"))).build();
    return vault;
  }

  private InitResult init(int n, int t) throws Exception {
    return vault.initialize(new InitRequest(n, t, 0, 0));
  }

  private void unseal(List<String> shares) throws Exception {
    for (String s : shares) {
      vault.submitUnsealKey(s, false);
    }
  }

  @Test
  void status_beforeInit_isUninitializedAndSealed() {
    SealStatus s = vault.sealStatus();
    assertThat(s.initialized()).isFalse();
    assertThat(s.sealed()).isTrue();
    assertThat(s.type()).isEqualTo("shamir");
    assertThat(s.t()).isZero();
    assertThat(s.nonce()).isEmpty();
  }

  @Test
  void init_5of3_givesOpenBaoShares_andStaysSealed() throws Exception {
    InitResult r = init(5, 3);

    assertThat(r.keys()).hasSize(5).allSatisfy(k -> assertThat(k).hasSize(66).matches("[0-9a-f]+"));
    assertThat(r.keysBase64()).hasSize(5).allSatisfy(k -> assertThat(k).hasSize(44));
    assertThat(Base64.getDecoder().decode(r.keysBase64().get(2)))
        .isEqualTo(HexFormat.of().parseHex(r.keys().get(2)));
    assertThat(r.recoveryKeys()).isEmpty();
    assertThat(r.rootToken()).matches("s\\.[0-9A-Za-z]{32}");
    SealStatus s = vault.sealStatus();
    assertThat(s.initialized()).isTrue();
    assertThat(s.sealed()).isTrue();
    assertThat(s.t()).isEqualTo(3);
    assertThat(s.n()).isEqualTo(5);
  }

  @Test
  void init_twice_isRefused() throws Exception {
    init(1, 1);
    assertThatThrownBy(() -> init(1, 1))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("Vault is already initialized");
  }

  @Test
  void init_badParameters_areRefusedWithOpenBaoMessages() {
    assertThatThrownBy(() -> init(0, 0)).hasMessageContaining("secret_shares must be between 1 and 255");
    assertThatThrownBy(() -> init(256, 3)).hasMessageContaining("secret_shares must be between 1 and 255");
    assertThatThrownBy(() -> init(3, 4)).hasMessageContaining("secret_threshold must be between 1 and");
    assertThatThrownBy(() -> init(5, 1))
        .hasMessage("secret_threshold must be greater than one for multiple shares");
    assertThatThrownBy(() -> vault.initialize(new InitRequest(5, 3, 5, 3)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("not applicable to seal type shamir");
    assertThat(vault.sealStatus().initialized()).as("nothing half-written").isFalse();
  }

  @Test
  void unseal_byParts_showsProgressAndOneNonce_thenUnseals() throws Exception {
    InitResult r = init(5, 3);

    SealStatus first = vault.submitUnsealKey(r.keys().get(4), false);
    assertThat(first.progress()).isEqualTo(1);
    assertThat(first.nonce()).isNotEmpty();
    SealStatus second = vault.submitUnsealKey(r.keysBase64().get(1), false);
    assertThat(second.progress()).isEqualTo(2);
    assertThat(second.nonce()).isEqualTo(first.nonce());
    SealStatus done = vault.submitUnsealKey(r.keys().get(2), false);

    assertThat(done.sealed()).isFalse();
    assertThat(done.progress()).isZero();
    assertThat(done.nonce()).isEmpty();
  }

  @Test
  void unseal_identicalPart_isIgnored() throws Exception {
    InitResult r = init(3, 2);
    vault.submitUnsealKey(r.keys().get(0), false);
    SealStatus again = vault.submitUnsealKey(r.keysBase64().get(0), false);
    assertThat(again.progress()).isEqualTo(1);
    assertThat(again.sealed()).isTrue();
  }

  @Test
  void unseal_foreignShare_isRefusedOnArrival_progressAndNonceUnchanged() throws Exception {
    InitResult r = init(3, 2);
    InitResult other = otherVaultShares(3, 2);
    SealStatus first = vault.submitUnsealKey(r.keys().get(0), false);
    String foreign = shareWithOtherX(other.keys(), r.keys().get(0));

    assertThatThrownBy(() -> vault.submitUnsealKey(foreign, false))
        .isInstanceOf(ForeignShareException.class)
        .hasMessage("this key is not a share of this vault: refused, and the progress is unchanged");
    byte[] randomBytes = new byte[33];
    new java.security.SecureRandom().nextBytes(randomBytes);
    String random = HexFormat.of().formatHex(randomBytes);
    assertThatThrownBy(() -> vault.submitUnsealKey(random, false))
        .isInstanceOf(ForeignShareException.class);

    SealStatus after = vault.sealStatus();
    assertThat(after.sealed()).isTrue();
    assertThat(after.progress()).as("the real share is still held").isEqualTo(1);
    assertThat(after.nonce()).isEqualTo(first.nonce());
    vault.submitUnsealKey(r.keys().get(2), false);
    assertThat(vault.sealStatus().sealed()).as("real shares still combine").isFalse();
  }

  @Test
  void unseal_foreignShareFirst_startsNoAttempt() throws Exception {
    init(3, 2);
    InitResult other = otherVaultShares(3, 2);
    assertThatThrownBy(() -> vault.submitUnsealKey(other.keys().get(0), false))
        .isInstanceOf(ForeignShareException.class);
    assertThat(vault.sealStatus().progress()).isZero();
    assertThat(vault.sealStatus().nonce()).as("no attempt started").isEmpty();
    assertThat(vault.checksSharesOnArrival()).isTrue();
  }

  @Test
  void unseal_aThousandRandomSharesBetweenRealOnes_stillUnseals() throws Exception {
    InitResult r = init(5, 3);
    java.security.SecureRandom random = new java.security.SecureRandom();
    int refused = 0;
    int real = 0;
    for (int i = 0; i < 1000; i++) {
      if (i == 100 || i == 500 || i == 999) {
        vault.submitUnsealKey(r.keys().get(real++), false);
      }
      byte[] bogus = new byte[33];
      random.nextBytes(bogus);
      try {
        vault.submitUnsealKey(Base64.getEncoder().encodeToString(bogus), false);
      } catch (ForeignShareException expected) {
        refused++;
      }
      if (vault.sealStatus().sealed()) {
        assertThat(vault.sealStatus().progress()).isLessThanOrEqualTo(2);
      }
    }
    assertThat(refused).as("refused until the vault unsealed").isEqualTo(999);
    assertThat(vault.sealStatus().sealed()).isFalse();
  }

  /** A vault initialized before check values existed: every share is taken, as in OpenBao. */
  @Test
  void legacyRecordWithoutChecks_stillUnseals_withTheOldBehaviour() throws Exception {
    InitResult r = init(3, 2);
    InitResult other = otherVaultShares(3, 2);
    dropShareChecks();
    reopen();
    assertThat(vault.checksSharesOnArrival()).isFalse();

    vault.submitUnsealKey(r.keys().get(0), false);
    String foreign = shareWithOtherX(other.keys(), r.keys().get(0));
    assertThatThrownBy(() -> vault.submitUnsealKey(foreign, false))
        .isInstanceOf(InvalidRequestException.class)
        .isNotInstanceOf(ForeignShareException.class)
        .hasMessageContaining("do not open this vault");
    SealStatus after = vault.sealStatus();
    assertThat(after.progress()).as("parts discarded").isZero();
    assertThat(after.nonce()).isEmpty();
    unseal(r.keys().subList(1, 3));
    assertThat(vault.sealStatus().sealed()).isFalse();
  }

  @Test
  void legacyRecordWithoutChecks_gainsThemAtItsNextRekey() throws Exception {
    InitResult r = init(3, 2);
    dropShareChecks();
    reopen();
    unseal(r.keys().subList(0, 2));
    String t = r.rootToken();
    String nonce = vault.startRotation(t, RotationKind.ROOT, 3, 2).nonce();
    vault.submitRotationKey(t, RotationKind.ROOT, r.keys().get(0), nonce);
    RotationUpdate done = vault.submitRotationKey(t, RotationKind.ROOT, r.keys().get(1), nonce);
    assertThat(Files.readString(dir.resolve("vault/core/vault"))).contains("\"share_checks\"");
    vault.seal(t);
    reopen();

    assertThat(vault.checksSharesOnArrival()).isTrue();
    assertThatThrownBy(() -> vault.submitUnsealKey(r.keys().get(0), false))
        .as("an old share is now refused on arrival")
        .isInstanceOf(ForeignShareException.class);
    unseal(done.keys().subList(0, 2));
    assertThat(vault.sealStatus().sealed()).isFalse();
  }

  @Test
  void malformedShareChecks_areAnIntegrityError() throws Exception {
    init(3, 2);
    Path core = dir.resolve("vault/core/vault");
    Files.writeString(
        core, Files.readString(core).replaceFirst("\"values\":\\[\"[^\"]*\",", "\"values\":["));
    reopen();
    assertThatThrownBy(() -> vault.isInitialized())
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("share check values");
  }

  /** Rewrites the core record as a vault made before check values existed would have it. */
  private void dropShareChecks() throws Exception {
    vault.close();
    Path core = dir.resolve("vault/core/vault");
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode record =
        (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(core.toFile());
    assertThat(record.remove("share_checks")).as("init wrote check values").isNotNull();
    Files.write(core, json.writeValueAsBytes(record));
  }

  @Test
  void unseal_allSharesOfAnotherVault_areRefusedOneByOne() throws Exception {
    init(3, 2);
    InitResult other = otherVaultShares(3, 2);
    for (String k : other.keys()) {
      assertThatThrownBy(() -> vault.submitUnsealKey(k, false))
          .isInstanceOf(ForeignShareException.class);
    }
    assertThat(vault.sealStatus().progress()).isZero();
  }

  @Test
  void unseal_malformedShares_areRefusedAndNotCounted() throws Exception {
    init(3, 2);
    for (String bad : new String[] {"", "zz-not-hex-or-base64!", "abcd", "00".repeat(40)}) {
      assertThatThrownBy(() -> vault.submitUnsealKey(bad, false))
          .as("share %s", bad)
          .isInstanceOf(InvalidRequestException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
    assertThat(vault.sealStatus().progress()).isZero();
  }

  @Test
  void unseal_sharesOfDifferentLengths_areRefused() throws Exception {
    InitResult r = init(3, 2);
    vault.submitUnsealKey(r.keys().get(0), false);
    assertThatThrownBy(() -> vault.submitUnsealKey("ab".repeat(20), false))
        .isInstanceOf(ForeignShareException.class);
    dropShareChecks();
    reopen();
    vault.submitUnsealKey(r.keys().get(0), false);
    assertThatThrownBy(() -> vault.submitUnsealKey("ab".repeat(20), false))
        .as("without check values, the old refusal at the threshold")
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("same length");
  }

  @Test
  void resetUnseal_discardsProgress() throws Exception {
    InitResult r = init(3, 2);
    vault.submitUnsealKey(r.keys().get(0), false);
    SealStatus s = vault.resetUnseal(r.keys().get(1));
    assertThat(s.progress()).isZero();
    assertThat(s.nonce()).isEmpty();
  }

  /**
   * Issue 14 §3, found in review: a reset is unauthenticated in OpenBao, so a stranger resetting
   * every few milliseconds kept a vault needing several operators sealed. Here a reset must
   * carry one of the vault's shares; without one, or with a foreign one, nothing changes.
   */
  @Test
  void resetUnseal_needsOneOfTheSharesAsProof_andAStrangersResetChangesNothing() throws Exception {
    InitResult r = init(3, 2);
    vault.submitUnsealKey(r.keys().get(0), false);
    String nonce = vault.sealStatus().nonce();

    assertThatThrownBy(() -> vault.resetUnseal(null))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("a reset needs 'key'");
    byte[] randomBytes = new byte[33];
    new java.security.SecureRandom().nextBytes(randomBytes);
    String foreign = HexFormat.of().formatHex(randomBytes);
    assertThatThrownBy(() -> vault.resetUnseal(foreign)).isInstanceOf(ForeignShareException.class);
    assertThat(vault.sealStatus().progress()).isEqualTo(1);
    assertThat(vault.sealStatus().nonce()).isEqualTo(nonce);

    assertThat(vault.submitUnsealKey(r.keys().get(1), false).sealed()).isFalse();
  }

  /**
   * A reset without proof (OpenBao's clients send {@code {"reset": true}} alone) discards the
   * shares its own submitter gave, and no one else's.
   */
  @Test
  void resetUnseal_withoutProof_discardsOnlyTheSubmittersOwnShares() throws Exception {
    InitResult r = init(5, 3);
    vault.submitUnsealKey(r.keys().get(0), false, "192.0.2.1");
    vault.submitUnsealKey(r.keys().get(1), false, "192.0.2.2");
    String nonce = vault.sealStatus().nonce();

    assertThat(vault.resetUnseal(null, "198.51.100.9").progress()).as("a stranger's").isEqualTo(2);
    assertThat(vault.resetUnseal(null, "192.0.2.2").progress()).as("its own share").isEqualTo(1);
    assertThat(vault.sealStatus().nonce()).isEqualTo(nonce);
    assertThat(vault.resetUnseal(null, "192.0.2.1").nonce()).as("nothing left").isEmpty();

    vault.submitUnsealKey(r.keys().get(2), false, "192.0.2.1");
    vault.submitUnsealKey(r.keys().get(3), false, "192.0.2.1");
    assertThat(vault.submitUnsealKey(r.keys().get(4), false, "192.0.2.2").sealed()).isFalse();
  }

  @Test
  void unseal_whenUnsealed_justReportsStatus() throws Exception {
    InitResult r = init(1, 1);
    unseal(r.keys());
    assertThat(vault.submitUnsealKey(r.keys().get(0), false).sealed()).isFalse();
    assertThatThrownBy(() -> vault.resetUnseal(r.keys().get(0))).hasMessage("vault is unsealed");
  }

  @Test
  void singleShare_isTheRawKey() throws Exception {
    InitResult r = init(1, 1);
    assertThat(r.keys().get(0)).hasSize(64);
    unseal(r.keys());
    assertThat(vault.sealStatus().sealed()).isFalse();
  }

  @Test
  void seal_needsAValidToken_andWipesAccess() throws Exception {
    InitResult r = init(3, 2);
    unseal(r.keys().subList(0, 2));
    vault.barrier().put("master/key", "secret".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> vault.seal(null)).isInstanceOf(PermissionDeniedException.class);
    assertThatThrownBy(() -> vault.seal("s." + "x".repeat(32)))
        .isInstanceOf(PermissionDeniedException.class);
    assertThatThrownBy(() -> vault.seal("brn." + "x".repeat(32)))
        .isInstanceOf(PermissionDeniedException.class);
    vault.seal(r.rootToken());

    assertThat(vault.sealStatus().sealed()).isTrue();
    assertThatThrownBy(() -> vault.barrier().get("master/key"))
        .isInstanceOf(SealedException.class)
        .hasMessage("Vault is sealed");
    assertThatThrownBy(() -> vault.checkToken(r.rootToken())).isInstanceOf(SealedException.class);
    vault.seal(null); // sealing a sealed vault is a no-op
  }

  @Test
  void data_survivesSealAndRestart_andIsNotPlaintextOnDisk() throws Exception {
    InitResult r = init(3, 2);
    unseal(r.keys().subList(0, 2));
    vault.barrier().put("master/key", "the master key".getBytes(StandardCharsets.UTF_8));
    vault.seal(r.rootToken());

    reopen();
    assertThat(vault.sealStatus().sealed()).isTrue();
    unseal(List.of(r.keys().get(2), r.keys().get(0)));

    assertThat(vault.barrier().get("master/key"))
        .get()
        .isEqualTo("the master key".getBytes(StandardCharsets.UTF_8));
    try (var files = Files.walk(dir)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1))
            .as("file %s", p)
            .doesNotContain("the master key");
      }
    }
  }

  @Test
  void tamperedKeyring_isAnIntegrityError_notWrongData() throws Exception {
    InitResult r = init(3, 2);
    Path record = dir.resolve("vault/core/vault");
    String json = Files.readString(record);
    int at = json.indexOf("\"keyring\":\"") + 20;
    char c = json.charAt(at);
    Files.writeString(record, json.substring(0, at) + (c == 'A' ? 'B' : 'A') + json.substring(at + 1));
    reopen();

    vault.submitUnsealKey(r.keys().get(0), false);
    assertThatThrownBy(() -> vault.submitUnsealKey(r.keys().get(1), false))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("storage is corrupt");
  }

  @Test
  void corruptCoreRecord_isReportedNotMisread() throws Exception {
    init(3, 2);
    Files.writeString(dir.resolve("vault/core/vault"), "{not json");
    reopen();
    assertThatThrownBy(() -> vault.isInitialized())
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("corrupt");
    assertThat(vault.sealStatus().sealed()).isTrue();
  }

  @Test
  void privilegedCalls_whileSealed_sayVaultIsSealed() throws Exception {
    InitResult r = init(1, 1);
    String t = r.rootToken();
    assertThatThrownBy(() -> vault.rotateKeyring(t)).isInstanceOf(SealedException.class);
    assertThatThrownBy(() -> vault.rotateRootKey(t)).isInstanceOf(SealedException.class);
    assertThatThrownBy(() -> vault.startRotation(t, RotationKind.ROOT, 3, 2))
        .isInstanceOf(SealedException.class);
    assertThatThrownBy(() -> vault.startGenerateRoot(t)).isInstanceOf(SealedException.class);
  }

  @Test
  void rekey_newSharesReplaceOldOnes_dataIntact() throws Exception {
    InitResult r = init(5, 3);
    unseal(r.keys().subList(0, 3));
    vault.barrier().put("a/b", new byte[] {1, 2, 3});
    String t = r.rootToken();

    RotationStatus started = vault.startRotation(t, RotationKind.ROOT, 3, 2);
    assertThat(started.started()).isTrue();
    assertThat(started.required()).isEqualTo(3);
    assertThat(started.n()).isEqualTo(3);
    String nonce = started.nonce();
    assertThat(vault.submitRotationKey(t, RotationKind.ROOT, r.keys().get(0), nonce).complete())
        .isFalse();
    assertThatThrownBy(
            () -> vault.submitRotationKey(t, RotationKind.ROOT, r.keys().get(0), nonce))
        .hasMessage("given key has already been provided during this operation");
    vault.submitRotationKey(t, RotationKind.ROOT, r.keys().get(1), nonce);
    RotationUpdate done = vault.submitRotationKey(t, RotationKind.ROOT, r.keys().get(2), nonce);

    assertThat(done.complete()).isTrue();
    assertThat(done.keys()).hasSize(3);
    assertThat(vault.sealStatus().t()).isEqualTo(2);
    vault.seal(t);
    reopen();
    for (String old : r.keys()) {
      assertThatThrownBy(() -> vault.submitUnsealKey(old, false))
          .as("old shares are refused on arrival: the rekey wrote the new shares' check values")
          .isInstanceOf(ForeignShareException.class);
    }
    assertThat(vault.sealStatus().progress()).isZero();
    unseal(done.keys().subList(1, 3));
    assertThat(vault.barrier().get("a/b")).get().isEqualTo(new byte[] {1, 2, 3});
  }

  @Test
  void rekey_wrongNonceOrWrongShares_areRefused_operationSurvives() throws Exception {
    InitResult r = init(3, 2);
    InitResult other = otherVaultShares(3, 2);
    unseal(r.keys().subList(0, 2));
    String t = r.rootToken();
    String nonce = vault.startRotation(t, RotationKind.ROOT, 1, 1).nonce();

    assertThatThrownBy(() -> vault.submitRotationKey(t, RotationKind.ROOT, r.keys().get(0), "nope"))
        .hasMessageContaining("nonce");
    assertThatThrownBy(() -> vault.startRotation(t, RotationKind.ROOT, 1, 1))
        .hasMessage("rotation already in progress");
    vault.submitRotationKey(t, RotationKind.ROOT, r.keys().get(0), nonce);
    assertThatThrownBy(
            () -> vault.submitRotationKey(t, RotationKind.ROOT, other.keys().get(1), nonce))
        .isInstanceOf(ForeignShareException.class);

    RotationStatus s = vault.rotationStatus(t, RotationKind.ROOT);
    assertThat(s.started()).isTrue();
    assertThat(s.nonce()).isEqualTo(nonce);
    assertThat(s.progress()).as("the foreign share is not counted").isEqualTo(1);
    vault.cancelRotation(t, RotationKind.ROOT);
    assertThat(vault.rotationStatus(t, RotationKind.ROOT).started()).isFalse();
  }

  @Test
  void recoveryRotation_onShamirVault_isRefused() throws Exception {
    InitResult r = init(1, 1);
    unseal(r.keys());
    assertThatThrownBy(() -> vault.startRotation(r.rootToken(), RotationKind.RECOVERY, 3, 2))
        .hasMessageContaining("only under auto-unseal");
  }

  @Test
  void rotateRootKey_keepsShares_andData() throws Exception {
    InitResult r = init(3, 2);
    unseal(r.keys().subList(0, 2));
    vault.barrier().put("x", new byte[] {7});
    String before = Files.readString(dir.resolve("vault/core/vault"));

    vault.rotateRootKey(r.rootToken());

    assertThat(Files.readString(dir.resolve("vault/core/vault"))).isNotEqualTo(before);
    vault.seal(r.rootToken());
    reopen();
    unseal(r.keys().subList(1, 3));
    assertThat(vault.barrier().get("x")).get().isEqualTo(new byte[] {7});
  }

  @Test
  void rotateKeyring_addsATerm_oldEntriesStayReadable_acrossRestart() throws Exception {
    InitResult r = init(1, 1);
    unseal(r.keys());
    vault.barrier().put("old", new byte[] {1});

    KeyringStatus k = vault.rotateKeyring(r.rootToken());
    vault.barrier().put("new", new byte[] {2});

    assertThat(k.term()).isEqualTo(2);
    assertThat(Files.readAllBytes(dir.resolve("vault/barrier/new"))).startsWith(0, 0, 0, 2);
    vault.seal(r.rootToken());
    reopen();
    unseal(r.keys());
    assertThat(vault.barrier().get("old")).get().isEqualTo(new byte[] {1});
    assertThat(vault.barrier().get("new")).get().isEqualTo(new byte[] {2});
    assertThat(vault.keyringStatus(r.rootToken()).term()).isEqualTo(2);
  }

  @Test
  void keyring_rotatesByItself_pastTheOperationLimit() throws Exception {
    vault.close();
    vault = VaultCore.builder(storage).maxOperationsPerTerm(5).build();
    InitResult r = init(1, 1);
    unseal(r.keys());
    for (int i = 0; i < 6; i++) {
      vault.barrier().put("k" + i, new byte[] {(byte) i});
    }
    int term = 1;
    for (int tries = 0; tries < 200 && term < 2; tries++) {
      Thread.sleep(50);
      term = vault.keyringStatus(r.rootToken()).term();
    }
    assertThat(term).isGreaterThanOrEqualTo(2);
    for (int i = 0; i < 6; i++) {
      assertThat(vault.barrier().get("k" + i)).get().isEqualTo(new byte[] {(byte) i});
    }
  }

  @Test
  void generateRoot_withQuorum_givesAWorkingToken() throws Exception {
    InitResult r = init(3, 2);
    unseal(r.keys().subList(0, 2));
    String t = r.rootToken();

    GenerateRootStatus started = vault.startGenerateRoot(t);
    assertThat(started.otp()).hasSize(started.otpLength());
    assertThat(started.required()).isEqualTo(2);
    vault.submitGenerateRootKey(t, r.keys().get(2), started.nonce());
    GenerateRootStatus done = vault.submitGenerateRootKey(t, r.keys().get(0), started.nonce());

    assertThat(done.complete()).isTrue();
    String token = TokenOtp.decode(done.encodedToken(), started.otp());
    assertThat(token).isNotEqualTo(t).matches("s\\.[0-9A-Za-z]{32}");
    vault.checkToken(token);
    assertThat(vault.generateRootStatus(token).started()).isFalse();
  }

  @Test
  void generateRoot_foreignShares_areRefused() throws Exception {
    InitResult r = init(3, 2);
    InitResult other = otherVaultShares(3, 2);
    unseal(r.keys().subList(0, 2));
    String t = r.rootToken();
    String nonce = vault.startGenerateRoot(t).nonce();
    vault.submitGenerateRootKey(t, r.keys().get(0), nonce);
    assertThatThrownBy(() -> vault.submitGenerateRootKey(t, other.keys().get(1), nonce))
        .isInstanceOf(ForeignShareException.class);
    assertThat(vault.generateRootStatus(t).progress()).isEqualTo(1);
    assertThat(vault.submitGenerateRootKey(t, r.keys().get(1), nonce).complete())
        .as("the real shares still make a token")
        .isTrue();
  }

  @Test
  void generateRoot_legacyRecord_foreignSetIsRefusedAtTheThreshold() throws Exception {
    InitResult r = init(3, 2);
    InitResult other = otherVaultShares(3, 2);
    dropShareChecks();
    reopen();
    unseal(r.keys().subList(0, 2));
    String t = r.rootToken();
    String nonce = vault.startGenerateRoot(t).nonce();
    vault.submitGenerateRootKey(t, other.keys().get(0), nonce);
    assertThatThrownBy(() -> vault.submitGenerateRootKey(t, other.keys().get(1), nonce))
        .hasMessage("these shares do not match this vault");
  }

  @Test
  void listeners_hearUnsealAndSeal() throws Exception {
    List<String> heard = new ArrayList<>();
    vault.addListener(
        new VaultListener() {
          @Override
          public void unsealed(Storage barrier) throws VaultException {
            heard.add("unsealed");
            barrier.put("master/probe", new byte[] {1});
          }

          @Override
          public void sealed() {
            heard.add("sealed");
          }
        });
    InitResult r = init(1, 1);
    unseal(r.keys());
    vault.seal(r.rootToken());
    assertThat(heard).containsExactly("unsealed", "sealed");
  }

  /** A share from {@code candidates} whose x coordinate differs from {@code share}'s. */
  private static String shareWithOtherX(List<String> candidates, String share) {
    String x = share.substring(share.length() - 2);
    return candidates.stream().filter(c -> !c.endsWith(x)).findFirst().orElseThrow();
  }

  private InitResult otherVaultShares(int n, int t) throws Exception {
    try (VaultCore other =
        VaultCore.builder(FileStorage.open(dir.resolve("other-" + System.nanoTime()))).build()) {
      return other.initialize(new InitRequest(n, t, 0, 0));
    }
  }
}
