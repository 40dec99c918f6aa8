package io.brine.protocol.handshake;

import io.brine.crypto.DecryptionFailedException;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.aead.SequencedAesGcm;
import io.brine.protocol.MinionId;
import io.brine.protocol.wire.MessageType;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.security.auth.Destroyable;

/**
 * One end of an authenticated session: AES-256-GCM under the session key with a counter nonce per
 * direction ({@link SequencedAesGcm}; the minion is the initiator, the master the responder), so a
 * replayed, reordered or reflected message fails to open. The associated data of every message is
 *
 * <pre>
 *   type (1 byte) || epoch (4 bytes, big-endian) || minion id (ASCII)
 * </pre>
 *
 * binding the message to its type, the publish epoch of the handshake and the minion. Messages
 * must be opened in the order they were sealed (one connection). Not thread-safe beyond what
 * {@link SequencedAesGcm} gives: use it from the channel's event loop.
 */
public final class Session implements Destroyable {
  private final MinionId minionId;
  private final int epoch;
  private final AesGcmKey key;
  private final SequencedAesGcm aead;
  private final byte[] transcript;

  /**
   * @param transcript the WELCOME's transcript hash (§2.5), which the minion's CONFIRM carries
   */
  Session(
      MinionId minionId, int epoch, AesGcmKey key, SequencedAesGcm.Role role, byte[] transcript) {
    this.minionId = minionId;
    this.epoch = epoch;
    this.key = key;
    this.aead = SequencedAesGcm.create(key, role);
    this.transcript = transcript.clone();
  }

  public MinionId minionId() {
    return minionId;
  }

  /** The publish key epoch current when the session was made. */
  public int epoch() {
    return epoch;
  }

  /**
   * Encrypts the next message this end sends; {@code type} is REQUEST, REPLY, REAUTH (the
   * master's request to re-authenticate after a rotation, docs/protocol.md §3.1) or CONFIRM.
   */
  public byte[] seal(MessageType type, byte[] plaintext) throws GeneralSecurityException {
    return aead.encrypt(plaintext, associatedData(type));
  }

  /**
   * Decrypts the next message from the peer.
   *
   * @throws io.brine.crypto.DecryptionFailedException if it was tampered with, replayed, reordered,
   *     reflected or sealed for another type, epoch or minion; the caller closes the connection
   */
  public byte[] open(MessageType type, byte[] ciphertext) throws GeneralSecurityException {
    return aead.decrypt(ciphertext, associatedData(type));
  }

  /**
   * The minion's first message of the session: the WELCOME's transcript, sealed (docs/protocol.md
   * §2.7). Only an end that unwrapped the session key with the accepted minion key can make it.
   */
  public byte[] sealConfirmation() throws GeneralSecurityException {
    return seal(MessageType.CONFIRM, transcript);
  }

  /**
   * The master's check of the minion's CONFIRM: it must open as this session's first message from
   * the minion and carry this WELCOME's transcript (compared in constant time).
   *
   * @throws DecryptionFailedException if it does not: the peer does not hold the accepted key, or
   *     the CONFIRM belongs to another WELCOME
   */
  public void openConfirmation(byte[] body) throws GeneralSecurityException {
    byte[] confirmed = open(MessageType.CONFIRM, body);
    if (!MessageDigest.isEqual(confirmed, transcript)) {
      throw new DecryptionFailedException();
    }
  }

  private byte[] associatedData(MessageType type) {
    if (type != MessageType.REQUEST
        && type != MessageType.REPLY
        && type != MessageType.REAUTH
        && type != MessageType.CONFIRM) {
      throw new IllegalArgumentException(type + " is not session traffic");
    }
    byte[] id = minionId.value().getBytes(StandardCharsets.US_ASCII);
    byte[] ad = new byte[5 + id.length];
    ad[0] = type.code();
    System.arraycopy(Transcript.u32(epoch), 0, ad, 1, 4);
    System.arraycopy(id, 0, ad, 5, id.length);
    return ad;
  }

  @Override
  public void destroy() {
    key.destroy();
  }

  @Override
  public boolean isDestroyed() {
    return key.isDestroyed();
  }

  @Override
  public String toString() {
    return "Session[" + minionId + ", epoch " + epoch + (isDestroyed() ? ", destroyed" : "") + "]";
  }
}
