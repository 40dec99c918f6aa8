package io.brine.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.ExitCodes;
import io.brine.cli.testing.CannedApi;
import io.brine.cli.testing.CannedApi.Request;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code brine audit enable|disable|list} through picocli and the real HTTP client, against canned
 * OpenBao answers on loopback: what each flag puts on the wire, and how each answer is printed.
 */
class AuditCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CALLER = "s.CallerCallerCallerCallerCaller12";
  private static final String NL = System.lineSeparator();

  /** OpenBao's answer to GET sys/audit with two devices: data, and the same at the top level. */
  private static final String TWO_DEVICES =
      "{\"ops/\":{\"type\":\"file\",\"description\":\"ops trail\","
          + "\"options\":{\"mode\":\"0640\",\"file_path\":\"/var/log/ops.log\"},"
          + "\"local\":false,\"path\":\"ops/\"},"
          + "\"file/\":{\"type\":\"file\",\"description\":\"\","
          + "\"options\":{\"file_path\":\"/var/log/brine_audit.log\"},\"local\":false,"
          + "\"path\":\"file/\"}}";
  private static final String LISTED =
      "{\"request_id\":\"4e1b5c3a-0000-4000-8000-000000000003\",\"lease_id\":\"\","
          + "\"renewable\":false,\"lease_duration\":0,\"data\":" + TWO_DEVICES + ","
          + "\"wrap_info\":null,\"warnings\":null,\"auth\":null,"
          + TWO_DEVICES.substring(1, TWO_DEVICES.length() - 1) + "}";

  private final CannedApi api = new CannedApi();
  private final Cli cli = new Cli();

  @BeforeEach
  void pointAtTheCannedApi() {
    cli.env("BRINE_ADDR", api.address()).env("BRINE_TOKEN", CALLER);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void enable_typeAndOptions_putsAtTheTypesPath_asBaoDoes() throws Exception {
    api.answer("PUT", "/v1/sys/audit/file/", 204, "");

    Result result = cli.run("audit", "enable", "file", "file_path=/var/log/brine_audit.log");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
    Request request = api.onlyRequest();
    assertThat(request.method()).isEqualTo("PUT");
    assertThat(request.uri()).isEqualTo("/v1/sys/audit/file/");
    assertThat(request.token()).isEqualTo(CALLER);
    assertThat(request.body())
        .isEqualTo(
            JSON.readTree(
                "{\"type\":\"file\",\"description\":\"\","
                    + "\"options\":{\"file_path\":\"/var/log/brine_audit.log\"}}"));
    assertThat(result.out())
        .isEqualTo("Success! Enabled the file audit device at: file/" + NL);
  }

  @Test
  void enable_pathAndDescription_bothSpellings_sameRequest() throws Exception {
    api.answer("PUT", "/v1/sys/audit/ops/", 204, "");

    cli.run(
        "audit", "enable", "-path=ops/", "-description=ops trail", "file",
        "file_path=/var/log/ops.log", "mode=0640", "prefix=a=b");
    Result two =
        cli.run(
            "audit", "enable", "--path", "ops", "--description", "ops trail", "file",
            "file_path=/var/log/ops.log", "mode=0640", "prefix=a=b");

    assertThat(two.out()).isEqualTo("Success! Enabled the file audit device at: ops/" + NL);
    assertThat(api.requests()).hasSize(2);
    assertThat(api.requests().get(0).uri()).isEqualTo("/v1/sys/audit/ops/");
    assertThat(api.requests().get(1)).isEqualTo(api.requests().get(0));
    assertThat(api.requests().get(0).body())
        .isEqualTo(
            JSON.readTree(
                "{\"type\":\"file\",\"description\":\"ops trail\",\"options\":"
                    + "{\"file_path\":\"/var/log/ops.log\",\"mode\":\"0640\",\"prefix\":\"a=b\"}}"));
  }

  @Test
  void enable_local_isSentSoTheMasterRefusesIt() {
    api.answer(
        "PUT", "/v1/sys/audit/file/", 400,
        "{\"errors\":[\"local audit devices are not supported: brine has one node\"]}");

    Result result = cli.run("audit", "enable", "-local", "file", "file_path=/tmp/a.log");

    assertThat(api.onlyRequest().body().path("local").asBoolean()).isTrue();
    assertThat(result.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.err()).contains("local audit devices are not supported").doesNotContain("\tat ");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void enable_badArguments_sendNothing() {
    Result noType = cli.run("audit", "enable");
    Result notAPair = cli.run("audit", "enable", "file", "file_path");
    Result noKey = cli.run("audit", "enable", "file", "=/tmp/a.log");
    Result twice = cli.run("audit", "enable", "file", "mode=0600", "mode=0640");
    Result dots = cli.run("audit", "enable", "-path=..", "file", "file_path=/tmp/a.log");

    for (Result r : new Result[] {noType, notAPair, noKey, twice, dots}) {
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.ERROR);
    }
    assertThat(notAPair.err()).contains("options are KEY=VALUE, not file_path");
    assertThat(twice.err()).contains("option mode is given twice");
    assertThat(dots.err()).contains("-path must name one segment");
    assertThat(api.requests()).isEmpty();
  }

  @Test
  void enable_pathIsPercentEncoded_soItStaysOneSegment() {
    api.answer("PUT", "/v1/sys/audit/a%3Fb/", 204, "");

    Result result = cli.run("audit", "enable", "-path=a?b", "file", "file_path=/tmp/a.log");

    assertThat(api.onlyRequest().uri()).isEqualTo("/v1/sys/audit/a%3Fb/");
    assertThat(result.out()).isEqualTo("Success! Enabled the file audit device at: a?b/" + NL);
  }

  @Test
  void enable_refusedByTheMaster_oneErrorLine() {
    api.answer(
        "PUT", "/v1/sys/audit/file/", 400, "{\"errors\":[\"cannot enable audit device via API\"]}");

    Result result = cli.run("audit", "enable", "file", "file_path=/tmp/a.log");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.err().lines()).hasSize(1);
    assertThat(result.err()).contains("cannot enable audit device via API");
  }

  @Test
  void disable_deletesThePath_withOrWithoutTheSlash() {
    api.answer("DELETE", "/v1/sys/audit/file/", 204, "");

    Result slash = cli.run("audit", "disable", "file/");
    Result bare = cli.run("audit", "disable", "file");

    assertThat(api.requests()).hasSize(2);
    for (Request r : api.requests()) {
      assertThat(r.method()).isEqualTo("DELETE");
      assertThat(r.uri()).isEqualTo("/v1/sys/audit/file/");
      assertThat(r.body()).isNull();
    }
    assertThat(slash.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(bare.out())
        .isEqualTo("Success! Disabled audit device (if it was enabled) at: file/" + NL);
  }

  @Test
  void disable_withoutAPath_isAUsageError() {
    Result none = cli.run("audit", "disable");
    Result slash = cli.run("audit", "disable", "/");

    assertThat(none.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(slash.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(slash.err()).contains("PATH must name one audit device");
    assertThat(api.requests()).isEmpty();
  }

  @Test
  void list_table_isBaosColumns_sortedByPath() {
    api.answer("GET", "/v1/sys/audit", 200, LISTED);

    Result result = cli.run("audit", "list");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
    assertThat(api.onlyRequest().token()).isEqualTo(CALLER);
    assertThat(result.out())
        .isEqualTo(
            String.join(
                    NL,
                    "Path     Type    Description",
                    "----     ----    -----------",
                    "file/    file",
                    "ops/     file    ops trail")
                + NL);
  }

  @Test
  void list_detailed_addsReplicationAndSortedOptions() {
    api.answer("GET", "/v1/sys/audit", 200, LISTED);

    Result result = cli.run("audit", "list", "-detailed");

    assertThat(result.out())
        .isEqualTo(
            String.join(
                    NL,
                    "Path     Type    Description    Replication    Options",
                    "----     ----    -----------    -----------    -------",
                    "file/    file                   replicated     file_path=/var/log/brine_audit.log",
                    "ops/     file    ops trail      replicated     file_path=/var/log/ops.log mode=0640")
                + NL);
  }

  @Test
  void list_json_printsTheDevicesByPath() throws Exception {
    api.answer("GET", "/v1/sys/audit", 200, LISTED);

    Result result = cli.run("audit", "list", "-format=json");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(JSON.readTree(result.out())).isEqualTo(JSON.readTree(TWO_DEVICES));
  }

  @Test
  void list_none_saysSoAndExits2_asBao() {
    api.answer("GET", "/v1/sys/audit", 200, "{\"data\":{}}");

    Result result = cli.run("audit", "list");

    assertThat(result.out()).isEqualTo("No audit devices are enabled." + NL);
    assertThat(result.exitCode()).isEqualTo(AuditList.NONE_ENABLED);
  }

  @Test
  void list_answerWithoutData_isOneErrorLine() {
    api.answer("GET", "/v1/sys/audit", 200, "{\"errors\":[]}");

    Result result = cli.run("audit", "list");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.err()).contains("the master's answer has no list of audit devices");
  }
}
