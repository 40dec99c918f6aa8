package io.brine.master.api;

import io.brine.vault.InvalidRequestException;

/**
 * The body of every quorum update ({@code rotate/.../update}, {@code generate-root-token/update}).
 */
record QuorumPart(String key, String nonce) {

  static QuorumPart of(JsonBody body) throws InvalidRequestException {
    String key = body.string("key");
    if (key == null || key.isEmpty()) {
      throw new InvalidRequestException("'key' must be specified in request body as JSON");
    }
    String nonce = body.string("nonce");
    if (nonce == null || nonce.isEmpty()) {
      throw new InvalidRequestException("'nonce' must be specified in request body as JSON");
    }
    return new QuorumPart(key, nonce);
  }

  /** Never the share itself, should this record ever reach a log. */
  @Override
  public String toString() {
    return "QuorumPart[nonce=" + nonce + "]";
  }
}
