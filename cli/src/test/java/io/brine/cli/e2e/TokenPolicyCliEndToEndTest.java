package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.ExitCodes;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.MasterProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 end to end: {@code brine token} and {@code brine policy} exactly as an operator runs
 * them, against a real master in a child JVM, initialized and unsealed, with its root token. Each
 * test makes its own policies and tokens, so the tests do not depend on each other's order.
 */
class TokenPolicyCliEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A job runner limited to test.* on web minions, which may also make child tokens. */
  private static final String WEB_RUNNER =
      "path \"brine/jobs\" {\n"
          + "  capabilities = [\"create\", \"read\", \"list\"]\n"
          + "  allowed_parameters = {\n"
          + "    \"fun\" = [\"test.*\"]\n"
          + "    \"*\"   = []\n"
          + "  }\n"
          + "  allowed_minions = [\"web*\"]\n"
          + "}\n"
          + "\n"
          + "path \"auth/token/create\" {\n"
          + "  capabilities = [\"create\", \"update\"]\n"
          + "}\n";

  private static final String KEY_MANAGER =
      "path \"brine/keys\" {\n"
          + "  capabilities = [\"read\", \"list\"]\n"
          + "}\n"
          + "\n"
          + "path \"brine/keys/accept\" {\n"
          + "  capabilities = [\"update\"]\n"
          + "}\n";

  @TempDir static Path dir;

  private static MasterProcess master;
  private static Cli root;

  @BeforeAll
  static void startMaster() {
    master = MasterProcess.start(dir);
    root = as(master.initAndUnseal());
  }

  @AfterAll
  static void stopMaster() {
    if (master != null) {
      master.close();
    }
  }

  @Test
  void policy_writeReadListDelete() {
    Result write = root.run("policy", "write", "ops-reader", file("ops-reader.hcl", KEY_MANAGER));
    Result read = root.run("policy", "read", "ops-reader");
    Result json = root.run("policy", "read", "-format=json", "ops-reader");
    Result list = root.run("policy", "list");

    assertOk(write);
    assertThat(write.out()).isEqualTo("Success! Uploaded policy: ops-reader" + nl());
    assertOk(read);
    assertThat(read.out()).isEqualTo(KEY_MANAGER.strip() + nl());
    assertThat(json(json).path("policy").asText()).isEqualTo(KEY_MANAGER);
    assertOk(list);
    assertThat(list.out().lines().toList()).contains("default", "root", "ops-reader");

    Result delete = root.run("policy", "delete", "ops-reader");
    Result gone = root.run("policy", "read", "ops-reader");

    assertOk(delete);
    assertThat(delete.out()).isEqualTo("Success! Deleted policy: ops-reader" + nl());
    assertThat(gone.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(gone.err()).isEqualTo("Error: no policy named ops-reader" + nl());
    assertThat(root.run("policy", "list").out().lines().toList()).doesNotContain("ops-reader");
  }

  @Test
  void policy_fromStdin_andAnInvalidOne_isRefusedWithOneLine_andNotStored() {
    Result stdin = root.runWithStdin(WEB_RUNNER, "policy", "write", "stdin-runner", "-");
    Result invalid =
        root.runWithStdin(
            "path \"brine/keys\" {\n  capabilities = [\"raed\"]\n}\n",
            "policy", "write", "bad-one", "-");

    assertOk(stdin);
    assertThat(root.run("policy", "read", "stdin-runner").out()).isEqualTo(WEB_RUNNER.strip() + nl());
    assertThat(invalid.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(invalid.err().lines())
        .as(invalid.toString())
        .singleElement(STRING)
        .startsWith("Error: PUT /v1/sys/policies/acl/bad-one: 400 ")
        .contains("raed");
    assertThat(root.run("policy", "list").out().lines().toList()).doesNotContain("bad-one");
  }

  @Test
  void token_createLookupCapabilitiesRenewRevoke() {
    writePolicy("runner-a", WEB_RUNNER);

    Result created =
        root.run(
            "token", "create", "-policy=runner-a", "-ttl=1h", "-display-name=ci",
            "-metadata=team=ops", "-format=json");

    assertOk(created);
    JsonNode auth = json(created).path("auth");
    String token = auth.path("client_token").asText();
    String accessor = auth.path("accessor").asText();
    assertThat(token).startsWith("s.");
    assertThat(accessor).isNotEmpty();
    assertThat(texts(auth.path("policies"))).containsExactlyInAnyOrder("default", "runner-a");
    assertThat(auth.path("lease_duration").asLong()).isEqualTo(3600);
    assertThat(auth.path("renewable").asBoolean()).isTrue();
    assertThat(auth.path("orphan").asBoolean()).isFalse();

    Cli child = as(token);
    Result self = child.run("token", "lookup", "-format=json");
    Result byToken = root.run("token", "lookup", token);
    Result byAccessor = root.run("token", "lookup", "-accessor", accessor, "-format=json");

    assertOk(self);
    JsonNode data = json(self).path("data");
    assertThat(data.path("accessor").asText()).isEqualTo(accessor);
    assertThat(data.path("display_name").asText()).contains("ci");
    assertThat(data.path("meta").path("team").asText()).isEqualTo("ops");
    assertThat(texts(data.path("policies"))).contains("default", "runner-a");
    assertThat(data.path("ttl").asLong()).isBetween(3000L, 3600L);
    assertThat(data.path("path").asText()).isEqualTo("auth/token/create");
    assertOk(byToken);
    assertThat(byToken.out()).contains("accessor ", accessor).doesNotContain("Error");
    assertOk(byAccessor);
    assertThat(json(byAccessor).path("data").path("accessor").asText()).isEqualTo(accessor);
    assertThat(json(byAccessor).path("data").path("id").asText())
        .as("a lookup by accessor does not give the token away")
        .isEmpty();

    Result jobs = child.run("token", "capabilities", "brine/jobs");
    Result seal = child.run("token", "capabilities", "sys/seal");
    Result ofChild = root.run("token", "capabilities", token, "brine/jobs");

    assertOk(jobs);
    assertThat(jobs.out()).isEqualTo("create, list, read" + nl());
    assertThat(seal.out()).isEqualTo("deny" + nl());
    assertThat(ofChild.out()).isEqualTo(jobs.out());

    Result renewed = child.run("token", "renew", "-increment=30m", "-format=json");

    assertOk(renewed);
    assertThat(json(renewed).path("auth").path("lease_duration").asLong()).isBetween(1L, 1800L);

    Result revoked = root.run("token", "revoke", "-accessor", accessor);
    Result dead = child.run("token", "lookup");

    assertOk(revoked);
    assertThat(revoked.out()).isEqualTo("Success! Revoked token (if it existed)" + nl());
    assertThat(dead.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(dead.err().lines())
        .singleElement(STRING)
        .startsWith("Error: GET /v1/auth/token/lookup-self: 403 ");
  }

  @Test
  void aChildWithAPolicyItsParentLacks_isRefused_withTheMastersLine() {
    writePolicy("runner-b", WEB_RUNNER);
    writePolicy("keys-b", KEY_MANAGER);
    Cli parent = as(createdToken(root, "-policy=runner-b"));

    Result allowed = parent.run("token", "create", "-policy=runner-b", "-field=token");
    Result refused = parent.run("token", "create", "-policy=keys-b");

    assertOk(allowed);
    assertThat(allowed.out()).startsWith("s.").doesNotContain("\n");
    assertThat(refused.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(refused.out()).isEmpty();
    assertThat(refused.err().lines())
        .as(refused.toString())
        .singleElement(STRING)
        .startsWith("Error: POST /v1/auth/token/create: 403 ")
        .contains("keys-b");
  }

  @Test
  void aTestOnlyToken_cannotReadWriteOrListPolicies() {
    writePolicy("runner-c", WEB_RUNNER);
    writePolicy("keys-c", KEY_MANAGER);
    Cli runner = as(createdToken(root, "-policy=runner-c"));

    Result read = runner.run("policy", "read", "keys-c");
    Result write = runner.runWithStdin(WEB_RUNNER, "policy", "write", "keys-c", "-");
    Result list = runner.run("policy", "list");

    for (Result refused : List.of(read, write, list)) {
      assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCodes.ERROR);
      assertThat(refused.out()).isEmpty();
      assertThat(refused.err().lines())
          .as(refused.toString())
          .singleElement(STRING)
          .contains(": 403 ")
          .contains("runner-c");
    }
    assertThat(read.err()).startsWith("Error: GET /v1/sys/policies/acl/keys-c: 403 ");
    assertThat(root.run("policy", "read", "keys-c").out())
        .as("the refused write changed nothing")
        .isEqualTo(KEY_MANAGER.strip() + nl());
  }

  @Test
  void revoke_takesTheChildrenAlong_unlessModeOrphan_andSelfRevokes() {
    writePolicy("runner-d", WEB_RUNNER);
    String parent = createdToken(root, "-policy=runner-d");
    String child = createdToken(as(parent), "-policy=runner-d");
    String orphanParent = createdToken(root, "-policy=runner-d");
    String keptChild = createdToken(as(orphanParent), "-policy=runner-d");

    Result tree = root.run("token", "revoke", parent);
    Result orphaned = root.run("token", "revoke", "-mode=orphan", orphanParent);

    assertOk(tree);
    assertOk(orphaned);
    assertThat(as(child).run("token", "lookup").exitCode())
        .as("revoking a token revokes its children")
        .isEqualTo(ExitCodes.ERROR);
    assertThat(as(orphanParent).run("token", "lookup").exitCode()).isEqualTo(ExitCodes.ERROR);
    Result kept = as(keptChild).run("token", "lookup", "-format=json");
    assertOk(kept);
    assertThat(json(kept).path("data").path("orphan").asBoolean()).isTrue();

    Result self = as(keptChild).run("token", "revoke", "-self");

    assertOk(self);
    assertThat(as(keptChild).run("token", "lookup").err())
        .startsWith("Error: GET /v1/auth/token/lookup-self: 403 ");
  }

  private static Cli as(String token) {
    return new Cli().env("BRINE_ADDR", master.address()).env("BRINE_TOKEN", token);
  }

  /** {@code TOKEN=$(brine token create -field=token ...)}, as a script does it. */
  private static String createdToken(Cli caller, String... flags) {
    List<String> args = new ArrayList<>(List.of("token", "create", "-field=token"));
    args.addAll(List.of(flags));
    Result created = caller.run(args.toArray(String[]::new));
    assertOk(created);
    assertThat(created.out()).startsWith("s.");
    return created.out();
  }

  private static void writePolicy(String name, String text) {
    assertOk(root.run("policy", "write", name, file(name + ".hcl", text)));
  }

  private static String file(String name, String text) {
    try {
      Path file = dir.resolve(name);
      Files.writeString(file, text);
      return file.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertOk(Result result) {
    assertThat(result.exitCode()).as(result + "\n--- master log\n" + master.log()).isZero();
  }

  private static JsonNode json(Result result) {
    try {
      return JSON.readTree(result.out());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + result, e);
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }

  private static String nl() {
    return System.lineSeparator();
  }
}
