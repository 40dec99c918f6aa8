package io.brine.protocol.handshake;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.crypto.InvalidSignatureException;
import io.brine.crypto.MalformedKeyException;
import io.brine.crypto.WeakKeyException;
import io.brine.crypto.rsa.Fingerprints;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaPssSigner;
import io.brine.crypto.rsa.RsaPssVerifier;
import io.brine.protocol.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * "Key B follows key A from epoch E": the statement with which the master's old RSA key vouches
 * for its successor when the master key rotates (docs/protocol.md §2.8). Signed with RSA-PSS-SHA256
 * by the predecessor's private key over:
 *
 * <pre>
 *   "brine v1 master key succession" (ASCII, no length)
 *   || u32 len || SPKI DER of the predecessor A
 *   || u32 len || SPKI DER of the successor B
 *   || u32 epoch of B (A's + 1; the first master key is epoch 0)
 *   || u64 grace end of A, Unix seconds
 * </pre>
 *
 * On the wire (the WELCOME's {@code key_chain}) and in the master's key ring: {@code {"prev":
 * PEM, "next": PEM, "epoch": n, "grace_end": s, "sig": b64}}. Immutable.
 */
public final class KeySuccession {
  /** A minion follows at most this many rotations in one answer. */
  public static final int MAX_CHAIN = 8;

  static final String PREV = "prev";
  static final String NEXT = "next";
  static final String EPOCH = "epoch";
  static final String GRACE_END = "grace_end";
  static final String SIG = "sig";

  private static final byte[] LABEL =
      "brine v1 master key succession".getBytes(StandardCharsets.US_ASCII);

  private final RSAPublicKey predecessor;
  private final RSAPublicKey successor;
  private final int epoch;
  private final long graceEnd;
  private final byte[] signature;

  private KeySuccession(
      RSAPublicKey predecessor, RSAPublicKey successor, int epoch, long graceEnd, byte[] sig) {
    this.predecessor = predecessor;
    this.successor = successor;
    this.epoch = epoch;
    this.graceEnd = graceEnd;
    this.signature = sig;
  }

  /**
   * Signs a succession with the predecessor's private key.
   *
   * @param epoch the successor's epoch, at least 1
   * @param graceEndSeconds when the master destroys the predecessor, Unix seconds
   */
  public static KeySuccession sign(
      KeyPair predecessor, RSAPublicKey successor, int epoch, long graceEndSeconds)
      throws GeneralSecurityException {
    if (epoch < 1 || graceEndSeconds < 0) {
      throw new IllegalArgumentException("a successor's epoch is >= 1 and its grace end >= 0");
    }
    RSAPublicKey prev = (RSAPublicKey) predecessor.getPublic();
    if (sameKey(prev, successor)) {
      throw new IllegalArgumentException("a key cannot succeed itself");
    }
    byte[] sig =
        RsaPssSigner.create((RSAPrivateCrtKey) predecessor.getPrivate())
            .sign(signedBytes(prev, successor, epoch, graceEndSeconds));
    return new KeySuccession(prev, successor, epoch, graceEndSeconds, sig);
  }

  public RSAPublicKey predecessor() {
    return predecessor;
  }

  public RSAPublicKey successor() {
    return successor;
  }

  /** The successor's epoch. */
  public int epoch() {
    return epoch;
  }

  /** When the master destroys the predecessor, Unix seconds. */
  public long graceEnd() {
    return graceEnd;
  }

  /** The bytes the predecessor signed. */
  public byte[] signedBytes() {
    return signedBytes(predecessor, successor, epoch, graceEnd);
  }

  /**
   * Checks the signature under the predecessor.
   *
   * @throws ProtocolException naming the statement when it does not verify
   */
  public void verify() throws ProtocolException {
    try {
      RsaPssVerifier.create(predecessor).verify(signature, signedBytes());
    } catch (InvalidSignatureException | WeakKeyException e) {
      throw new ProtocolException(
          "the statement that "
              + Fingerprints.salt(successor)
              + " (epoch "
              + epoch
              + ") follows "
              + Fingerprints.salt(predecessor)
              + " has a forged signature: it does not verify under the predecessor");
    }
  }

  /**
   * Verifies a chain a master presents: it starts at {@code pinned}, each statement's predecessor
   * is the previous one's successor, epochs grow by exactly 1, every signature verifies under its
   * predecessor, and the last successor is {@code presented}.
   *
   * @throws ProtocolException with one line naming what failed
   */
  public static void verifyChain(
      List<KeySuccession> chain, RSAPublicKey pinned, RSAPublicKey presented)
      throws ProtocolException {
    Objects.requireNonNull(pinned, "pinned");
    Objects.requireNonNull(presented, "presented");
    if (chain.isEmpty() || chain.size() > MAX_CHAIN) {
      throw new ProtocolException(
          "the master's key chain has " + chain.size() + " statements; 1 to " + MAX_CHAIN
              + " are allowed");
    }
    if (!sameKey(chain.get(0).predecessor, pinned)) {
      throw new ProtocolException(
          "the master's key chain starts at "
              + Fingerprints.salt(chain.get(0).predecessor)
              + ", not at the pinned key "
              + Fingerprints.salt(pinned)
              + " (a statement replayed from another rotation?)");
    }
    for (int i = 1; i < chain.size(); i++) {
      KeySuccession before = chain.get(i - 1);
      KeySuccession s = chain.get(i);
      if (!sameKey(s.predecessor, before.successor)) {
        throw new ProtocolException(
            "the master's key chain is broken at epoch " + s.epoch
                + ": its statement does not start where the one before ends");
      }
      if (s.epoch != before.epoch + 1) {
        throw new ProtocolException(
            "the master's key chain has the wrong epoch: " + s.epoch + " follows " + before.epoch);
      }
    }
    KeySuccession last = chain.get(chain.size() - 1);
    if (!sameKey(last.successor, presented)) {
      throw new ProtocolException(
          "the master's key chain ends at "
              + Fingerprints.salt(last.successor)
              + ", not at the key it presents "
              + Fingerprints.salt(presented)
              + " (a statement replayed from another rotation?)");
    }
    for (KeySuccession s : chain) {
      s.verify(); // last: the RSA work only for a chain whose shape is right
    }
  }

  /** The statement in its JSON form. */
  public byte[] toJson() {
    return JsonBody.toBytes(toNode());
  }

  /**
   * Reads one statement in its JSON form (strictly, like every handshake body); the signature is
   * not checked here ({@link #verify}, {@link #verifyChain}).
   */
  public static KeySuccession parse(byte[] json) throws ProtocolException {
    return from(
        JsonBody.parse(
            "key succession", json, Set.of(PREV, NEXT, EPOCH, GRACE_END, SIG), Set.of()));
  }

  ObjectNode toNode() {
    ObjectNode o = JsonBody.newObject();
    o.put(PREV, Pem.writePublicKey(predecessor));
    o.put(NEXT, Pem.writePublicKey(successor));
    o.put(EPOCH, epoch);
    o.put(GRACE_END, graceEnd);
    o.put(SIG, JsonBody.base64(signature));
    return o;
  }

  static ArrayNode toArray(List<KeySuccession> chain) {
    ArrayNode a = JsonBody.newArray();
    for (KeySuccession s : chain) {
      a.add(s.toNode());
    }
    return a;
  }

  static KeySuccession from(JsonBody json) throws ProtocolException {
    RSAPublicKey prev = key(json, PREV);
    RSAPublicKey next = key(json, NEXT);
    int epoch = json.integer(EPOCH);
    long graceEnd = json.longInteger(GRACE_END);
    if (epoch < 1 || graceEnd < 0) {
      throw new ProtocolException(
          "a key succession needs an epoch >= 1 and a grace_end >= 0");
    }
    if (sameKey(prev, next)) {
      throw new ProtocolException("a key succession names the same key twice");
    }
    byte[] sig = json.bytes(SIG, Hello.MIN_RSA_BYTES, Hello.MAX_RSA_BYTES);
    return new KeySuccession(prev, next, epoch, graceEnd, sig);
  }

  /** Reads a {@code key_chain} array of statements (at most {@link #MAX_CHAIN}). */
  static List<KeySuccession> chain(List<JsonBody> statements) throws ProtocolException {
    if (statements.isEmpty() || statements.size() > MAX_CHAIN) {
      throw new ProtocolException(
          "key_chain has " + statements.size() + " statements; 1 to " + MAX_CHAIN
              + " are allowed");
    }
    List<KeySuccession> chain = new ArrayList<>(statements.size());
    for (JsonBody s : statements) {
      chain.add(from(s));
    }
    return List.copyOf(chain);
  }

  /**
   * The chain as the transcript covers it: for each statement, its signed bytes, then u32 len ||
   * signature.
   */
  static byte[] canonical(List<KeySuccession> chain) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (KeySuccession s : chain) {
      out.writeBytes(s.signedBytes());
      out.writeBytes(Transcript.u32(s.signature.length));
      out.writeBytes(s.signature);
    }
    return out.toByteArray();
  }

  private static RSAPublicKey key(JsonBody json, String field) throws ProtocolException {
    try {
      return Pem.readPublicKey(json.string(field, Hello.MAX_PEM_CHARS));
    } catch (MalformedKeyException | WeakKeyException e) {
      throw new ProtocolException("a key succession's '" + field + "' is unusable: "
          + e.getMessage());
    }
  }

  private static byte[] signedBytes(
      RSAPublicKey prev, RSAPublicKey next, int epoch, long graceEnd) {
    byte[] a = prev.getEncoded();
    byte[] b = next.getEncoded();
    return ByteBuffer.allocate(LABEL.length + 4 + a.length + 4 + b.length + 4 + 8)
        .put(LABEL)
        .putInt(a.length)
        .put(a)
        .putInt(b.length)
        .put(b)
        .putInt(epoch)
        .putLong(graceEnd)
        .array();
  }

  /** Same modulus and exponent: key objects from different providers compare equal. */
  static boolean sameKey(RSAPublicKey a, RSAPublicKey b) {
    return a.getModulus().equals(b.getModulus())
        && a.getPublicExponent().equals(b.getPublicExponent());
  }

  @Override
  public String toString() {
    return "KeySuccession[" + Fingerprints.salt(predecessor) + " -> "
        + Fingerprints.salt(successor) + ", epoch " + epoch + "]";
  }
}
