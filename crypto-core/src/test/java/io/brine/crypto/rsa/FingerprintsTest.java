package io.brine.crypto.rsa;

import static io.brine.crypto.rsa.TestKeys.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Expected values were computed by shell tools, independently of brine (pem/README.md). */
class FingerprintsTest {

  @Test
  void salt_ofSpkiFile_matchesSaltKeyF() {
    assertThat(Fingerprints.salt(fixture("salt-minion-spki.pub")))
        .isEqualTo(
            "e6:64:f8:c5:00:2e:8c:12:30:7a:38:80:95:e4:1d:9d:"
                + "00:1f:fa:16:c5:37:43:89:c2:2a:95:72:d5:dd:0e:9e");
  }

  @Test
  void salt_ofPkcs1File_hashesItsOwnBodyLines() {
    assertThat(Fingerprints.salt(fixture("salt-minion-pkcs1.pub")))
        .isEqualTo(
            "0f:54:97:93:63:38:4b:7d:94:d8:f1:03:ec:5b:b1:f7:"
                + "00:17:87:6f:20:70:5b:a2:c8:f0:a4:a1:5d:7d:03:9c");
  }

  @Test
  void salt_ofKeyObject_equalsSaltOfTheFileBrineWrites() throws Exception {
    var key = Pem.readPublicKey(fixture("salt-minion-spki.pub"));
    assertThat(Fingerprints.salt(key)).isEqualTo(Fingerprints.salt(fixture("salt-minion-spki.pub")));
  }

  @Test
  void salt_ignoresBlankLines_butNotLineTerminators() {
    String pem = fixture("salt-minion-spki.pub");
    assertThat(Fingerprints.salt("\n" + pem.replace("\n-----END", "\n\n-----END") + "\n\n"))
        .isEqualTo(Fingerprints.salt(pem));
    // Salt keeps the terminators it read, so a CRLF file has another fingerprint, as in Salt.
    assertThat(Fingerprints.salt(pem.replace("\n", "\r\n"))).isNotEqualTo(Fingerprints.salt(pem));
  }

  @Test
  void sha256Der_matchesOpenSslDigestOfDer() throws Exception {
    var key = Pem.readPublicKey(fixture("salt-minion-spki.pub"));
    assertThat(Fingerprints.sha256Der(key))
        .isEqualTo(
            "73:c0:1d:62:b7:8b:b5:36:ac:a1:03:24:cf:98:db:fe:"
                + "17:cf:19:4a:79:28:7f:8a:a3:a0:9b:f5:47:81:cd:64");
  }
}
