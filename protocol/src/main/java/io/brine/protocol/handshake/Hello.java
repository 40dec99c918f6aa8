package io.brine.protocol.handshake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.crypto.MalformedKeyException;
import io.brine.crypto.WeakKeyException;
import io.brine.crypto.rsa.Pem;
import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.wire.Wire;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.util.Set;

/**
 * A parsed, validated HELLO, as the master sees it. The id has passed {@link MinionId#of}, the key
 * the RSA policy (2048 bits or more, e = 65537); nothing else has been checked yet, in particular
 * not whether the key is the one accepted for the id: that is the caller's PKI decision.
 *
 * <pre>
 *   {"id": str, "pub": PEM str, "nonce": b64(32), "eph": b64(32),
 *    "token": b64(RSA-OAEP)?, "call": true?, "proto": 3}
 * </pre>
 *
 * <p>{@code "call": true} asks for a call session ({@code brine call} on a minion host, docs/protocol.md
 * §2.1): authenticated as any, but never the minion's connection, so it displaces no daemon and
 * receives no publication. The flag is inside the bytes the answer authenticates, so it cannot be
 * added or removed on the path without the minion refusing the answer.
 */
public final class Hello {
  static final String ID = "id";
  static final String PUB = "pub";
  static final String NONCE = "nonce";
  static final String EPH = "eph";
  static final String TOKEN = "token";
  static final String PROTO = "proto";
  static final String CALL = "call";

  /** The protocol version in the body, equal to the frame's version byte. */
  static final int PROTO_VERSION = Wire.VERSION;

  static final int NONCE_BYTES = 32;
  static final int X25519_BYTES = 32;
  /** A 16384-bit key PEM is about 2.9 KB. */
  static final int MAX_PEM_CHARS = 4096;
  static final int MAX_ID_CHARS = 1024;
  /** RSA-OAEP output is the modulus size: 2048 to 16384 bits. */
  static final int MIN_RSA_BYTES = 256;
  static final int MAX_RSA_BYTES = 2048;

  private final byte[] body;
  private final MinionId id;
  private final String publicKeyPem;
  private final RSAPublicKey publicKey;
  private final byte[] nonce;
  private final byte[] eph;
  private final byte[] token;
  private final boolean call;

  private Hello(
      byte[] body,
      MinionId id,
      String publicKeyPem,
      RSAPublicKey publicKey,
      byte[] nonce,
      byte[] eph,
      byte[] token,
      boolean call) {
    this.body = body;
    this.id = id;
    this.publicKeyPem = publicKeyPem;
    this.publicKey = publicKey;
    this.nonce = nonce;
    this.eph = eph;
    this.token = token;
    this.call = call;
  }

  /** @throws ProtocolException with a one-line reason for anything malformed or refused */
  public static Hello parse(byte[] body) throws ProtocolException {
    JsonBody json =
        JsonBody.parse("HELLO", body, Set.of(ID, PUB, NONCE, EPH, PROTO), Set.of(TOKEN, CALL));
    int proto = json.integer(PROTO);
    if (proto != PROTO_VERSION) {
      throw new ProtocolException(
          "HELLO asks for protocol " + proto + "; this master speaks only " + PROTO_VERSION);
    }
    MinionId id;
    try {
      id = MinionId.of(json.string(ID, MAX_ID_CHARS));
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("HELLO has a bad id: " + e.getMessage());
    }
    String pem = json.string(PUB, MAX_PEM_CHARS);
    RSAPublicKey key;
    try {
      key = Pem.readPublicKey(pem);
    } catch (WeakKeyException e) {
      throw new ProtocolException("HELLO from " + id + " has a weak key: " + e.getMessage());
    } catch (MalformedKeyException e) {
      throw new ProtocolException("HELLO from " + id + " has a bad key: " + e.getMessage());
    }
    byte[] nonce = json.bytes(NONCE, NONCE_BYTES, NONCE_BYTES);
    byte[] eph = json.bytes(EPH, X25519_BYTES, X25519_BYTES);
    byte[] token = json.has(TOKEN) ? json.bytes(TOKEN, MIN_RSA_BYTES, MAX_RSA_BYTES) : null;
    if (json.has(CALL) && !json.isTrue(CALL)) {
      // One encoding of each HELLO: the flag is there, true, or absent.
      throw new ProtocolException("HELLO field 'call' must be true when present");
    }
    return new Hello(body.clone(), id, pem, key, nonce, eph, token, json.has(CALL));
  }

  static byte[] write(
      MinionId id, String pem, byte[] nonce, byte[] eph, byte[] tokenOrNull, boolean call) {
    ObjectNode o = JsonBody.newObject();
    o.put(ID, id.value());
    o.put(PUB, pem);
    o.put(NONCE, JsonBody.base64(nonce));
    o.put(EPH, JsonBody.base64(eph));
    if (tokenOrNull != null) {
      o.put(TOKEN, JsonBody.base64(tokenOrNull));
    }
    if (call) {
      o.put(CALL, true);
    }
    o.put(PROTO, PROTO_VERSION);
    return JsonBody.toBytes(o);
  }

  public MinionId id() {
    return id;
  }

  /** The key the minion presents; compare it with the accepted one, never wrap to it blindly. */
  public RSAPublicKey publicKey() {
    return publicKey;
  }

  /** The key as the minion sent it, for writing to {@code minions_pre/<id>}. */
  public String publicKeyPem() {
    return publicKeyPem;
  }

  /** Whether the minion sent a token (it has pinned the master key). */
  public boolean hasToken() {
    return token != null;
  }

  /**
   * Feeds {@code digest} the value a real minion makes fresh for each HELLO: the nonce ({@code
   * token} false) or the token's ciphertext ({@code token} true, when {@link #hasToken}). For the
   * master's memory of HELLOs seen, which a replayed HELLO repeats. Neither value is secret.
   */
  public void digestFresh(MessageDigest digest, boolean token) {
    digest.update(token ? this.token : nonce);
  }

  /**
   * Whether this is a call session's HELLO ({@code brine call}): the master authenticates it as
   * any, but must not make it the minion's connection nor publish to it.
   */
  public boolean callOnly() {
    return call;
  }

  byte[] body() {
    return body;
  }

  byte[] nonce() {
    return nonce;
  }

  byte[] eph() {
    return eph;
  }

  byte[] token() {
    return token;
  }

  @Override
  public String toString() {
    return "Hello["
        + id
        + (token != null ? ", pinned" : ", first contact")
        + (call ? ", call session" : "")
        + "]";
  }
}
