package io.brine.master.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.MasterDaemon;
import io.brine.master.config.MasterConfig;
import io.brine.master.testing.ApiClient;
import io.brine.master.testing.ApiClient.Reply;
import io.brine.master.testing.TestMaster;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator API over HTTPS with a self-signed certificate made by the test. */
class TlsOperatorApiTest {
  @TempDir Path dir;

  @Test
  void https_withTheCertTrusted_works_andPlainHttpToTheTlsPortFails() throws Exception {
    X509Certificate cert = selfSigned(dir);
    MasterConfig config =
        TestMaster.write(dir, "  tls_cert_file: api.crt\n  tls_key_file: api.key\n");

    TestMaster.Started started = TestMaster.start(config);
    try (MasterDaemon master = started.daemon()) {
      assertThat(started.stdout()).startsWith("brine master ").contains(" on https://127.0.0.1:");
      assertThat(master.apiUrl()).startsWith("https://");

      Reply r = new ApiClient(master.apiUrl(), trusting(cert)).get("/v1/sys/seal-status");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().get("sealed").asBoolean()).isTrue();

      ApiClient plain = new ApiClient("http://127.0.0.1:" + master.apiPort());
      assertThatThrownBy(() -> plain.get("/v1/sys/seal-status")).isInstanceOf(IOException.class);
      ApiClient untrusting = new ApiClient(master.apiUrl());
      assertThatThrownBy(() -> untrusting.get("/v1/sys/seal-status"))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void start_withAKeyThatIsNotAKey_failsWithOneLine() throws Exception {
    selfSigned(dir);
    Files.writeString(dir.resolve("api.key"), "not a key\n");
    MasterConfig config =
        TestMaster.write(dir, "  tls_cert_file: api.crt\n  tls_key_file: api.key\n");

    assertThatThrownBy(() -> TestMaster.start(config))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot use the TLS certificate ");
  }

  /** Writes api.crt and api.key (PKCS#8) for 127.0.0.1 and localhost into {@code dir}. */
  private static X509Certificate selfSigned(Path dir) throws Exception {
    KeyPair pair = RsaKeys.generate(2048);
    X500Name name = new X500Name("CN=brine test operator API");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name,
            BigInteger.valueOf(now.toEpochMilli()),
            Date.from(now.minus(Duration.ofMinutes(5))),
            Date.from(now.plus(Duration.ofDays(1))),
            name,
            pair.getPublic());
    builder.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(
            new GeneralName[] {
              new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
              new GeneralName(GeneralName.dNSName, "localhost")
            }));
    X509Certificate cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                builder.build(
                    new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
      w.writeObject(cert);
    }
    Files.writeString(dir.resolve("api.crt"), pem.toString());
    Files.write(dir.resolve("api.key"), Pem.writePrivateKey((RSAPrivateCrtKey) pair.getPrivate()));
    return cert;
  }

  private static SSLContext trusting(X509Certificate cert) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("operator-api", cert);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    return tls;
  }
}
