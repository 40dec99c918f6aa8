package io.brine.protocol.handshake;

/** Field names of the master's answers, shared by the writer and the reader. */
final class Answers {
  static final String MASTER_PUB = "master_pub";
  static final String NONCE = "nonce";
  static final String EPH = "eph";
  static final String SESSION_KEY = "session_key";
  static final String KEYS = "keys";
  static final String EPOCH = "epoch";
  static final String REASON = "reason";
  static final String AUTH = "auth";
  static final String MAC = "mac";
  static final String SIG = "sig";
  /** Optional, in WELCOME, PENDING, REJECTED and DENIED: {@link KeySuccession}s, §2.8. */
  static final String KEY_CHAIN = "key_chain";

  static final int MAX_REASON_CHARS = 512;

  private Answers() {}
}
