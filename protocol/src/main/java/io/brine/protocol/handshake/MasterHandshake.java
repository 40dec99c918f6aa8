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

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.crypto.DecryptionFailedException;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.WeakKeyException;
import io.brine.crypto.aead.SequencedAesGcm;
import io.brine.crypto.agreement.X25519KeyPair;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaOaepDecrypter;
import io.brine.crypto.rsa.RsaOaepEncrypter;
import io.brine.crypto.rsa.RsaPssSigner;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.publish.PublishKey;
import io.brine.protocol.wire.MessageType;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The master's side of the handshake, without I/O. The caller parses the HELLO ({@link
 * Hello#parse}), decides from its PKI directory what to answer, and asks this class for the
 * answer's body. Each answer costs the master exactly one RSA private-key operation: decrypting the
 * minion's token (the answer is then MACed with a key derived from it), or, on first contact when
 * there is no token, one RSA-PSS signature. After a rotation of the master key, a token encrypted
 * to a predecessor still in its grace costs one more decryption per retained key tried before it,
 * and the answer carries the {@link KeySuccession} chain from that key (docs/protocol.md §2.8).
 * Thread-safe.
 */
public final class MasterHandshake {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** At most this many retained predecessors are tried on a token the current key cannot open. */
  public static final int MAX_RETAINED = KeySuccession.MAX_CHAIN;

  /**
   * A predecessor of the current key, still in its grace period: tokens encrypted to it open, and
   * the answer carries {@code chain}, the statements from it to the current key.
   */
  public record RetainedKey(KeyPair keys, List<KeySuccession> chain) {
    public RetainedKey {
      chain = List.copyOf(chain);
      if (chain.isEmpty()
          || !KeySuccession.sameKey(
              chain.get(0).predecessor(), (RSAPublicKey) keys.getPublic())) {
        throw new IllegalArgumentException("a retained key's chain must start at that key");
      }
    }
  }

  /** Which of the master's keys opened the HELLO's token. */
  public enum TokenKey {
    /** The HELLO had no token (first contact). */
    NONE,
    CURRENT,
    /** A retained predecessor: the answer carries its key chain. */
    RETAINED,
    /**
     * No key this master holds opens it: the minion pinned a key retired since (or is not ours).
     * The answer is signed, as on first contact, and the minion refuses it with a clear line.
     */
    UNOPENED
  }

  /** A decryption key for tokens, with the chain its answers carry (null for the current key). */
  private record TokenOpener(
      RsaOaepDecrypter decrypter, int modulusBytes, List<KeySuccession> chain) {}

  private final String masterPem;
  private final RSAPublicKey masterPub;
  private final List<TokenOpener> openers;
  private final RsaPssSigner signer;
  private final boolean rotated;

  private MasterHandshake(
      String masterPem,
      RSAPublicKey masterPub,
      List<TokenOpener> openers,
      RsaPssSigner signer,
      boolean rotated) {
    this.masterPem = masterPem;
    this.masterPub = masterPub;
    this.openers = openers;
    this.signer = signer;
    this.rotated = rotated;
  }

  /**
   * A master whose key never rotated: a token it cannot open is refused ({@link
   * ProtocolException}), as before rotations existed.
   *
   * @param masterKeys the master's RSA pair, from the unsealed vault
   */
  public static MasterHandshake create(KeyPair masterKeys) throws WeakKeyException {
    return create(masterKeys, List.of(), false);
  }

  /**
   * @param current the master's current RSA pair, from the unsealed vault
   * @param retained its predecessors still in their grace, newest first (at most {@link
   *     #MAX_RETAINED}); each chain must end at {@code current}
   * @param rotated whether the master's key ever rotated: then a token no key opens may come from
   *     a minion pinned to a key destroyed since, and is answered signed (TokenKey#UNOPENED) so
   *     that minion can say what to do; a master that never rotated closes such a connection, at
   *     the cost of one decryption, as before
   */
  public static MasterHandshake create(
      KeyPair current, List<RetainedKey> retained, boolean rotated) throws WeakKeyException {
    RSAPrivateCrtKey priv = rsaPrivate(current);
    RSAPublicKey pub = (RSAPublicKey) current.getPublic();
    if (retained.size() > MAX_RETAINED) {
      throw new IllegalArgumentException("at most " + MAX_RETAINED + " retained master keys");
    }
    List<TokenOpener> openers = new ArrayList<>();
    openers.add(new TokenOpener(RsaOaepDecrypter.create(priv), modulusBytes(pub), null));
    for (RetainedKey r : retained) {
      List<KeySuccession> chain = r.chain();
      if (!KeySuccession.sameKey(chain.get(chain.size() - 1).successor(), pub)) {
        throw new IllegalArgumentException("a retained key's chain must end at the current key");
      }
      openers.add(
          new TokenOpener(
              RsaOaepDecrypter.create(rsaPrivate(r.keys())),
              modulusBytes((RSAPublicKey) r.keys().getPublic()),
              chain));
    }
    return new MasterHandshake(
        Pem.writePublicKey(pub),
        pub,
        List.copyOf(openers),
        RsaPssSigner.create(priv),
        rotated || !retained.isEmpty());
  }

