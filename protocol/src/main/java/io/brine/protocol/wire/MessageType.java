package io.brine.protocol.wire;

import io.brine.protocol.ProtocolException;

/**
 * The message types, with the byte that stands for each on the wire. Codes are fixed forever
 * within a protocol version; a new type gets a new code, never a reused one.
 */
public enum MessageType {
  /** Minion to master: id, public key, nonce, ephemeral key, optional token. Cleartext JSON. */
  HELLO(0x01),
  /** Master to minion: accepted; carries the wrapped session and publish keys. */
  WELCOME(0x02),
  /** Master to minion: the key waits for an operator. */
  PENDING(0x03),
  /** Master to minion: the key was rejected. */
  REJECTED(0x04),
  /** Master to minion: another key is accepted or pending for this id. */
  DENIED(0x05),
  /** Master to minion: the vault is sealed; retry later. Unauthenticated. */
  SEALED(0x06),
  /**
   * Minion to master, right after a WELCOME: the WELCOME's transcript sealed under the new session.
   * Only a holder of the accepted key can make it (docs/protocol.md §2.7); until it arrives the
   * connection is nobody.
   */
  CONFIRM(0x07),
  /** Session traffic, either direction, AES-256-GCM under the session key. */
  REQUEST(0x10),
  /** Session traffic, either direction, AES-256-GCM under the session key. */
  REPLY(0x11),
  /** Master to minions: a job, encrypted under the publish key and signed by the master. */
  PUBLISH(0x20),
  /** Master to a connected minion: re-authenticate over this connection (a rotation happened). */
  REAUTH(0x21);

  private static final MessageType[] BY_CODE = new MessageType[256];

  static {
    for (MessageType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;

  MessageType(int code) {
    this.code = code;
  }

  /** The byte on the wire. */
  public byte code() {
    return (byte) code;
  }

  /** @throws ProtocolException for a byte that names no type */
  public static MessageType fromCode(byte code) throws ProtocolException {
    MessageType t = BY_CODE[code & 0xff];
    if (t == null) {
      throw new ProtocolException(String.format("unknown message type 0x%02x", code & 0xff));
    }
    return t;
  }

  /** The master's answers to a HELLO. */
  public boolean isHandshakeAnswer() {
    return this == WELCOME
        || this == PENDING
        || this == REJECTED
        || this == DENIED
        || this == SEALED;
  }
}
