package io.brine.vault;

import io.brine.vault.kv.KvStore;
import io.brine.vault.policy.PolicyStore;
import io.brine.vault.storage.Storage;
import io.brine.vault.token.TokenStore;

/**
 * The vault as the operator API and the master see it: OpenBao's seal, unseal and quorum
 * operations over a barrier. Every method is safe to call from several threads.
 *
 * <p>Tokens: privileged calls take a token of the {@link #tokens token store} and check only that
 * it is live; what it may do (policies, sudo) is decided by the request path before the call.
 * While the vault is sealed they throw {@link SealedException}, except {@link #seal}, which then
 * does nothing.
 *
 * <p>Shares are given as OpenBao accepts them: hex first (kept if it decodes to 16..33 bytes),
 * otherwise standard base64.
 */
public interface Vault {
  /** Never throws: a storage failure is reported as sealed with a warning. */
  SealStatus sealStatus();

  /** The seal configuration exists. */
  boolean isInitialized() throws VaultException;

  /**
   * Initializes a fresh vault. Under Shamir the vault stays sealed and the caller gets the unseal
   * shares; under PKCS#11 it comes back unsealed and the caller gets recovery shares.
   *
   * @throws InvalidRequestException if already initialized or the parameters are not valid for the
   *     configured seal
   */
  InitResult initialize(InitRequest request) throws VaultException;

  /**
   * Adds one unseal share (recovery share under auto-unseal after a manual seal, or a share of the
   * old seal with {@code migrate} during a seal migration). An identical share is ignored. When the
   * threshold is reached the collected shares are discarded whether or not they worked.
   *
   * @return the status after this share (unsealed when it completed a good set)
   * @throws ForeignShareException for a share that is not one of this vault's (refused on arrival,
   *     nothing collected changes), when the vault has check values ({@link
   *     #checksSharesOnArrival})
   * @throws InvalidRequestException for a malformed share, a wrong set of shares, or a share of
   *     another vault
   */
  default SealStatus submitUnsealKey(String key, boolean migrate) throws VaultException {
    return submitUnsealKey(key, migrate, null);
  }

  /**
   * As {@link #submitUnsealKey(String, boolean)}, remembering who gave the share ({@code
   * submitter}, the client's address; null when not known), for {@link #resetUnseal(String,
   * String)}.
   */
  SealStatus submitUnsealKey(String key, boolean migrate, String submitter)
      throws VaultException;

  /**
   * Whether the vault holds check values for its shares, so a stranger's share is refused on
   * arrival and cannot spoil a quorum. False for a vault initialized before check values existed,
   * until its next rekey; false before init.
   */
  boolean checksSharesOnArrival();

  /**
   * Discards the shares collected so far. On a vault that checks shares on arrival, only an
   * operator may discard them all: {@code proof} must be one of this vault's shares (checked, not
   * counted). Without one, a reset discards only the shares {@code submitter} gave (what OpenBao's
   * clients expect of their own reset), so a stranger cannot undo the operators' work.
   *
   * @param proof a share of this vault, or null
   * @param submitter who asks (the client's address), as given to {@link #submitUnsealKey(String,
   *     boolean, String)}; null when not known
   * @throws ForeignShareException when {@code proof} is no share of this vault
   */
  SealStatus resetUnseal(String proof, String submitter) throws VaultException;

  /** As {@link #resetUnseal(String, String)}, from nobody known. */
  default SealStatus resetUnseal(String proof) throws VaultException {
    return resetUnseal(proof, null);
  }

  /** Seals: wipes the root key, the keyring and every key held for others. */
  void seal(String token) throws VaultException;

  /** Succeeds for a valid token on an unsealed vault. */
  void checkToken(String token) throws VaultException;

  /** Adds a barrier term; new writes use it, old terms stay readable. */
  KeyringStatus rotateKeyring(String token) throws VaultException;

  KeyringStatus keyringStatus(String token) throws VaultException;

  /** A new root key re-encrypts the keyring; the unseal (or recovery) shares do not change. */
  void rotateRootKey(String token) throws VaultException;

  RotationStatus rotationStatus(String token, RotationKind kind) throws VaultException;

  /** Starts collecting current shares for new shares {@code shares}/{@code threshold}. */
  RotationStatus startRotation(String token, RotationKind kind, int shares, int threshold)
      throws VaultException;

  void cancelRotation(String token, RotationKind kind) throws VaultException;

  /**
   * Adds one current share to a rotation. The share that reaches the threshold commits the new
   * keys in one atomic step and returns the new shares ({@code complete}).
   *
   * @throws InvalidRequestException for a wrong nonce, a share given twice, or a wrong set
   */
  RotationUpdate submitRotationKey(String token, RotationKind kind, String key, String nonce)
      throws VaultException;

  GenerateRootStatus generateRootStatus(String token) throws VaultException;

  /** Starts an attempt; the status carries the one-time pad that encodes the new token. */
  GenerateRootStatus startGenerateRoot(String token) throws VaultException;

  void cancelGenerateRoot(String token) throws VaultException;

  /** Adds one share; the last returns {@code encoded_token} = base64(token XOR otp). */
  GenerateRootStatus submitGenerateRootKey(String token, String key, String nonce)
      throws VaultException;

  /** The token store of this unseal (a new one after each unseal; its salt is wiped at seal). */
  TokenStore tokens() throws SealedException;

  /** The ACL policy store over the barrier, while unsealed. */
  PolicyStore policies() throws SealedException;

  /**
   * The KV version 2 secrets engine mounted at {@code secret/}, over the barrier: one instance for
   * the vault's life, whose every call throws {@link SealedException} while sealed.
   */
  KvStore kv();

  /**
   * The barrier: a {@link Storage} whose every call throws {@link SealedException} while sealed.
   */
  Storage barrier();

  void addListener(VaultListener listener);
}
