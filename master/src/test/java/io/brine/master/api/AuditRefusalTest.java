package io.brine.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.common.log.LogLines;
import io.brine.master.testing.ApiClient;
import io.brine.master.testing.TestMaster;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With an audit device that cannot write (a full disk, a deleted file), a real master refuses
 * requests with 500 and carries none of them out; each cause is one log line.
 */
class AuditRefusalTest {
  private static final String POLICY = "path \"brine/keys\" { capabilities = [\"read\"] }";

  @TempDir Path dir;

  private TestMaster.Started master;
  private Path mount;

  @AfterEach
  void stop() throws Exception {
    if (master != null) {
      master.daemon().close();
    }
    if (mount != null) {
      new ProcessBuilder("umount", mount.toString()).start().waitFor();
    }
  }

  /** The file device logs its failures; it is package-private to the audit package. */
  private static Class<?> deviceClass() throws ClassNotFoundException {
    return Class.forName("io.brine.master.audit.FileAuditDevice");
  }

  private String start(Path file) throws Exception {
    master =
        TestMaster.start(
            TestMaster.write(
                dir,
                "  audit:\n"
                    + "    - type: file\n"
                    + "      options: {file_path: " + file + "}\n"));
    return master.initAndUnseal();
  }

  private ApiClient.Reply writePolicy(String name, String token) throws Exception {
    return master.client().send("POST", "/v1/sys/policies/acl/" + name,
        ApiClient.toJson(Map.of("policy", POLICY)), "X-Vault-Token", token);
  }

  /** Writes filler until the file system says it is full. */
  private static void fill(Path filler) throws IOException {
    byte[] block = new byte[4096];
    try (OutputStream out = Files.newOutputStream(filler)) {
      for (int i = 0; i < 10_000; i++) { // 40 MB at most; the tmpfs holds 64 KB
        out.write(block);
        out.flush();
      }
    } catch (IOException full) {
      return;
    }
    throw new AssertionError("the tmpfs never filled up");
  }

  private void assertRefusedAndNotCarriedOut(String token, String policy) throws Exception {
    int epoch = master.daemon().publishKeys().current().epoch();
    ApiClient.Reply write = writePolicy(policy, token);
    assertThat(write.status()).isEqualTo(500);
    assertThat(write.json().path("errors").size()).isEqualTo(1);
    assertThat(write.error()).isEqualTo(OperatorApi.AUDIT_FAILED);
    ApiClient.Reply rotate = master.client().send("POST", "/v1/brine/keys/rotate", "{}",
        "X-Vault-Token", token);
    assertThat(rotate.status()).isEqualTo(500);
    assertThat(rotate.error()).isEqualTo(OperatorApi.AUDIT_FAILED);
    assertThat(master.daemon().publishKeys().current().epoch()).isEqualTo(epoch);
    assertThat(master.daemon().vault().policies().get(policy)).isEmpty();
  }

  @Test
  void fullDisk_refusesWith500_andCarriesNothingOut() throws Exception {
    mount = dir.resolve("small");
    Files.createDirectories(mount);
    Process p =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount.toString())
            .redirectErrorStream(true)
            .start();
    if (p.waitFor() != 0) {
      mount = null;
      Assumptions.abort("mounting a tmpfs needs root (AuditBrokerTest covers /dev/full)");
    }
    Path file = mount.resolve("audit.log");
    String token = start(file);
    assertThat(writePolicy("before", token).status()).isEqualTo(204);

    try (LogLines logs = LogLines.of(deviceClass())) {
      fill(mount.resolve("filler"));
      // The file's last page may still hold an entry or two; then every request is refused.
      int refused = 0;
      for (int i = 0; i < 50 && refused == 0; i++) {
        if (master.client().get("/v1/sys/key-status", token).status() == 500) {
          refused++;
        }
      }
      assertThat(refused).as("a request refused once the disk is full").isEqualTo(1);
      assertRefusedAndNotCarriedOut(token, "x");
      assertRefusedAndNotCarriedOut(token, "y");
      assertThat(logs.containing("cannot write the audit file")).hasSize(1);
      assertThat(logs.containing("cannot write the audit file").get(0))
          .startsWith("WARN audit device file/: cannot write the audit file; entries are refused");

      // Space again, and the file reopened (as SIGHUP does): the refused writes never happened.
      Files.delete(mount.resolve("filler"));
      master.daemon().reopenAuditDevices();
      ApiClient.Reply read = master.client().get("/v1/sys/policies/acl/x", token);
      assertThat(read.status()).isEqualTo(404);
      assertThat(master.client().get("/v1/sys/policies/acl/before", token).status()).isEqualTo(200);
    }
  }

  @Test
  void deletedAuditFile_refusesWith500_andCarriesNothingOut() throws Exception {
    Path file = dir.resolve("audit/audit.log");
    String token = start(file);
    try (LogLines logs = LogLines.of(deviceClass())) {
      Files.delete(file);
      assertRefusedAndNotCarriedOut(token, "x");
      assertRefusedAndNotCarriedOut(token, "y");
      assertThat(logs.containing("the audit file was deleted or replaced")).hasSize(1);
      assertThat(file).doesNotExist();
    }
  }
}