  private static RSAPrivateCrtKey rsaPrivate(KeyPair keys) {
    if (!(keys.getPrivate() instanceof RSAPrivateCrtKey priv)
        || !(keys.getPublic() instanceof RSAPublicKey)) {
      throw new IllegalArgumentException("a master key pair must be RSA with CRT parameters");
    }
    return priv;
  }

  private static int modulusBytes(RSAPublicKey key) {
    return (key.getModulus().bitLength() + 7) / 8;
  }

  /** The key this handshake presents. */
  public RSAPublicKey masterKey() {
    return masterPub;
  }

  /**
   * The body of a WELCOME, the master's end of the new session, and which key opened the token.
   */
  public record Accepted(byte[] body, Session session, TokenKey tokenKey) {}

  /** A token as opened, and the chain the answer carries (null unless a retained key opened it). */
  private record OpenedToken(SecretBytes token, List<KeySuccession> chain, TokenKey key) {
    static final OpenedToken NONE = new OpenedToken(null, null, TokenKey.NONE);
    static final OpenedToken UNOPENED = new OpenedToken(null, null, TokenKey.UNOPENED);
  }

  /**
   * Accepts the minion.
   *
   * @param acceptedKey the key stored for the id in {@code minions/<id>}; everything secret is
   *     wrapped to it, never to {@link Hello#publicKey()}, so an impostor who sends its own key for
   *     an accepted id learns nothing even if the caller wrongly answers WELCOME
   * @throws ProtocolException if the token does not decrypt or the ephemeral key is unusable
   */
  public Accepted welcome(Hello hello, RSAPublicKey acceptedKey, PublishKey publishKey)
      throws ProtocolException {
    Objects.requireNonNull(acceptedKey, "acceptedKey");
    Objects.requireNonNull(publishKey, "publishKey");
    RsaOaepEncrypter toMinion;
    try {
      toMinion = RsaOaepEncrypter.create(acceptedKey);
    } catch (WeakKeyException e) {
      throw new IllegalArgumentException(
          "accepted key of " + hello.id() + ": " + e.getMessage(), e);
    }
    // The token first: a HELLO whose token does not decrypt costs no X25519 work and leaves no
    // key material behind.
    OpenedToken opened = openToken(hello);
    SecretBytes token = opened.token();
    X25519KeyPair eph = X25519KeyPair.generate();
    SecretBytes shared;
    try {
      shared = eph.agree(hello.eph());
    } catch (InvalidKeyException e) {
      eph.destroy();
      if (token != null) {
        token.destroy();
      }
      throw new ProtocolException("HELLO from " + hello.id() + " has an unusable X25519 key", e);
    }
    SecretBytes random = SecretBytes.random(Derivation.KEY_BYTES, RANDOM);
    Derivation.WelcomeKeys derived = null;
    boolean sessionHandedOver = false;
    try {
      // The one RSA operation toward the minion: everything else is sealed under keys derived
      // from this random key and the X25519 agreement.
      byte[] sessionWrapped = toMinion.wrap(random);
      derived = Derivation.welcomeKeys(random, shared, hello.nonce(), hello.id());
      byte[] keysSealed = SealedKeys.seal(derived.keys(), publishKey.key().secret(), token);
      byte[] ephPublic = eph.publicKey();

      Transcript t =
          new Transcript(hello.body(), MessageType.WELCOME)
              .field(masterPem)
              .field(hello.nonce())
              .field(ephPublic)
              .field(sessionWrapped)
              .field(keysSealed)
              .field(publishKey.epoch());
      byte[] transcript = withChain(t, opened.chain()).digest();
      ObjectNode o = JsonBody.newObject();
      o.put(MASTER_PUB, masterPem);
      o.put(NONCE, JsonBody.base64(hello.nonce()));
      o.put(EPH, JsonBody.base64(ephPublic));
      o.put(SESSION_KEY, JsonBody.base64(sessionWrapped));
      o.put(KEYS, JsonBody.base64(keysSealed));
      o.put(EPOCH, publishKey.epoch());
      putChain(o, opened.chain());
      o.set(AUTH, auth(token, hello, transcript));
      Accepted accepted =
          new Accepted(
              JsonBody.toBytes(o),
              new Session(
                  hello.id(),
                  publishKey.epoch(),
                  derived.session(),
                  SequencedAesGcm.Role.RESPONDER,
                  transcript),
              opened.key());
      sessionHandedOver = true;
      return accepted;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA or AES operation failed with a policy-checked key", e);
    } finally {
      random.destroy();
      shared.destroy();
      eph.destroy();
      if (derived != null) {
        derived.keys().destroy();
        if (!sessionHandedOver) {
          derived.session().destroy(); // any failure, a runtime one included
        }
      }
      if (token != null) {
        token.destroy();
      }
    }
  }

