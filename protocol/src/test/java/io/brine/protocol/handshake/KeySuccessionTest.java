package io.brine.protocol.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.agreement.X25519KeyPair;
import io.brine.crypto.rsa.RsaOaepEncrypter;
import io.brine.crypto.rsa.Pem;
import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.handshake.MasterHandshake.RetainedKey;
import io.brine.protocol.handshake.MasterHandshake.TokenKey;
import io.brine.protocol.handshake.MinionHandshake.Refused;
import io.brine.protocol.handshake.MinionHandshake.Welcomed;
import io.brine.protocol.publish.PublishKey;
import io.brine.protocol.wire.MessageType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The master key's succession statements, their chains, and handshakes across a rotation. */
class KeySuccessionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MinionId ID = MinionId.of("web1");
  private static final KeyPair A = TestKeys.MASTER;
  private static final KeyPair B = TestKeys.MASTER_B;
  private static final KeyPair C = TestKeys.MASTER_C;
  private static final RSAPublicKey MINION_PUB = (RSAPublicKey) TestKeys.MINION.getPublic();
  private static final long GRACE_END = 1_900_000_000L;

  private static RSAPublicKey pub(KeyPair k) {
    return (RSAPublicKey) k.getPublic();
  }

  // ---- the statement

  @Test
  void signedBytes_areTheDocumentedLayout() throws Exception {
    KeySuccession s = KeySuccession.sign(A, pub(B), 1, GRACE_END);
    byte[] a = pub(A).getEncoded();
    byte[] b = pub(B).getEncoded();
    byte[] label = "brine v1 master key succession".getBytes(StandardCharsets.US_ASCII);
    ByteBuffer expected =
        ByteBuffer.allocate(label.length + 4 + a.length + 4 + b.length + 12)
            .put(label)
            .putInt(a.length)
            .put(a)
            .putInt(b.length)
            .put(b)
            .putInt(1)
            .putLong(GRACE_END);
    assertThat(s.signedBytes()).isEqualTo(expected.array());
  }

  @Test
  void statement_roundTripsThroughJson_andVerifies() throws Exception {
    KeySuccession s = KeySuccession.sign(A, pub(B), 1, GRACE_END);
    KeySuccession read = KeySuccession.parse(s.toJson());
    read.verify();
    assertThat(read.epoch()).isEqualTo(1);
    assertThat(read.graceEnd()).isEqualTo(GRACE_END);
    assertThat(KeySuccession.sameKey(read.predecessor(), pub(A))).isTrue();
    assertThat(KeySuccession.sameKey(read.successor(), pub(B))).isTrue();
    ObjectNode o = (ObjectNode) JSON.readTree(s.toJson());
    assertThat(o.fieldNames()).toIterable()
        .containsExactlyInAnyOrder("prev", "next", "epoch", "grace_end", "sig");
  }

  @Test
  void statement_withUnknownFieldOrBadEpoch_isRefused() throws Exception {
    ObjectNode o = (ObjectNode) JSON.readTree(KeySuccession.sign(A, pub(B), 1, GRACE_END).toJson());
    o.put("extra", 1);
    assertThatThrownBy(() -> KeySuccession.parse(JSON.writeValueAsBytes(o)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("unknown field 'extra'");
    o.remove("extra");
    o.put("epoch", 0);
    assertThatThrownBy(() -> KeySuccession.parse(JSON.writeValueAsBytes(o)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("epoch >= 1");
  }

  @Test
  void statement_signedByAnotherKey_isForged() throws Exception {
    // The impostor signs "B follows A" with its own key, then claims A signed it.
    KeySuccession byImpostor = KeySuccession.sign(TestKeys.IMPOSTOR, pub(B), 1, GRACE_END);
    ObjectNode o = (ObjectNode) JSON.readTree(byImpostor.toJson());
    o.put("prev", Pem.writePublicKey(pub(A)));
    KeySuccession forged = KeySuccession.parse(JSON.writeValueAsBytes(o));
    assertThatThrownBy(forged::verify)
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("forged signature");
    assertThatThrownBy(() -> KeySuccession.verifyChain(List.of(forged), pub(A), pub(B)))
        .hasMessageContaining("forged signature");
  }

  @Test
  void statement_withAlteredGraceEnd_isForged() throws Exception {
    ObjectNode o = (ObjectNode) JSON.readTree(KeySuccession.sign(A, pub(B), 1, GRACE_END).toJson());
    o.put("grace_end", GRACE_END + 1);
    KeySuccession altered = KeySuccession.parse(JSON.writeValueAsBytes(o));
    assertThatThrownBy(altered::verify).hasMessageContaining("forged signature");
  }

  // ---- chains

  @Test
  void chainOfTwo_fromThePin_toThePresentedKey_verifies() throws Exception {
    KeySuccession ab = KeySuccession.sign(A, pub(B), 1, GRACE_END);
    KeySuccession bc = KeySuccession.sign(B, pub(C), 2, GRACE_END + 10);
    KeySuccession.verifyChain(List.of(ab, bc), pub(A), pub(C));
    KeySuccession.verifyChain(List.of(bc), pub(B), pub(C));
  }

  @Test
  void chain_withWrongEpoch_isRefused() throws Exception {
    KeySuccession ab = KeySuccession.sign(A, pub(B), 1, GRACE_END);
    KeySuccession bc = KeySuccession.sign(B, pub(C), 3, GRACE_END);
    assertThatThrownBy(() -> KeySuccession.verifyChain(List.of(ab, bc), pub(A), pub(C)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("wrong epoch: 3 follows 1");
  }

  @Test
  void replayedOldStatement_doesNotEndAtThePresentedKey() throws Exception {
    // A minion pinned to A, a master now on C, and only the old A -> B statement replayed.
    KeySuccession ab = KeySuccession.sign(A, pub(B), 1, GRACE_END);
    assertThatThrownBy(() -> KeySuccession.verifyChain(List.of(ab), pub(A), pub(C)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("ends at")
        .hasMessageContaining("not at the key it presents");
  }

  @Test
  void chain_notStartingAtThePin_isRefused() throws Exception {
    KeySuccession bc = KeySuccession.sign(B, pub(C), 2, GRACE_END);
    assertThatThrownBy(() -> KeySuccession.verifyChain(List.of(bc), pub(A), pub(C)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("not at the pinned key");
  }

  @Test
  void brokenOrEmptyOrLongChain_isRefused() throws Exception {
    KeySuccession ab = KeySuccession.sign(A, pub(B), 1, GRACE_END);
    KeySuccession ac = KeySuccession.sign(A, pub(C), 2, GRACE_END);
    assertThatThrownBy(() -> KeySuccession.verifyChain(List.of(ab, ac), pub(A), pub(C)))
        .hasMessageContaining("broken at epoch 2");
    assertThatThrownBy(() -> KeySuccession.verifyChain(List.of(), pub(A), pub(A)))
        .hasMessageContaining("0 statements");
    List<KeySuccession> nine = java.util.Collections.nCopies(9, ab);
    assertThatThrownBy(() -> KeySuccession.verifyChain(nine, pub(A), pub(B)))
        .hasMessageContaining("9 statements");
  }

  // ---- handshakes across a rotation

  private static PublishKey publishKey() {
    return new PublishKey(3, AesGcmKey.generate());
  }

  @Test
  void minionPinnedToRetainedKey_isWelcomedWithTheChain_andTheTranscriptCoversIt()
      throws Exception {
    KeySuccession ab = KeySuccession.sign(A, pub(B), 1, GRACE_END);
    MasterHandshake master =
        MasterHandshake.create(B, List.of(new RetainedKey(A, List.of(ab))), true);
    MinionHandshake m = MinionHandshake.start(ID, TestKeys.MINION, MasterTrust.pinned(pub(A)));
    MasterHandshake.Accepted accepted = master.welcome(Hello.parse(m.hello()), MINION_PUB,
        publishKey());
    assertThat(accepted.tokenKey()).isEqualTo(TokenKey.RETAINED);
    ObjectNode body = (ObjectNode) JSON.readTree(accepted.body());
    assertThat(body.get("key_chain")).hasSize(1);
    assertThat(body.get("auth").has("mac")).as("the token opened with A: MACed").isTrue();

    Welcomed w = (Welcomed) m.finish(MessageType.WELCOME, accepted.body());
    assertThat(KeySuccession.sameKey(w.masterKey(), pub(B))).isTrue();
    assertThat(w.lastStatement().epoch()).isEqualTo(1);
    assertThat(w.firstContact()).isFalse();

    // The re-pin handshake: a token to B, no chain.
    MinionHandshake again = MinionHandshake.start(ID, TestKeys.MINION, MasterTrust.pinned(pub(B)));
    MasterHandshake.Accepted second =
        master.welcome(Hello.parse(again.hello()), MINION_PUB, publishKey());
    assertThat(second.tokenKey()).isEqualTo(TokenKey.CURRENT);
    assertThat(JSON.readTree(second.body()).has("key_chain")).isFalse();
    Welcomed w2 = (Welcomed) again.finish(MessageType.WELCOME, second.body());
    assertThat(w2.keyChain()).isEmpty();
  }

  @Test
  void transcriptWithoutChain_isTheOneOfBefore_andWithChainAppendsOneField() throws Exception {
    KeySuccession ab = KeySuccession.sign(A, pub(B), 1, GRACE_END);
    MasterHandshake current = MasterHandshake.create(A);
    MasterHandshake rotated =
        MasterHandshake.create(B, List.of(new RetainedKey(A, List.of(ab))), true);
    for (MasterHandshake master : List.of(current, rotated)) {
      SecretBytes token = SecretBytes.random(MinionHandshake.TOKEN_BYTES, new SecureRandom());
      byte[] nonce = new byte[32];
      new SecureRandom().nextBytes(nonce);
      byte[] helloBody =
          Hello.write(
              ID,
              Pem.writePublicKey(MINION_PUB),
              nonce,
              X25519KeyPair.generate().publicKey(),
              RsaOaepEncrypter.create(pub(A)).wrap(token),
              false);
      ObjectNode body =
          (ObjectNode)
              JSON.readTree(
                  master.welcome(Hello.parse(helloBody), MINION_PUB, publishKey()).body());
      Transcript expected =
          new Transcript(helloBody, MessageType.WELCOME)
              .field(body.get("master_pub").textValue())
              .field(nonce)
              .field(b64(body, "eph"))
              .field(b64(body, "session_key"))
              .field(b64(body, "keys"))
              .field(body.get("epoch").intValue());
      if (master == rotated) {
        assertThat(body.has("key_chain")).isTrue();
        expected.field(KeySuccession.canonical(List.of(ab)));
      } else {
        assertThat(body.has("key_chain")).isFalse();
      }
      byte[] tag = Base64.getDecoder().decode(body.get("auth").get("mac").textValue());
      Derivation.verifyReplyMac(token, nonce, tag, expected.digest()); // throws if not
    }
  }

  @Test
  void chainRemovedOrReplaced_failsTheMac() throws Exception {
    KeySuccession ab = KeySuccession.sign(A, pub(B), 1, GRACE_END);
    KeySuccession ab2 = KeySuccession.sign(A, pub(B), 1, GRACE_END + 5);
    MasterHandshake master =
        MasterHandshake.create(B, List.of(new RetainedKey(A, List.of(ab))), true);

    MinionHandshake m = MinionHandshake.start(ID, TestKeys.MINION, MasterTrust.pinned(pub(A)));
    ObjectNode body =
        (ObjectNode)
            JSON.readTree(master.welcome(Hello.parse(m.hello()), MINION_PUB, publishKey()).body());
    // Another valid statement for the same keys: verifies, but is not what the master answered.
    ArrayNode swapped = JSON.createArrayNode().add(JSON.readTree(ab2.toJson()));
    body.set("key_chain", swapped);
    assertThatThrownBy(() -> m.finish(MessageType.WELCOME, JSON.writeValueAsBytes(body)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("MAC does not verify");

    MinionHandshake m2 = MinionHandshake.start(ID, TestKeys.MINION, MasterTrust.pinned(pub(A)));
    ObjectNode body2 =
        (ObjectNode)
            JSON.readTree(master.welcome(Hello.parse(m2.hello()), MINION_PUB, publishKey()).body());
    body2.remove("key_chain");
    assertThatThrownBy(() -> m2.finish(MessageType.WELCOME, JSON.writeValueAsBytes(body2)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("cannot verify");
  }

  @Test
  void minionTwoRotationsBehind_followsAtoBtoC() throws Exception {
    KeySuccession ab = KeySuccession.sign(A, pub(B), 1, GRACE_END);
    KeySuccession bc = KeySuccession.sign(B, pub(C), 2, GRACE_END + 10);
    MasterHandshake master =
        MasterHandshake.create(
            C, List.of(new RetainedKey(B, List.of(bc)), new RetainedKey(A, List.of(ab, bc))), true);
    MinionHandshake m = MinionHandshake.start(ID, TestKeys.MINION, MasterTrust.pinned(pub(A)));
    Welcomed w =
        (Welcomed)
            m.finish(
                MessageType.WELCOME,
                master.welcome(Hello.parse(m.hello()), MINION_PUB, publishKey()).body());
    assertThat(w.keyChain()).hasSize(2);
    assertThat(KeySuccession.sameKey(w.masterKey(), pub(C))).isTrue();
  }

  @Test
  void refusal_toAMinionPinnedToARetainedKey_carriesTheChainToo() throws Exception {
    KeySuccession ab = KeySuccession.sign(A, pub(B), 1, GRACE_END);
    MasterHandshake master =
        MasterHandshake.create(B, List.of(new RetainedKey(A, List.of(ab))), true);
    MinionHandshake m = MinionHandshake.start(ID, TestKeys.MINION, MasterTrust.pinned(pub(A)));
    byte[] pending = master.refuse(Hello.parse(m.hello()), MessageType.PENDING, "wait");
    assertThat(JSON.readTree(pending).get("key_chain")).hasSize(1);
    Refused r = (Refused) m.finish(MessageType.PENDING, pending);
    assertThat(r.authenticated()).isTrue();
  }

  @Test
  void forgedChainInAWelcome_isRefused() throws Exception {
    // A master (or a man in the middle) that holds A's token key cannot make a chain to a key A
    // never vouched for: the impostor's statement does not verify under A.
    KeySuccession byImpostor = KeySuccession.sign(TestKeys.IMPOSTOR, pub(B), 1, GRACE_END);
    ObjectNode forged = (ObjectNode) JSON.readTree(byImpostor.toJson());
    forged.put("prev", Pem.writePublicKey(pub(A)));
    KeySuccession ab = KeySuccession.sign(A, pub(B), 1, GRACE_END);
    MasterHandshake master =
        MasterHandshake.create(B, List.of(new RetainedKey(A, List.of(ab))), true);
    MinionHandshake m = MinionHandshake.start(ID, TestKeys.MINION, MasterTrust.pinned(pub(A)));
    ObjectNode body =
        (ObjectNode)
            JSON.readTree(master.welcome(Hello.parse(m.hello()), MINION_PUB, publishKey()).body());
    body.set("key_chain", JSON.createArrayNode().add(forged));
    assertThatThrownBy(() -> m.finish(MessageType.WELCOME, JSON.writeValueAsBytes(body)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("forged signature");
  }

  @Test
  void retainedKey_whoseChainDoesNotEndAtTheCurrentKey_isRefusedByTheMaster() throws Exception {
    KeySuccession ab = KeySuccession.sign(A, pub(B), 1, GRACE_END);
    assertThatThrownBy(
            () -> MasterHandshake.create(C, List.of(new RetainedKey(A, List.of(ab))), true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] b64(ObjectNode o, String field) {
    return Base64.getDecoder().decode(o.get(field).textValue());
  }
}
