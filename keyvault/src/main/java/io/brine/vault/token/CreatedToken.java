package io.brine.vault.token;

/** A new token and its entry: the only moment the token itself exists outside its holder. */
public record CreatedToken(String token, TokenEntry entry) {
  /** Never the token. */
  @Override
  public String toString() {
    return "CreatedToken[policies=" + entry.policies() + ", expires=" + entry.expireTime() + "]";
  }
}
