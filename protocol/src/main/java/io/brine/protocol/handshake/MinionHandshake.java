package io.brine.protocol.handshake;

import static io.brine.protocol.handshake.Answers.AUTH;
import static io.brine.protocol.handshake.Answers.EPH;
import static io.brine.protocol.handshake.Answers.EPOCH;
import static io.brine.protocol.handshake.Answers.KEYS;
import static io.brine.protocol.handshake.Answers.KEY_CHAIN;
import static io.brine.protocol.handshake.Answers.MAC;
import static io.brine.protocol.handshake.Answers.MASTER_PUB;
import static io.brine.protocol.handshake.Answers.NONCE;
import static io.brine.protocol.handshake.Answers.REASON;
import static io.brine.protocol.handshake.Answers.SESSION_KEY;
import static io.brine.protocol.handshake.Answers.SIG;

import io.brine.crypto.DecryptionFailedException;
import io.brine.crypto.InvalidMacException;
import io.brine.crypto.InvalidSignatureException;
import io.brine.crypto.MalformedKeyException;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.WeakKeyException;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.aead.SequencedAesGcm;
import io.brine.crypto.agreement.X25519KeyPair;
import io.brine.crypto.rsa.Fingerprints;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaOaepDecrypter;
import io.brine.crypto.rsa.RsaOaepEncrypter;
import io.brine.crypto.rsa.RsaPssVerifier;
import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.publish.PublishKey;
import io.brine.protocol.wire.MessageType;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Set;

/**
 * The minion's side of one handshake attempt, without I/O: {@link #start} makes the HELLO, {@link
 * #finish} checks the master's answer. One object per attempt (its nonce, ephemeral key and token
 * are used once); {@code finish} may be called once.
 *
 * <p>An answer is accepted only if it echoes this attempt's nonce, presents the pinned master key
 * (or one matching {@code master_finger}, or any key on first contact), and carries a valid MAC
 * (when a token was sent) or RSA-PSS signature (first contact) over the transcript. A WELCOME's
 * random key must unwrap under this minion's private key (its one RSA private-key operation), and
 * its sealed keys must open under the key derived from that and the X25519 agreement and return
 * the token that was sent.
 */
public final class MinionHandshake {
  static final int TOKEN_BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  /** The result of {@link #finish}. */
  public sealed interface Outcome permits Welcomed, Refused {}

  /**
   * Accepted.
   *
   * @param masterKey the master's key; pin it if {@code firstContact}
   * @param firstContact whether no key was pinned before this handshake
   * @param keyChain empty, or the verified statements from the pinned key to {@code masterKey}:
   *     the master's key rotated. Re-pin {@code masterKey} only after a handshake with a token
   *     encrypted to it has succeeded (docs/protocol.md §2.8)
   */
  public record Welcomed(
      Session session,
      PublishKey publishKey,
      RSAPublicKey masterKey,
      boolean firstContact,
      List<KeySuccession> keyChain)
      implements Outcome {
    public Welcomed {
      keyChain = List.copyOf(keyChain);
    }

    /** The statement that vouches for {@code masterKey}, when the key rotated. */
    public KeySuccession lastStatement() {
      return keyChain.isEmpty() ? null : keyChain.get(keyChain.size() - 1);
    }
  }

  /**
   * PENDING, REJECTED, DENIED or SEALED. {@code authenticated} is false only for SEALED, which the
   * master cannot sign; treat that one as "retry later" and nothing more. On first contact without
   * {@code master_finger} the signature is checked against the key the answer itself carries
   * (trust on first use), so such an answer is never a reason to pin anything.
   */
  public record Refused(MessageType type, String reason, boolean authenticated)
      implements Outcome {}

  private final MinionId id;
  private final RsaOaepDecrypter decrypter;
  private final MasterTrust trust;
  private final byte[] nonce;
  private final X25519KeyPair eph;
  private final SecretBytes token;
  private final byte[] hello;
  private boolean finished;

