package io.brine.protocol.handshake;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.crypto.DecryptionFailedException;
import io.brine.crypto.SecretAccess;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.agreement.X25519KeyPair;
import io.brine.crypto.rsa.Fingerprints;
import io.brine.crypto.rsa.RsaOaepDecrypter;
import io.brine.crypto.rsa.RsaOaepEncrypter;
import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.handshake.MinionHandshake.Outcome;
import io.brine.protocol.handshake.MinionHandshake.Refused;
import io.brine.protocol.handshake.MinionHandshake.Welcomed;
import io.brine.protocol.publish.PublishKey;
import io.brine.protocol.wire.MessageType;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HandshakeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MinionId ID = MinionId.of("web1.example.com");
  private static final RSAPublicKey MASTER_PUB = (RSAPublicKey) TestKeys.MASTER.getPublic();
  private static final RSAPublicKey MINION_PUB = (RSAPublicKey) TestKeys.MINION.getPublic();

  private MasterHandshake master;
  private PublishKey publishKey;

  @BeforeEach
  void setUp() throws Exception {
    master = MasterHandshake.create(TestKeys.MASTER);
    publishKey = new PublishKey(7, AesGcmKey.generate());
  }

  private MinionHandshake minion(MasterTrust trust) throws Exception {
    return MinionHandshake.start(ID, TestKeys.MINION, trust);
  }

  private MasterHandshake.Accepted accept(MinionHandshake m) throws Exception {
    return master.welcome(Hello.parse(m.hello()), MINION_PUB, publishKey);
  }

  // ---- full handshakes

  @Test
  void firstContact_signedWelcome_establishesSessionBothWays() throws Exception {
    MinionHandshake m = minion(MasterTrust.firstContact());
    Hello hello = Hello.parse(m.hello());
    assertThat(hello.hasToken()).isFalse();
    assertThat(hello.id()).isEqualTo(ID);
    MasterHandshake.Accepted accepted = master.welcome(hello, MINION_PUB, publishKey);
    ObjectNode body = (ObjectNode) JSON.readTree(accepted.body());
    assertThat(body.get("auth").has("sig")).isTrue();
    assertThat(b64(body, "keys")).as("nonce, publish key, tag").hasSize(12 + 32 + 16);

    Welcomed w = (Welcomed) m.finish(MessageType.WELCOME, accepted.body());

    assertThat(w.firstContact()).isTrue();
    assertThat(w.masterKey().getModulus()).isEqualTo(MASTER_PUB.getModulus());
    assertRoundTrips(w.session(), accepted.session());
    assertSameKey(w.publishKey(), publishKey);
  }

  @Test
  void pinned_macWelcome_establishesSessionBothWays() throws Exception {
    MinionHandshake m = minion(MasterTrust.pinned(MASTER_PUB));
    assertThat(Hello.parse(m.hello()).hasToken()).isTrue();
    MasterHandshake.Accepted accepted = accept(m);
    ObjectNode body = (ObjectNode) JSON.readTree(accepted.body());
    assertThat(body.get("auth").has("mac")).isTrue();
    assertThat(body.has("token")).as("the token comes back sealed in keys").isFalse();
    assertThat(b64(body, "keys")).as("nonce, publish key, token, tag").hasSize(12 + 32 + 32 + 16);

    Welcomed w = (Welcomed) m.finish(MessageType.WELCOME, accepted.body());

    assertThat(w.firstContact()).isFalse();
    assertThat(w.session().epoch()).isEqualTo(7);
    assertThat(w.publishKey().epoch()).isEqualTo(7);
    assertRoundTrips(w.session(), accepted.session());
    assertSameKey(w.publishKey(), publishKey);
  }

  @Test
  void callSession_isWelcomedLikeAnyAndTheFlagCannotBeStrippedOnThePath() throws Exception {
    MinionHandshake m =
        MinionHandshake.start(ID, TestKeys.MINION, MasterTrust.pinned(MASTER_PUB), true);
    Hello sent = Hello.parse(m.hello());
    assertThat(sent.callOnly()).isTrue();
    assertThat(m.finish(MessageType.WELCOME, accept(m).body())).isInstanceOf(Welcomed.class);

    // Someone on the path drops the flag so that the master makes it the minion's connection:
    // the master's answer then covers other HELLO bytes, and the minion refuses it.
    MinionHandshake m2 =
        MinionHandshake.start(ID, TestKeys.MINION, MasterTrust.pinned(MASTER_PUB), true);
    ObjectNode stripped = (ObjectNode) JSON.readTree(m2.hello());
    stripped.remove("call");
    Hello seen = Hello.parse(JSON.writeValueAsBytes(stripped));
    assertThat(seen.callOnly()).isFalse();
    byte[] answer = master.welcome(seen, MINION_PUB, publishKey).body();
    assertThatThrownBy(() -> m2.finish(MessageType.WELCOME, answer))
        .isInstanceOf(ProtocolException.class);
  }

  @Test
  void masterFinger_matching_welcomes() throws Exception {
    MinionHandshake m = minion(MasterTrust.finger(Fingerprints.salt(MASTER_PUB).toUpperCase()));
    assertThat(m.finish(MessageType.WELCOME, accept(m).body())).isInstanceOf(Welcomed.class);
  }

  @Test
  void session_replayedReorderedOrRetypedMessage_isRefused() throws Exception {
    MinionHandshake m = minion(MasterTrust.pinned(MASTER_PUB));
    MasterHandshake.Accepted accepted = accept(m);
    Session minionEnd = ((Welcomed) m.finish(MessageType.WELCOME, accepted.body())).session();
    Session masterEnd = accepted.session();

    byte[] first = minionEnd.seal(MessageType.REQUEST, "one".getBytes(UTF_8));
    byte[] second = minionEnd.seal(MessageType.REQUEST, "two".getBytes(UTF_8));
    assertThatThrownBy(() -> masterEnd.open(MessageType.REQUEST, second))
        .isInstanceOf(DecryptionFailedException.class);
    assertThatThrownBy(() -> masterEnd.open(MessageType.REPLY, first))
        .isInstanceOf(DecryptionFailedException.class);
    assertThat(masterEnd.open(MessageType.REQUEST, first)).isEqualTo("one".getBytes(UTF_8));
    assertThatThrownBy(() -> masterEnd.open(MessageType.REQUEST, first))
        .isInstanceOf(DecryptionFailedException.class);
    // A message reflected back to its sender does not open either.
    byte[] reply = masterEnd.seal(MessageType.REPLY, "r".getBytes(UTF_8));
    assertThatThrownBy(() -> masterEnd.open(MessageType.REPLY, reply))
        .isInstanceOf(DecryptionFailedException.class);
  }

  @Test
  void finish_calledTwice_isRefused() throws Exception {
    MinionHandshake m = minion(MasterTrust.firstContact());
    byte[] welcome = accept(m).body();
    m.finish(MessageType.WELCOME, welcome);
    assertThatThrownBy(() -> m.finish(MessageType.WELCOME, welcome))
        .isInstanceOf(IllegalStateException.class);
  }

  // ---- answers that must be refused

  @Test
  void replayedWelcome_forAnotherHello_isRefused() throws Exception {
    byte[] old = accept(minion(MasterTrust.pinned(MASTER_PUB))).body();
    MinionHandshake m = minion(MasterTrust.pinned(MASTER_PUB));
    assertThatThrownBy(() -> m.finish(MessageType.WELCOME, old))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("nonce mismatch");
  }

  @Test
  void welcome_fromAnotherMasterKey_whenPinned_isRefusedWithTheClearLine() throws Exception {
    MinionHandshake m = minion(MasterTrust.pinned(MASTER_PUB));
    // A master that never rotated its key refuses a token it cannot open, as before §2.8 ...
    assertThatThrownBy(
            () ->
                MasterHandshake.create(TestKeys.OTHER_MASTER)
                    .welcome(Hello.parse(m.hello()), MINION_PUB, publishKey))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("pinned another master key");
    // ... one whose key rotated (the pin may be a key destroyed since) signs, as on first contact
    MasterHandshake other = MasterHandshake.create(TestKeys.OTHER_MASTER, List.of(), true);
    MasterHandshake.Accepted accepted =
        other.welcome(Hello.parse(m.hello()), MINION_PUB, publishKey);
    assertThat(accepted.tokenKey()).isEqualTo(MasterHandshake.TokenKey.UNOPENED);
    assertThat(JSON.readTree(accepted.body()).get("auth").has("sig")).isTrue();
    // ... and the minion refuses its key with the line that says what to do.
    String other_ = Fingerprints.salt((RSAPublicKey) TestKeys.OTHER_MASTER.getPublic());
    assertThatThrownBy(() -> m.finish(MessageType.WELCOME, accepted.body()))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("the master now presents key " + other_)
        .hasMessageContaining("its pinned key " + Fingerprints.salt(MASTER_PUB))
        .hasMessageContaining("set master_finger: " + other_)
        .hasMessageContaining("delete minion_master.pub");
  }

  @Test
  void welcome_withWrongMasterFinger_isRefused() throws Exception {
    String wrong = Fingerprints.salt((RSAPublicKey) TestKeys.OTHER_MASTER.getPublic());
    MinionHandshake m = minion(MasterTrust.finger(wrong));
    byte[] welcome = accept(m).body();
    assertThatThrownBy(() -> m.finish(MessageType.WELCOME, welcome))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("does not match master_finger");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "master_pub", "nonce", "eph", "session_key", "keys", "epoch", "auth"
      })
  void welcome_withAnyFieldTampered_isRefused(String field) throws Exception {
    for (MasterTrust trust : List.of(MasterTrust.firstContact(), MasterTrust.pinned(MASTER_PUB))) {
      MinionHandshake m = minion(trust);
      ObjectNode body = (ObjectNode) JSON.readTree(accept(m).body());
      switch (field) {
        case "master_pub" -> body.put(field, TestKeys.pem(TestKeys.OTHER_MASTER.getPublic()));
        case "epoch" -> body.put(field, body.get(field).intValue() + 1);
        case "auth" -> {
          ObjectNode auth = (ObjectNode) body.get(field);
          String name = auth.fieldNames().next();
          auth.put(name, flipBit(auth.get(name).textValue()));
        }
        default -> body.put(field, flipBit(body.get(field).textValue()));
      }
      byte[] tampered = JSON.writeValueAsBytes(body);
      assertThatThrownBy(() -> m.finish(MessageType.WELCOME, tampered))
          .as("%s with %s", field, trust)
          .isInstanceOf(ProtocolException.class);
    }
  }

  @Test
  void welcome_returningAnotherToken_isRefused() throws Exception {
    MinionHandshake m = minion(MasterTrust.pinned(MASTER_PUB));
    Hello hello = Hello.parse(m.hello());
    // A master that knows the real token (it can MAC) but returns another one.
    byte[] welcome = forgedWelcome(hello, SecretBytes.random(32, new SecureRandom()), false);

    assertThatThrownBy(() -> m.finish(MessageType.WELCOME, welcome))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("WELCOME returns a token other than the one this minion sent");
  }

  @Test
  void welcome_returningNoToken_isRefused() throws Exception {
    MinionHandshake m = minion(MasterTrust.pinned(MASTER_PUB));
    byte[] welcome = forgedWelcome(Hello.parse(m.hello()), null, false);

    assertThatThrownBy(() -> m.finish(MessageType.WELCOME, welcome))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("WELCOME does not return the token this minion sent");
  }

  @Test
  void welcome_withKeysSealedForAnotherHandshake_isRefused() throws Exception {
    MinionHandshake m = minion(MasterTrust.pinned(MASTER_PUB));
    Hello hello = Hello.parse(m.hello());
    SecretBytes realToken =
        RsaOaepDecrypter.create((RSAPrivateCrtKey) TestKeys.MASTER.getPrivate())
            .unwrap(hello.token());
    byte[] welcome = forgedWelcome(hello, realToken, true);

    assertThatThrownBy(() -> m.finish(MessageType.WELCOME, welcome))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("WELCOME keys do not decrypt");
  }

  /**
   * A WELCOME made here step by step, as a master that holds the real token would make it (so the
   * MAC verifies), returning {@code returned} as the token (null: none), its keys sealed under the
   * right key or, with {@code wrongKeysKey}, under an unrelated one.
   */
  private byte[] forgedWelcome(Hello hello, SecretBytes returned, boolean wrongKeysKey)
      throws Exception {
    SecretBytes realToken =
        RsaOaepDecrypter.create((RSAPrivateCrtKey) TestKeys.MASTER.getPrivate())
            .unwrap(hello.token());
    X25519KeyPair eph = X25519KeyPair.generate();
    SecretBytes random = SecretBytes.random(32, new SecureRandom());
    byte[] sessionWrapped = RsaOaepEncrypter.create(MINION_PUB).wrap(random);
    Derivation.WelcomeKeys derived =
        Derivation.welcomeKeys(random, eph.agree(hello.eph()), hello.nonce(), ID);
    AesGcmKey keysKey = wrongKeysKey ? AesGcmKey.generate() : derived.keys();
    byte[] keys = SealedKeys.seal(keysKey, publishKey.key().secret(), returned);
    byte[] transcript =
        new Transcript(hello.body(), MessageType.WELCOME)
            .field(TestKeys.pem(MASTER_PUB))
            .field(hello.nonce())
            .field(eph.publicKey())
            .field(sessionWrapped)
            .field(keys)
            .field(publishKey.epoch())
            .digest();
    ObjectNode body = JSON.createObjectNode();
    body.put("master_pub", TestKeys.pem(MASTER_PUB));
    body.put("nonce", Base64.getEncoder().encodeToString(hello.nonce()));
    body.put("eph", Base64.getEncoder().encodeToString(eph.publicKey()));
    body.put("session_key", Base64.getEncoder().encodeToString(sessionWrapped));
    body.put("keys", Base64.getEncoder().encodeToString(keys));
    body.put("epoch", publishKey.epoch());
    body.putObject("auth")
        .put(
            "mac",
            Base64.getEncoder()
                .encodeToString(Derivation.replyMac(realToken, hello.nonce(), transcript)));
    return JSON.writeValueAsBytes(body);
  }

  @Test
  void impostor_withOwnKeyForAcceptedId_getsDeniedAndCannotUnwrapAWelcome() throws Exception {
    MinionHandshake impostor =
        MinionHandshake.start(ID, TestKeys.IMPOSTOR, MasterTrust.pinned(MASTER_PUB));
    Hello hello = Hello.parse(impostor.hello());
    assertThat(hello.publicKey().getModulus()).isNotEqualTo(MINION_PUB.getModulus());

    // What the master does: the presented key differs from minions/<id>, so DENIED.
    Outcome o =
        impostor.finish(
            MessageType.DENIED, master.refuse(hello, MessageType.DENIED, "key differs"));
    assertThat(o).isEqualTo(new Refused(MessageType.DENIED, "key differs", true));

    // A master that wrongly answers WELCOME still wraps to the accepted key: useless to the
    // impostor.
    for (MasterTrust trust : List.of(MasterTrust.firstContact(), MasterTrust.pinned(MASTER_PUB))) {
      MinionHandshake again = MinionHandshake.start(ID, TestKeys.IMPOSTOR, trust);
      byte[] welcome = master.welcome(Hello.parse(again.hello()), MINION_PUB, publishKey).body();
      assertThatThrownBy(() -> again.finish(MessageType.WELCOME, welcome))
          .isInstanceOf(ProtocolException.class)
          .hasMessageContaining("is not encrypted to this minion's key");
    }
  }

  @Test
  void hello_withLowOrderEphemeralKey_isRefusedByMaster() throws Exception {
    ObjectNode hello = (ObjectNode) JSON.readTree(minion(MasterTrust.firstContact()).hello());
    hello.put("eph", Base64.getEncoder().encodeToString(new byte[32]));
    Hello parsed = Hello.parse(JSON.writeValueAsBytes(hello));
    assertThatThrownBy(() -> master.welcome(parsed, MINION_PUB, publishKey))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("X25519");
  }

  // ---- refusals

  @Test
  void pending_firstContact_isSignedAndAccepted() throws Exception {
    MinionHandshake m = minion(MasterTrust.firstContact());
    byte[] body = master.refuse(Hello.parse(m.hello()), MessageType.PENDING, "awaiting operator");
    assertThat(JSON.readTree(body).get("auth").has("sig")).isTrue();
    assertThat(m.finish(MessageType.PENDING, body))
        .isEqualTo(new Refused(MessageType.PENDING, "awaiting operator", true));
  }

  @Test
  void rejected_pinned_isMacedAndAccepted() throws Exception {
    MinionHandshake m = minion(MasterTrust.pinned(MASTER_PUB));
    byte[] body = master.refuse(Hello.parse(m.hello()), MessageType.REJECTED, "rejected");
    assertThat(JSON.readTree(body).get("auth").has("mac")).isTrue();
    assertThat(m.finish(MessageType.REJECTED, body))
        .isEqualTo(new Refused(MessageType.REJECTED, "rejected", true));
  }

  @Test
  void refusal_withTamperedReasonOrType_isRefused() throws Exception {
    MinionHandshake m = minion(MasterTrust.pinned(MASTER_PUB));
    byte[] body = master.refuse(Hello.parse(m.hello()), MessageType.PENDING, "wait");
    ObjectNode tampered = (ObjectNode) JSON.readTree(body);
    tampered.put("reason", "go away");
    assertThatThrownBy(() -> m.finish(MessageType.PENDING, JSON.writeValueAsBytes(tampered)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("MAC does not verify");

    MinionHandshake m2 = minion(MasterTrust.firstContact());
    byte[] pending = master.refuse(Hello.parse(m2.hello()), MessageType.PENDING, "wait");
    assertThatThrownBy(() -> m2.finish(MessageType.REJECTED, pending))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("signature does not verify");
  }

  @Test
  void sealed_isUnauthenticatedButMustEchoTheNonce() throws Exception {
    MinionHandshake m = minion(MasterTrust.pinned(MASTER_PUB));
    Hello hello = Hello.parse(m.hello());
    assertThat(m.finish(MessageType.SEALED, MasterHandshake.sealed(hello, "vault sealed")))
        .isEqualTo(new Refused(MessageType.SEALED, "vault sealed", false));

    MinionHandshake other = minion(MasterTrust.pinned(MASTER_PUB));
    assertThatThrownBy(
            () -> other.finish(MessageType.SEALED, MasterHandshake.sealed(hello, "vault sealed")))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("nonce mismatch");
  }

  @Test
  void sessionTrafficDuringHandshake_isRefused() throws Exception {
    MinionHandshake m = minion(MasterTrust.firstContact());
    assertThatThrownBy(() -> m.finish(MessageType.REPLY, new byte[0]))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("REPLY from the master during the handshake");
  }

  // ---- helpers

  private static void assertRoundTrips(Session minionEnd, Session masterEnd) throws Exception {
    for (int i = 0; i < 3; i++) {
      byte[] request = ("request " + i).getBytes(UTF_8);
      assertThat(masterEnd.open(MessageType.REQUEST, minionEnd.seal(MessageType.REQUEST, request)))
          .isEqualTo(request);
      byte[] reply = ("reply " + i).getBytes(UTF_8);
      assertThat(minionEnd.open(MessageType.REPLY, masterEnd.seal(MessageType.REPLY, reply)))
          .isEqualTo(reply);
    }
  }

  private static void assertSameKey(PublishKey a, PublishKey b) {
    assertThat(a.epoch()).isEqualTo(b.epoch());
    assertThat(a.key().secret().copyOut(SecretAccess.INSECURE))
        .isEqualTo(b.key().secret().copyOut(SecretAccess.INSECURE));
  }

  private static String flipBit(String base64) {
    byte[] b = Base64.getDecoder().decode(base64);
    b[b.length / 2] ^= 0x01;
    return Base64.getEncoder().encodeToString(b);
  }

  private static byte[] b64(ObjectNode o, String field) {
    return Base64.getDecoder().decode(o.get(field).textValue());
  }
}
