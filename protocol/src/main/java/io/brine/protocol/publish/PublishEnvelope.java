package io.brine.protocol.publish;

import io.brine.crypto.InvalidSignatureException;
import io.brine.crypto.WeakKeyException;
import io.brine.crypto.rsa.RsaPssSigner;
import io.brine.crypto.rsa.RsaPssVerifier;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.wire.MessageType;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;

/**
 * A publication: encrypted once under the shared publish key and signed once by the master, so
 * that every minion can read it and none can forge one (a minion holds the publish key, but not the
 * master's private key). The body of a PUBLISH frame:
 *
 * <pre>
 *   epoch (4 bytes, big-endian) || signature length (2 bytes, big-endian) || RSA-PSS signature
 *   || ciphertext = nonce (12) || AES-256-GCM(publish key, plaintext, AAD = type || epoch)
 *                   || tag (16)
 *
 *   signed bytes = type (0x20) || epoch || ciphertext
 * </pre>
 *
 * A minion looks the epoch up first (unknown epochs are refused without any RSA work), verifies the
 * signature with the pinned master key, and only then decrypts.
 */
public final class PublishEnvelope {
  private static final int HEADER_BYTES = 6;
  private static final int MIN_SIG_BYTES = 256;
  private static final int MAX_SIG_BYTES = 2048;

  private PublishEnvelope() {}

  /** The master's side. Thread-safe. */
  public static final class Sealer {
    private final RsaPssSigner signer;

    private Sealer(RsaPssSigner signer) {
      this.signer = signer;
    }

    public static Sealer create(RSAPrivateCrtKey masterKey) throws WeakKeyException {
      return new Sealer(RsaPssSigner.create(masterKey));
    }

    public byte[] seal(PublishKey key, byte[] plaintext) throws GeneralSecurityException {
      byte[] epoch = epochBytes(key.epoch());
      byte[] ciphertext = key.aead().encrypt(plaintext, associatedData(epoch));
      byte[] sig = signer.sign(signed(epoch, ciphertext));
      return ByteBuffer.allocate(HEADER_BYTES + sig.length + ciphertext.length)
          .put(epoch)
          .putShort((short) sig.length)
          .put(sig)
          .put(ciphertext)
          .array();
    }
  }

  /** A minion's side: the pinned master key and the publish keys it holds. */
  public static final class Opener {
    private final RsaPssVerifier verifier;
    /** The master's previous key, for publications sealed before its rotation; or null. */
    private final RsaPssVerifier predecessor;
    /** Publication epochs below this may carry {@link #predecessor}'s signature. */
    private final int predecessorBeforeEpoch;

    private Opener(RsaPssVerifier verifier, RsaPssVerifier predecessor, int beforeEpoch) {
      this.verifier = verifier;
      this.predecessor = predecessor;
      this.predecessorBeforeEpoch = beforeEpoch;
    }

    public static Opener create(RSAPublicKey pinnedMasterKey) throws WeakKeyException {
      return new Opener(RsaPssVerifier.create(pinnedMasterKey), null, Integer.MIN_VALUE);
    }

    /**
     * This opener, also taking signatures of the master's previous key on publications of an
     * epoch below {@code beforeEpoch}: a job the master sealed with its old key just before a
     * rotation of its own key may reach a minion that has already moved to the new one (the old
     * key vouched for the new, docs/protocol.md §2.8). Publications of {@code beforeEpoch} and
     * later need the new key.
     */
    public Opener acceptingPredecessor(RSAPublicKey previousMasterKey, int beforeEpoch)
        throws WeakKeyException {
      return new Opener(verifier, RsaPssVerifier.create(previousMasterKey), beforeEpoch);
    }

    /**
     * @throws ProtocolException if the envelope is malformed, names an epoch {@code keys} does not
     *     hold, is not signed by the master, or does not decrypt
     */
    public byte[] open(byte[] envelope, PublishKeyring keys) throws ProtocolException {
      if (envelope.length < HEADER_BYTES) {
        throw new ProtocolException("publication of " + envelope.length + " bytes is truncated");
      }
      ByteBuffer in = ByteBuffer.wrap(envelope);
      int epoch = in.getInt();
      int sigLength = in.getShort() & 0xffff;
      if (sigLength < MIN_SIG_BYTES
          || sigLength > MAX_SIG_BYTES
          || sigLength > envelope.length - HEADER_BYTES) {
        throw new ProtocolException("publication has a bad signature length " + sigLength);
      }
      PublishKey key = keys.forEpoch(epoch);
      if (key == null) {
        throw new ProtocolException(
            "publication for publish key epoch " + epoch + ", which this minion does not hold"
                + " (current " + keys.currentEpoch() + ")");
      }
      byte[] sig = Arrays.copyOfRange(envelope, HEADER_BYTES, HEADER_BYTES + sigLength);
      byte[] ciphertext = Arrays.copyOfRange(envelope, HEADER_BYTES + sigLength, envelope.length);
      byte[] epochBytes = epochBytes(epoch);
      byte[] signed = signed(epochBytes, ciphertext);
      try {
        verifier.verify(sig, signed);
      } catch (InvalidSignatureException e) {
        if (predecessor == null || epoch >= predecessorBeforeEpoch) {
          throw new ProtocolException("publication is not signed by the master key; dropped");
        }
        try {
          predecessor.verify(sig, signed);
        } catch (InvalidSignatureException again) {
          throw new ProtocolException("publication is not signed by the master key; dropped");
        }
      }
      try {
        return key.aead().decrypt(ciphertext, associatedData(epochBytes));
      } catch (GeneralSecurityException e) {
        throw new ProtocolException("publication for epoch " + epoch + " does not decrypt", e);
      }
    }
  }

  private static byte[] epochBytes(int epoch) {
    return ByteBuffer.allocate(4).putInt(epoch).array();
  }

  private static byte[] associatedData(byte[] epoch) {
    return ByteBuffer.allocate(5).put(MessageType.PUBLISH.code()).put(epoch).array();
  }

  private static byte[] signed(byte[] epoch, byte[] ciphertext) {
    return ByteBuffer.allocate(5 + ciphertext.length)
        .put(MessageType.PUBLISH.code())
        .put(epoch)
        .put(ciphertext)
        .array();
  }
}