  private MinionHandshake(
      MinionId id,
      RsaOaepDecrypter decrypter,
      MasterTrust trust,
      byte[] nonce,
      X25519KeyPair eph,
      SecretBytes token,
      byte[] hello) {
    this.id = id;
    this.decrypter = decrypter;
    this.trust = trust;
    this.nonce = nonce;
    this.eph = eph;
    this.token = token;
    this.hello = hello;
  }

  /**
   * Starts an attempt. A token is sent only when a master key is pinned: it is encrypted to that
   * key, and only the real master can turn it into the MAC key.
   */
  public static MinionHandshake start(MinionId id, KeyPair minionKeys, MasterTrust trust)
      throws WeakKeyException {
    return start(id, minionKeys, trust, false);
  }

  /**
   * As {@link #start(MinionId, KeyPair, MasterTrust)}; {@code callOnly} asks for a call session
   * ({@link Hello#callOnly}), which {@code brine call} opens beside the running daemon's.
   */
  public static MinionHandshake start(
      MinionId id, KeyPair minionKeys, MasterTrust trust, boolean callOnly)
      throws WeakKeyException {
    if (!(minionKeys.getPrivate() instanceof RSAPrivateCrtKey priv)
        || !(minionKeys.getPublic() instanceof RSAPublicKey pub)) {
      throw new IllegalArgumentException("the minion key pair must be RSA with CRT parameters");
    }
    RsaOaepDecrypter decrypter = RsaOaepDecrypter.create(priv);
    byte[] nonce = new byte[Hello.NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    X25519KeyPair eph = X25519KeyPair.generate();
    SecretBytes token = null;
    byte[] tokenWrapped = null;
    if (trust.pinned() != null) {
      token = SecretBytes.random(TOKEN_BYTES, RANDOM);
      try {
        tokenWrapped = RsaOaepEncrypter.create(trust.pinned()).wrap(token);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot encrypt to the pinned master key", e);
      }
    }
    byte[] hello = Hello.write(
            id, Pem.writePublicKey(pub), nonce, eph.publicKey(), tokenWrapped, callOnly);
    return new MinionHandshake(id, decrypter, trust, nonce, eph, token, hello);
  }

  /** The HELLO body to send. */
  public byte[] hello() {
    return hello.clone();
  }

  /**
   * Checks the master's answer to this attempt's HELLO.
   *
   * @throws ProtocolException with a one-line reason if the answer is malformed, replayed, from
   *     another master or not authentic; the caller closes the connection and retries later
   */
  public Outcome finish(MessageType type, byte[] body) throws ProtocolException {
    if (finished) {
      throw new IllegalStateException("this handshake attempt is finished; start a new one");
    }
    finished = true;
    try {
      return switch (type) {
        case WELCOME -> welcome(body);
        case PENDING, REJECTED, DENIED -> refused(type, body);
        case SEALED -> sealed(body);
        default -> throw new ProtocolException(type + " from the master during the handshake");
      };
    } finally {
      eph.destroy();
      if (token != null) {
        token.destroy();
      }
    }
  }

  private Welcomed welcome(byte[] body) throws ProtocolException {
    JsonBody json =
        JsonBody.parse(
            "WELCOME",
            body,
            Set.of(MASTER_PUB, NONCE, EPH, SESSION_KEY, KEYS, EPOCH, AUTH),
            Set.of(KEY_CHAIN));
    checkNonce("WELCOME", json);
    String masterPem = json.string(MASTER_PUB, Hello.MAX_PEM_CHARS);
    List<KeySuccession> chain = keyChain(json);
    RSAPublicKey masterKey = checkMasterKey("WELCOME", masterPem, chain);
    byte[] masterEph = json.bytes(EPH, Hello.X25519_BYTES, Hello.X25519_BYTES);
    byte[] sessionWrapped = json.bytes(SESSION_KEY, Hello.MIN_RSA_BYTES, Hello.MAX_RSA_BYTES);
    byte[] keysSealed = json.bytes(KEYS, SealedKeys.MIN_BYTES, SealedKeys.MAX_BYTES);
    int epoch = json.integer(EPOCH);
    if (epoch < 0) {
      throw new ProtocolException("WELCOME has a negative epoch");
    }
    byte[] transcript =
        withChain(
                new Transcript(hello, MessageType.WELCOME)
                    .field(masterPem)
                    .field(nonce)
                    .field(masterEph)
                    .field(sessionWrapped)
                    .field(keysSealed)
                    .field(epoch),
                chain)
            .digest();
    checkAuth("WELCOME", json, masterKey, transcript);

    // Authentic and fresh; now the private-key work: one RSA operation.
    SecretBytes random = unwrapKey(SESSION_KEY, sessionWrapped);
    SecretBytes shared;
    try {
      shared = eph.agree(masterEph);
    } catch (InvalidKeyException e) {
      random.destroy();
      throw new ProtocolException("WELCOME has an unusable X25519 key", e);
    }
    Derivation.WelcomeKeys derived = Derivation.welcomeKeys(random, shared, nonce, id);
    SealedKeys.Opened keys;
    try {
      keys = SealedKeys.open(derived.keys(), keysSealed, token != null);
    } catch (ProtocolException e) {
      derived.session().destroy();
      throw e;
    } finally {
      derived.keys().destroy();
    }
    try {
      if (token != null && !keys.token().equalsInConstantTime(token)) {
        derived.session().destroy();
        keys.publishKey().destroy();
        throw new ProtocolException("WELCOME returns a token other than the one this minion sent");
      }
    } finally {
      if (keys.token() != null) {
        keys.token().destroy();
      }
    }
    Session session =
        new Session(id, epoch, derived.session(), SequencedAesGcm.Role.INITIATOR, transcript);
    // The publish key's bytes now belong to the AesGcmKey.
    PublishKey publishKey = new PublishKey(epoch, AesGcmKey.fromSecret(keys.publishKey()));
    return new Welcomed(
        session, publishKey, masterKey, trust.pinned() == null, chain == null ? List.of() : chain);
  }

  private Refused refused(MessageType type, byte[] body) throws ProtocolException {
    String what = type.toString();
    JsonBody json =
        JsonBody.parse(what, body, Set.of(MASTER_PUB, NONCE, REASON, AUTH), Set.of(KEY_CHAIN));
    checkNonce(what, json);
    String masterPem = json.string(MASTER_PUB, Hello.MAX_PEM_CHARS);
    List<KeySuccession> chain = keyChain(json);
    RSAPublicKey masterKey = checkMasterKey(what, masterPem, chain);
    String reason = json.string(REASON, Answers.MAX_REASON_CHARS);
    byte[] transcript =
        withChain(new Transcript(hello, type).field(masterPem).field(nonce).field(reason), chain)
            .digest();
    checkAuth(what, json, masterKey, transcript);
    return new Refused(type, reason, true);
  }

  private Refused sealed(byte[] body) throws ProtocolException {
    JsonBody json = JsonBody.parse("SEALED", body, Set.of(NONCE, REASON), Set.of());
    checkNonce("SEALED", json);
    return new Refused(MessageType.SEALED, json.string(REASON, Answers.MAX_REASON_CHARS), false);
  }

  private void checkNonce(String what, JsonBody json) throws ProtocolException {
    byte[] echoed = json.bytes(NONCE, Hello.NONCE_BYTES, Hello.NONCE_BYTES);
    if (!MessageDigest.isEqual(echoed, nonce)) {
      throw new ProtocolException(what + " answers another HELLO (nonce mismatch: replayed?)");
    }
  }

  /** The answer's key chain, read but not yet verified; null when it has none. */
  private static List<KeySuccession> keyChain(JsonBody json) throws ProtocolException {
    if (!json.has(KEY_CHAIN)) {
      return null;
    }
    return KeySuccession.chain(
        json.objects(
            KEY_CHAIN,
            KeySuccession.MAX_CHAIN,
            Set.of(
                KeySuccession.PREV,
                KeySuccession.NEXT,
                KeySuccession.EPOCH,
                KeySuccession.GRACE_END,
                KeySuccession.SIG),
            Set.of()));
  }

  private static Transcript withChain(Transcript t, List<KeySuccession> chain) {
    return chain == null ? t : t.field(KeySuccession.canonical(chain));
  }

  /**
   * The presented key must be the pinned one, or be reached from it by a verified key chain (the
   * master's key rotated while this minion was pinned to a predecessor still in its grace).
   */
  private RSAPublicKey checkMasterKey(String what, String pem, List<KeySuccession> chain)
      throws ProtocolException {
    RSAPublicKey key;
    try {
      key = Pem.readPublicKey(pem);
    } catch (MalformedKeyException | WeakKeyException e) {
      throw new ProtocolException(what + " has an unusable master key: " + e.getMessage());
    }
    RSAPublicKey pinned = trust.pinned();
    if (chain != null) {
      if (pinned == null) {
        throw new ProtocolException(
            what + " has a key_chain, but this minion has no pinned key for it to start at");
      }
      KeySuccession.verifyChain(chain, pinned, key);
      return key;
    }
    if (pinned != null && !KeySuccession.sameKey(pinned, key)) {
      throw new ProtocolException(
          "the master now presents key "
              + Fingerprints.salt(key)
              + ", which this minion cannot verify: its pinned key "
              + Fingerprints.salt(pinned)
              + " is not one the master vouches from (it retired while this minion was away, or"
              + " the master was re-keyed); check "
              + Fingerprints.salt(key)
              + " out of band, then set master_finger: "
              + Fingerprints.salt(key)
              + " and delete minion_master.pub");
    }
    if (trust.finger() != null && !trust.finger().equals(Fingerprints.salt(key))) {
      throw new ProtocolException(
          "the master presented key "
              + Fingerprints.salt(key)
              + ", which does not match master_finger "
              + trust.finger());
    }
    return key;
  }

  private void checkAuth(String what, JsonBody json, RSAPublicKey masterKey, byte[] transcript)
      throws ProtocolException {
    if (token != null) {
      JsonBody auth = json.object(AUTH, Set.of(MAC), Set.of());
      byte[] tag = auth.bytes(MAC, 32, 32);
      try {
        Derivation.verifyReplyMac(token, nonce, tag, transcript);
      } catch (InvalidMacException e) {
        throw new ProtocolException(what + " MAC does not verify: not from the pinned master");
      }
    } else {
      JsonBody auth = json.object(AUTH, Set.of(SIG), Set.of());
      byte[] sig = auth.bytes(SIG, Hello.MIN_RSA_BYTES, Hello.MAX_RSA_BYTES);
      try {
        RsaPssVerifier.create(masterKey).verify(sig, transcript);
      } catch (InvalidSignatureException | WeakKeyException e) {
        throw new ProtocolException(what + " signature does not verify under the master key");
      }
    }
  }

  private SecretBytes unwrap(String field, byte[] wrapped) throws ProtocolException {
    try {
      return decrypter.unwrap(wrapped);
    } catch (DecryptionFailedException e) {
      throw new ProtocolException(
          "WELCOME "
              + field
              + " is not encrypted to this minion's key (the master holds another key for "
              + id
              + ")",
          e);
    }
  }

  private SecretBytes unwrapKey(String field, byte[] wrapped) throws ProtocolException {
    SecretBytes k = unwrap(field, wrapped);
    if (k.length() != AesGcmKey.KEY_SIZE_IN_BYTES) {
      k.destroy();
      throw new ProtocolException("WELCOME " + field + " is not a 32-byte key");
    }
    return k;
  }
}
