package io.brine.vault;

import io.brine.vault.token.TokenStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generate-root ({@code sys/generate-root-token/*}): a quorum of shares makes a new root token,
 * returned XORed with a one-time pad drawn when the attempt started ({@link TokenOtp}). Called
 * under the vault's lock.
 */
final class RootGeneration {
  private static final Logger log = LoggerFactory.getLogger(RootGeneration.class);
  private static final String BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  private final VaultState state;
  private QuorumState attempt;

  RootGeneration(VaultState state) {
    this.state = state;
  }

  GenerateRootStatus status() throws VaultException {
    return status(null, null);
  }

  private GenerateRootStatus status(String otp, String encoded) throws VaultException {
    int required = state.requiredShares();
    if (attempt == null) {
      return new GenerateRootStatus(
          false, "", 0, required, encoded != null, encoded, otp, TokenStore.TOKEN_LENGTH);
    }
    return new GenerateRootStatus(
        true,
        attempt.parts.nonce(),
        attempt.parts.progress(),
        required,
        false,
        null,
        otp,
        TokenStore.TOKEN_LENGTH);
  }

  GenerateRootStatus start() throws VaultException {
    if (attempt != null) {
      throw new InvalidRequestException("root generation already in progress");
    }
    StringBuilder otp = new StringBuilder(TokenStore.TOKEN_LENGTH);
    for (int i = 0; i < TokenStore.TOKEN_LENGTH; i++) {
      otp.append(BASE62.charAt(state.random.nextInt(BASE62.length())));
    }
    attempt = new QuorumState(0, 0, otp.toString());
    return status(attempt.otp, null);
  }

  void cancel() {
    if (attempt != null) {
      attempt.parts.reset();
      attempt = null;
    }
  }

  GenerateRootStatus submit(String key, String nonce) throws VaultException {
    QuorumState q = attempt;
    if (q == null) {
      throw new InvalidRequestException("no root generation in progress");
    }
    if (!q.add(state, key, nonce, "root generation")) {
      return status();
    }
    q.verifyQuorum(state);
    String newToken = state.tokens.createRoot("auth/token/root").token();
    attempt = null;
    log.info("a new root token was generated with a quorum of shares");
    return status(null, TokenOtp.encode(newToken, q.otp));
  }
}
