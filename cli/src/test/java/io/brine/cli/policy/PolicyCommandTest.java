package io.brine.cli.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.ExitCodes;
import io.brine.cli.testing.CannedApi;
import io.brine.cli.testing.CannedApi.Request;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brine policy} through picocli and the real HTTP client, against canned OpenBao answers on
 * loopback: the requests each subcommand makes and what it prints.
 */
class PolicyCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NL = System.lineSeparator();
  private static final String HCL =
      "# runs test.* on web minions\n"
          + "path \"brine/jobs\" {\n"
          + "  capabilities = [\"create\", \"read\"]\n"
          + "  allowed_parameters = { \"fun\" = [\"test.*\"] }\n"
          + "  allowed_minions = [\"web*\"]\n"
          + "}\n";

  @TempDir Path dir;

  private final CannedApi api = new CannedApi();
  private final Cli cli = new Cli();

  @BeforeEach
  void pointAtTheCannedApi() {
    cli.env("BRINE_ADDR", api.address()).env("BRINE_TOKEN", "s.RootRootRootRootRootRootRoot1234");
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void write_fromAFile_putsItsTextUnderPolicy() throws Exception {
    Path file = dir.resolve("web-runner.hcl");
    Files.writeString(file, HCL);
    api.answer("PUT", "/v1/sys/policies/acl/web-runner", 204, "");

    Result result = cli.run("policy", "write", "web-runner", file.toString());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
    assertThat(result.out()).isEqualTo("Success! Uploaded policy: web-runner" + NL);
    assertThat(result.err()).isEmpty();
    Request request = api.onlyRequest();
    assertThat(request.method()).isEqualTo("PUT");
    assertThat(request.token()).isEqualTo("s.RootRootRootRootRootRootRoot1234");
    assertThat(request.body()).isEqualTo(JSON.createObjectNode().put("policy", HCL));
  }

  @Test
  void write_fromStdin_withDash() {
    api.answer("PUT", "/v1/sys/policies/acl/web-runner", 204, "");

    Result result = cli.runWithStdin(HCL, "policy", "write", "web-runner", "-");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
    assertThat(api.onlyRequest().body().path("policy").asText()).isEqualTo(HCL);
  }

  @Test
  void write_upperCaseName_isLowerCasedAsBaoDoes_andSaysSo() {
    api.answer("PUT", "/v1/sys/policies/acl/webrunner", 204, "");

    Result result = cli.runWithStdin(HCL, "policy", "write", "WebRunner", "-");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
    assertThat(api.onlyRequest().uri()).isEqualTo("/v1/sys/policies/acl/webrunner");
    assertThat(result.err())
        .isEqualTo("Policy name was converted from \"WebRunner\" to \"webrunner\"" + NL);
  }

  @Test
  void write_missingOrBinaryFile_oneLine_andNothingIsSent() throws Exception {
    Path binary = dir.resolve("policy.bin");
    Files.write(binary, new byte[] {'p', (byte) 0xff, (byte) 0xfe, 0});

    Result missing = cli.run("policy", "write", "web", dir.resolve("nope.hcl").toString());
    Result notText = cli.run("policy", "write", "web", binary.toString());

    assertThat(missing.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(missing.err())
        .isEqualTo(
            "Error: cannot read the policy file " + dir.resolve("nope.hcl") + ": no such file" + NL);
    assertThat(notText.err())
        .isEqualTo("Error: the policy in " + binary + " is not UTF-8 text" + NL);
    assertThat(api.requests()).isEmpty();
  }

  @Test
  void write_refusedOrInvalid_printsTheMastersLine() {
    api.answer(
        "PUT",
        "/v1/sys/policies/acl/web",
        400,
        "{\"errors\":[\"failed to parse policy: line 2, column 17: unknown capability \\\"raed\\\"\"]}");
    api.answer(
        "PUT",
        "/v1/sys/policies/acl/ops",
        403,
        "{\"errors\":[\"permission denied: policies [default web-runner] do not grant update"
            + " on sys/policies/acl/ops\"]}");

    Result invalid = cli.runWithStdin("x", "policy", "write", "web", "-");
    Result refused = cli.runWithStdin("x", "policy", "write", "ops", "-");

    assertThat(invalid.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(invalid.err())
        .isEqualTo(
            "Error: PUT /v1/sys/policies/acl/web: 400 failed to parse policy: line 2, column 17:"
                + " unknown capability \"raed\""
                + NL);
    assertThat(refused.err())
        .isEqualTo(
            "Error: PUT /v1/sys/policies/acl/ops: 403 permission denied: policies [default"
                + " web-runner] do not grant update on sys/policies/acl/ops"
                + NL);
    assertThat(invalid.out()).isEmpty();
  }

  @Test
  void read_printsTheTextAsWritten_orBaosJson() throws Exception {
    String answer =
        JSON.writeValueAsString(
            JSON.createObjectNode()
                .set(
                    "data",
                    JSON.createObjectNode().put("name", "web-runner").put("policy", HCL)));
    api.answer("GET", "/v1/sys/policies/acl/web-runner", 200, answer);

    Result table = cli.run("policy", "read", "web-runner");
    Result json = cli.run("policy", "read", "-format=json", "Web-Runner");

    assertThat(table.exitCode()).as(table.toString()).isEqualTo(ExitCodes.OK);
    assertThat(table.out()).isEqualTo(HCL.strip() + NL);
    JsonNode printed = JSON.readTree(json.out());
    assertThat(printed).isEqualTo(JSON.createObjectNode().put("policy", HCL));
    assertThat(api.requests()).extracting(Request::method).containsOnly("GET");
  }

  @Test
  void read_unknownPolicy_saysSo() {
    api.answer("GET", "/v1/sys/policies/acl/ghost", 404, "{\"errors\":[]}");

    Result result = cli.run("policy", "read", "ghost");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.err()).isEqualTo("Error: no policy named ghost" + NL);
  }

  @Test
  void list_isBaosGetWithListTrue_oneNameALine() throws Exception {
    api.answer(
        "GET",
        "/v1/sys/policies/acl?list=true",
        200,
        "{\"request_id\":\"r\",\"data\":{\"keys\":[\"default\",\"root\",\"web-runner\"]},"
            + "\"keys\":[\"default\",\"root\",\"web-runner\"]}");

    Result table = cli.run("policy", "list");
    Result json = cli.run("policy", "list", "--format", "json");

    assertThat(table.exitCode()).as(table.toString()).isEqualTo(ExitCodes.OK);
    assertThat(table.out()).isEqualTo("default" + NL + "root" + NL + "web-runner" + NL);
    assertThat(JSON.readTree(json.out()))
        .isEqualTo(JSON.readTree("[\"default\",\"root\",\"web-runner\"]"));
  }

  @Test
  void delete_sendsDelete_andSaysSo() {
    api.answer("DELETE", "/v1/sys/policies/acl/web-runner", 204, "");

    Result result = cli.run("policy", "delete", "web-runner");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
    assertThat(result.out()).isEqualTo("Success! Deleted policy: web-runner" + NL);
    assertThat(api.onlyRequest().method()).isEqualTo("DELETE");
  }

  @Test
  void names_dotSegmentsAreRefused_otherBytesAreEncoded_soTheUrlIsWhatWasTyped() {
    api.answer("DELETE", "/v1/sys/policies/acl/a%2Fb%20c", 400, "{\"errors\":[\"bad name\"]}");

    Result dots = cli.run("policy", "delete", "..");
    Result dot = cli.run("policy", "read", ".");
    Result slash = cli.run("policy", "delete", "a/b c");

    assertThat(dots.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(dots.err()).startsWith("Error: '..' is not a policy name");
    assertThat(dot.err()).startsWith("Error: '.' is not a policy name");
    assertThat(slash.err())
        .isEqualTo("Error: DELETE /v1/sys/policies/acl/a%2Fb%20c: 400 bad name" + NL);
    assertThat(api.onlyRequest().uri()).isEqualTo("/v1/sys/policies/acl/a%2Fb%20c");
  }

  @Test
  void wrongArgumentCounts_areUsageErrors() {
    assertThat(cli.run("policy", "write", "web").err()).startsWith("Error: Missing required");
    assertThat(cli.run("policy", "read").err()).startsWith("Error: Missing required");
    assertThat(cli.run("policy", "list", "extra").exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(api.requests()).isEmpty();
  }
}
