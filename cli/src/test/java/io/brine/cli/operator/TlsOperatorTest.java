package io.brine.cli.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.cli.ExitCodes;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.MasterProcess;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An https master with a self-signed certificate (made by the JDK's keytool): the CLI trusts it
 * only when told to with --tls-ca or BRINE_CACERT, and never skips verification.
 */
class TlsOperatorTest {
  private static final char[] STORE_PASSWORD = "test-only".toCharArray();

  @TempDir Path dir;

  private final Cli cli = new Cli();
  private MasterProcess master;
  private Path certificate;

  @BeforeEach
  void startMaster() throws Exception {
    certificate = dir.resolve("api.crt");
    Path key = dir.resolve("api.key");
    selfSignedFor127001(certificate, key);
    master =
        MasterProcess.start(
            dir, "  tls_cert_file: " + certificate + "\n  tls_key_file: " + key + "\n");
  }

  @AfterEach
  void stopMaster() {
    master.close();
  }

  @Test
  void status_overHttps_trustsOnlyTheGivenCa() {
    assertThat(master.address()).startsWith("https://");

    Result withCa =
        cli.run(
            "operator",
            "status",
            "--address",
            master.address(),
            "--tls-ca",
            certificate.toString());
    Result withoutCa = cli.run("operator", "status", "--address", master.address());
    cli.env("BRINE_ADDR", master.address()).env("BRINE_CACERT", certificate.toString());
    Result caFromEnvironment = cli.run("operator", "status");

    assertThat(withCa.exitCode()).as(withCa.toString()).isEqualTo(ExitCodes.SEALED);
    assertThat(Shares.value(withCa, "Initialized")).isEqualTo("false");
    assertThat(withoutCa.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(withoutCa.err().lines()).as(withoutCa.toString()).hasSize(1);
    assertThat(withoutCa.err())
        .startsWith(
            "Error: cannot reach brine master at " + master.address() + ": TLS handshake failed")
        .contains("--tls-ca");
    assertThat(caFromEnvironment.exitCode())
        .as(caFromEnvironment.toString())
        .isEqualTo(ExitCodes.SEALED);
  }

  /** keytool makes the pair; the master takes PEM: the certificate and a PKCS#8 key. */
  private void selfSignedFor127001(Path certificateFile, Path keyFile) throws Exception {
    Path store = dir.resolve("api.p12");
    Process keytool =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair",
                    "-alias",
                    "api",
                    "-keyalg",
                    "RSA",
                    "-keysize",
                    "2048",
                    "-dname",
                    "CN=brine test",
                    "-ext",
                    "san=ip:127.0.0.1",
                    "-validity",
                    "2",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    store.toString(),
                    "-storepass",
                    new String(STORE_PASSWORD)))
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(output).isZero();

    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keyStore.load(in, STORE_PASSWORD);
    }
    Key key = keyStore.getKey("api", STORE_PASSWORD);
    Files.writeString(
        certificateFile, pem("CERTIFICATE", keyStore.getCertificate("api").getEncoded()));
    Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
