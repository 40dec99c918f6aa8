package io.brine.crypto.aead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.DecryptionFailedException;
import io.brine.crypto.KeyExhaustedException;
import io.brine.crypto.UnderEachProvider;
import io.brine.crypto.aead.SequencedAesGcm.Role;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SequencedAesGcmTest extends UnderEachProvider {
  private static final byte[] AAD = "return|epoch 7|minion web1".getBytes(StandardCharsets.UTF_8);

  private Aead minion;
  private Aead master;

  @BeforeEach
  void session() {
    AesGcmKey key = AesGcmKey.generate();
    minion = SequencedAesGcm.create(key, Role.INITIATOR);
    master = SequencedAesGcm.create(key, Role.RESPONDER);
  }

  @Test
  void bothDirections_roundTripInOrder() throws Exception {
    for (int i = 0; i < 5; i++) {
      byte[] up = ("return " + i).getBytes(StandardCharsets.UTF_8);
      byte[] down = ("ack " + i).getBytes(StandardCharsets.UTF_8);
      assertThat(master.decrypt(minion.encrypt(up, AAD), AAD)).isEqualTo(up);
      assertThat(minion.decrypt(master.encrypt(down, AAD), AAD)).isEqualTo(down);
    }
  }

  @Test
  void ciphertext_carriesOnlyTheTag() throws Exception {
    assertThat(minion.encrypt(new byte[10], AAD)).hasSize(26);
  }

  @Test
  void replayedMessage_isRefused() throws Exception {
    byte[] first = minion.encrypt(new byte[] {1}, AAD);
    master.decrypt(first, AAD);
    assertThatThrownBy(() -> master.decrypt(first, AAD))
        .isInstanceOf(DecryptionFailedException.class);
  }

  @Test
  void reorderedMessages_areRefused_andInOrderStillWorks() throws Exception {
    byte[] first = minion.encrypt(new byte[] {1}, AAD);
    byte[] second = minion.encrypt(new byte[] {2}, AAD);

    assertThatThrownBy(() -> master.decrypt(second, AAD))
        .isInstanceOf(DecryptionFailedException.class);
    // A failed message does not move the expected counter.
    assertThat(master.decrypt(first, AAD)).containsExactly(1);
    assertThat(master.decrypt(second, AAD)).containsExactly(2);
  }

  @Test
  void reflectedMessage_isRefused() throws Exception {
    // A message sent back to its own sender uses the other direction's nonce, so it fails.
    byte[] fromMinion = minion.encrypt(new byte[] {1}, AAD);
    assertThatThrownBy(() -> minion.decrypt(fromMinion, AAD))
        .isInstanceOf(DecryptionFailedException.class);
  }

  @Test
  void directionsNeverShareANonce() throws Exception {
    // Same key, same counter, same plaintext, opposite directions: different ciphertexts.
    byte[] up = minion.encrypt(new byte[16], AAD);
    byte[] down = master.encrypt(new byte[16], AAD);
    assertThat(up).isNotEqualTo(down);
  }

  @Test
  void pastMessageLimit_sendIsRefused() throws Exception {
    Aead limited = SequencedAesGcm.create(AesGcmKey.generate(), Role.INITIATOR, 2);
    limited.encrypt(new byte[] {1}, AAD);
    limited.encrypt(new byte[] {1}, AAD);
    assertThatThrownBy(() -> limited.encrypt(new byte[] {1}, AAD))
        .isInstanceOf(KeyExhaustedException.class)
        .hasMessageContaining("re-key");
  }

  @Test
  void pastMessageLimit_receiveIsRefused() throws Exception {
    AesGcmKey key = AesGcmKey.generate();
    Aead sender = SequencedAesGcm.create(key, Role.INITIATOR);
    Aead receiver = SequencedAesGcm.create(key, Role.RESPONDER, 1);
    receiver.decrypt(sender.encrypt(new byte[] {1}, AAD), AAD);
    byte[] second = sender.encrypt(new byte[] {2}, AAD);
    assertThatThrownBy(() -> receiver.decrypt(second, AAD))
        .isInstanceOf(DecryptionFailedException.class);
  }
}
