package io.brine.protocol.handshake;

import static io.brine.protocol.handshake.Answers.AUTH;
import static io.brine.protocol.handshake.Answers.EPH;
import static io.brine.protocol.handshake.Answers.EPOCH;
import static io.brine.protocol.handshake.Answers.KEYS;
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
import java.util.Objects;

/**
 * The master's side of the handshake, without I/O. The caller parses the HELLO ({@link
 * Hello#parse}), decides from its PKI directory what to answer, and asks this class for the
 * answer's body. Each answer costs the master exactly one RSA private-key operation: decrypting the
 * minion's token (the answer is then MACed with a key derived from it), or, on first contact when
 * there is no token, one RSA-PSS signature. Thread-safe.
 */
public final class MasterHandshake {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String masterPem;
  private final RsaOaepDecrypter decrypter;
  private final RsaPssSigner signer;

  private MasterHandshake(String masterPem, RsaOaepDecrypter decrypter, RsaPssSigner signer) {
    this.masterPem = masterPem;
    this.decrypter = decrypter;
    this.signer = signer;
  }

  /** @param masterKeys the master's RSA pair, from the unsealed vault */
  public static MasterHandshake create(KeyPair masterKeys) throws WeakKeyException {
    if (!(masterKeys.getPrivate() instanceof RSAPrivateCrtKey priv)
        || !(masterKeys.getPublic() instanceof RSAPublicKey pub)) {
      throw new IllegalArgumentException("the master key pair must be RSA with CRT parameters");
    }
    return new MasterHandshake(
        Pem.writePublicKey(pub), RsaOaepDecrypter.create(priv), RsaPssSigner.create(priv));
  }

  /** The body of a WELCOME and the master's end of the new session. */
  public record Accepted(byte[] body, Session session) {}

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
    SecretBytes token = hello.hasToken() ? decryptToken(hello) : null;
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

      byte[] transcript =
          new Transcript(hello.body(), MessageType.WELCOME)
              .field(masterPem)
              .field(hello.nonce())
              .field(ephPublic)
              .field(sessionWrapped)
              .field(keysSealed)
              .field(publishKey.epoch())
              .digest();
      ObjectNode o = JsonBody.newObject();
      o.put(MASTER_PUB, masterPem);
      o.put(NONCE, JsonBody.base64(hello.nonce()));
      o.put(EPH, JsonBody.base64(ephPublic));
      o.put(SESSION_KEY, JsonBody.base64(sessionWrapped));
      o.put(KEYS, JsonBody.base64(keysSealed));
      o.put(EPOCH, publishKey.epoch());
      o.set(AUTH, auth(token, hello, transcript));
      Accepted accepted =
          new Accepted(
              JsonBody.toBytes(o),
              new Session(
                  hello.id(),
                  publishKey.epoch(),
                  derived.session(),
                  SequencedAesGcm.Role.RESPONDER,
                  transcript));
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
    SecretBytes token = hello.hasToken() ? decryptToken(hello) : null;
    try {
      byte[] transcript =
          new Transcript(hello.body(), answer)
              .field(masterPem)
              .field(hello.nonce())
              .field(r)
              .digest();
      ObjectNode o = JsonBody.newObject();
      o.put(MASTER_PUB, masterPem);
      o.put(NONCE, JsonBody.base64(hello.nonce()));
      o.put(REASON, r);
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

  private SecretBytes decryptToken(Hello hello) throws ProtocolException {
    SecretBytes token;
    try {
      token = decrypter.unwrap(hello.token());
    } catch (DecryptionFailedException e) {
      throw new ProtocolException(
          "HELLO from "
              + hello.id()
              + " has a token this master cannot decrypt"
              + " (the minion has pinned another master key)",
          e);
    }
    if (token.length() != MinionHandshake.TOKEN_BYTES) {
      token.destroy();
      throw new ProtocolException(
          "HELLO from " + hello.id() + " has a token of the wrong length");
    }
    return token;
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