  /**
   * A PENDING, REJECTED or DENIED answer, bound to the HELLO and authenticated like a WELCOME.
   *
   * @param reason a short text for the minion's log; never a key or a path
   */
  public byte[] refuse(Hello hello, MessageType answer, String reason) throws ProtocolException {
    if (answer != MessageType.PENDING
        && answer != MessageType.REJECTED
        && answer != MessageType.DENIED) {
      throw new IllegalArgumentException(answer + " is not a refusal");
    }
    String r = checkReason(reason);
    OpenedToken opened = openToken(hello);
    SecretBytes token = opened.token();
    try {
      byte[] transcript =
          withChain(
                  new Transcript(hello.body(), answer)
                      .field(masterPem)
                      .field(hello.nonce())
                      .field(r),
                  opened.chain())
              .digest();
      ObjectNode o = JsonBody.newObject();
      o.put(MASTER_PUB, masterPem);
      o.put(NONCE, JsonBody.base64(hello.nonce()));
      o.put(REASON, r);
      putChain(o, opened.chain());
      o.set(AUTH, auth(token, hello, transcript));
      return JsonBody.toBytes(o);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA signature failed with a policy-checked key", e);
    } finally {
      if (token != null) {
        token.destroy();
      }
    }
  }

  /**
   * The SEALED answer. It is not authenticated: the master key is inside the sealed vault. It
   * echoes the nonce only so a minion can match it to its HELLO; minions treat it as "retry later"
   * and nothing else, so a forged one costs no more than a dropped connection would.
   */
  public static byte[] sealed(Hello hello, String reason) {
    ObjectNode o = JsonBody.newObject();
    o.put(NONCE, JsonBody.base64(hello.nonce()));
    o.put(REASON, checkReason(reason));
    return JsonBody.toBytes(o);
  }

  /**
   * Opens the HELLO's token with the current key, then with each retained one, newest first. A
   * key whose modulus is not the token's length is skipped without RSA work. When none opens it,
   * the answer is signed instead of MACed when the key ever rotated (docs/protocol.md §2.8): a
   * stranger's garbage token costs at most 1 + {@link #MAX_RETAINED} OAEP attempts and one
   * signature; else the HELLO is refused.
   */
  private OpenedToken openToken(Hello hello) throws ProtocolException {
    if (!hello.hasToken()) {
      return OpenedToken.NONE;
    }
    byte[] wrapped = hello.token();
    for (TokenOpener opener : openers) {
      if (opener.modulusBytes() != wrapped.length) {
        continue;
      }
      SecretBytes token;
      try {
        token = opener.decrypter().unwrap(wrapped);
      } catch (DecryptionFailedException e) {
        continue;
      }
      if (token.length() != MinionHandshake.TOKEN_BYTES) {
        token.destroy();
        throw new ProtocolException(
            "HELLO from " + hello.id() + " has a token of the wrong length");
      }
      return new OpenedToken(
          token,
          opener.chain(),
          opener.chain() == null ? TokenKey.CURRENT : TokenKey.RETAINED);
    }
    if (!rotated) {
      throw new ProtocolException(
          "HELLO from "
              + hello.id()
              + " has a token this master cannot decrypt"
              + " (the minion has pinned another master key)");
    }
    return OpenedToken.UNOPENED;
  }

  private static Transcript withChain(Transcript t, List<KeySuccession> chain) {
    // Only when present, so that transcripts without a chain are those of before §2.8.
    return chain == null ? t : t.field(KeySuccession.canonical(chain));
  }

  private static void putChain(ObjectNode o, List<KeySuccession> chain) {
    if (chain != null) {
      o.set(KEY_CHAIN, KeySuccession.toArray(chain));
    }
  }

  private ObjectNode auth(SecretBytes token, Hello hello, byte[] transcript)
      throws GeneralSecurityException {
    ObjectNode auth = JsonBody.newObject();
    if (token != null) {
      auth.put(MAC, JsonBody.base64(Derivation.replyMac(token, hello.nonce(), transcript)));
    } else {
      auth.put(SIG, JsonBody.base64(signer.sign(transcript)));
    }
    return auth;
  }

  private static String checkReason(String reason) {
    Objects.requireNonNull(reason, "reason");
    if (reason.length() > Answers.MAX_REASON_CHARS) {
      throw new IllegalArgumentException("reason is longer than " + Answers.MAX_REASON_CHARS);
    }
    return reason;
  }
}
