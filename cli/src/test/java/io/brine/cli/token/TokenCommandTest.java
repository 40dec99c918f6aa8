package io.brine.cli.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.ExitCodes;
import io.brine.cli.testing.CannedApi;
import io.brine.cli.testing.CannedApi.Request;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code brine token} through picocli and the real HTTP client, against canned OpenBao answers on
 * loopback: what each flag puts on the wire, and how each answer is printed.
 */
class TokenCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CALLER = "s.CallerCallerCallerCallerCaller12";
  private static final String NL = System.lineSeparator();

  /** OpenBao's answer to auth/token/create, with a warning, as the research notes show it. */
  static final String CREATED =
      "{\"request_id\":\"4e1b5c3a-0000-4000-8000-000000000001\",\"lease_id\":\"\","
          + "\"renewable\":false,\"lease_duration\":0,\"data\":null,\"wrap_info\":null,"
          + "\"warnings\":[\"Policy \\\"ghost\\\" does not exist\"],"
          + "\"auth\":{\"client_token\":\"s.NewNewNewNewNewNewNewNewNewNew1234\","
          + "\"accessor\":\"AccessorAccessorAccessor\",\"policies\":[\"default\",\"web\"],"
          + "\"token_policies\":[\"default\",\"web\"],\"metadata\":{\"user\":\"ana\",\"team\":\"ops\"},"
          + "\"lease_duration\":5400,\"renewable\":true,\"entity_id\":\"\","
          + "\"token_type\":\"service\",\"orphan\":false,\"num_uses\":0}}";

  /** OpenBao's answer to auth/token/lookup(-self). */
  static final String LOOKED_UP =
      "{\"request_id\":\"4e1b5c3a-0000-4000-8000-000000000002\",\"lease_id\":\"\","
          + "\"renewable\":false,\"lease_duration\":0,\"data\":{"
          + "\"accessor\":\"AccessorAccessorAccessor\",\"creation_time\":1767258000,"
          + "\"creation_ttl\":3600,\"display_name\":\"token-ci\",\"entity_id\":\"\","
          + "\"expire_time\":\"2026-01-01T10:00:00Z\",\"explicit_max_ttl\":0,"
          + "\"id\":\"s.NewNewNewNewNewNewNewNewNewNew1234\",\"issue_time\":\"2026-01-01T09:00:00Z\","
          + "\"meta\":null,\"num_uses\":0,\"orphan\":false,\"path\":\"auth/token/create\","
          + "\"policies\":[\"default\",\"web\"],\"renewable\":true,\"ttl\":3599,\"type\":\"service\"},"
          + "\"wrap_info\":null,\"warnings\":null,\"auth\":null}";

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
  void create_everyFlagWithOneDash_sendsOpenBaosBody() throws Exception {
    api.answer("POST", "/v1/auth/token/create", 200, CREATED);

    Result result =
        cli.run(
            "token", "create", "-policy=web", "-policy", "ops,db", "-ttl=90m",
            "-explicit-max-ttl", "2d", "-period=1h", "-renewable=false", "-orphan",
            "-no-default-policy", "-use-limit=3", "-display-name=ci", "-metadata", "team=ops",
            "-metadata=user=ana");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
    Request request = api.onlyRequest();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.uri()).isEqualTo("/v1/auth/token/create");
    assertThat(request.token()).isEqualTo(CALLER);
    assertThat(request.body())
        .isEqualTo(
            JSON.readTree(
                "{\"policies\":[\"web\",\"ops\",\"db\"],\"meta\":{\"team\":\"ops\",\"user\":\"ana\"},"
                    + "\"ttl\":\"5400s\",\"explicit_max_ttl\":\"172800s\",\"period\":\"3600s\","
                    + "\"no_parent\":true,\"no_default_policy\":true,\"display_name\":\"ci\","
                    + "\"num_uses\":3,\"renewable\":false}"));
  }

  @Test
  void create_twoDashSpellings_sendTheSameBodyAsOneDash() {
    api.answer("POST", "/v1/auth/token/create", 200, CREATED);

    cli.run("token", "create", "-policy=web", "-ttl=1h", "-orphan=true", "-metadata=a=b");
    cli.run("token", "create", "--policy", "web", "--ttl", "1h", "--orphan", "--metadata", "a=b");

    assertThat(api.requests()).hasSize(2);
    assertThat(api.requests().get(1).body()).isEqualTo(api.requests().get(0).body());
    assertThat(api.requests().get(0).body().path("no_parent").asBoolean()).isTrue();
  }

  @Test
  void create_withoutFlags_sendsOnlyRenewable_soTheMastersDefaultsApply() throws Exception {
    api.answer("POST", "/v1/auth/token/create", 200, CREATED);

    cli.run("token", "create");

    assertThat(api.onlyRequest().body()).isEqualTo(JSON.readTree("{\"renewable\":true}"));
  }

  @Test
  void create_table_isBaosKeyValueTable_warningsOnStderr() {
    api.answer("POST", "/v1/auth/token/create", 200, CREATED);

    Result result = cli.run("token", "create", "-policy=web", "-policy=ghost");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
    assertThat(result.out())
        .isEqualTo(
            String.join(
                NL,
                "Key                  Value",
                "---                  -----",
                "token                s.NewNewNewNewNewNewNewNewNewNew1234",
                "token_accessor       AccessorAccessorAccessor",
                "token_duration       1h30m",
                "token_renewable      true",
                "token_policies       [\"default\" \"web\"]",
                "identity_policies    []",
                "policies             [\"default\" \"web\"]",
                "token_meta_team      ops",
                "token_meta_user      ana",
                ""));
    assertThat(result.err())
        .isEqualTo(
            String.join(
                NL,
                "WARNING! The following warnings were returned from the master:",
                "",
                "  * Policy \"ghost\" does not exist",
                "",
                ""));
  }

  @Test
  void create_rootTokenWithoutLease_showsInfiniteDuration() {
    api.answer(
        "POST",
        "/v1/auth/token/create",
        200,
        "{\"auth\":{\"client_token\":\"s.x\",\"accessor\":\"a\",\"policies\":[\"root\"],"
            + "\"token_policies\":[\"root\"],\"lease_duration\":0,\"renewable\":false}}");

    Result result = cli.run("token", "create");

    assertThat(result.out()).contains("token_duration       ∞" + NL);
  }

  @Test
  void create_formatJson_printsTheAnswerAsIs() throws Exception {
    api.answer("POST", "/v1/auth/token/create", 200, CREATED);

    Result one = cli.run("token", "create", "-format=json");
    Result two = cli.run("token", "create", "--format", "json");

    assertThat(one.exitCode()).as(one.toString()).isEqualTo(ExitCodes.OK);
    assertThat(JSON.readTree(one.out())).isEqualTo(JSON.readTree(CREATED));
    assertThat(two.out()).isEqualTo(one.out());
    assertThat(one.err()).as("warnings are in the JSON, not on stderr").isEmpty();
  }

  @Test
  void create_field_printsTheBareValue_withoutALineBreakWhenPiped() {
    api.answer("POST", "/v1/auth/token/create", 200, CREATED);

    Result token = cli.run("token", "create", "-field=token");
    Result duration = cli.run("token", "create", "--field", "token_duration");
    Result policies = cli.run("token", "create", "-field=token_policies");
    Result json = cli.run("token", "create", "-field=token", "-format=json");

    assertThat(token.out()).isEqualTo("s.NewNewNewNewNewNewNewNewNewNew1234");
    assertThat(token.err()).as("no warnings around a bare value").isEmpty();
    assertThat(duration.out()).isEqualTo("5400");
    assertThat(policies.out()).isEqualTo("[default web]");
    assertThat(json.out().strip()).isEqualTo("\"s.NewNewNewNewNewNewNewNewNewNew1234\"");
  }

  @Test
  void create_unknownField_oneLineNamingTheFields() {
    api.answer("POST", "/v1/auth/token/create", 200, CREATED);

    Result result = cli.run("token", "create", "-field=tokn");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.out()).isEmpty();
    assertThat(result.err().lines())
        .singleElement(STRING)
        .startsWith("Error: no field \"tokn\" in the answer (fields: token, token_accessor,");
  }

  @Test
  void create_badDuration_isAUsageError_andNothingIsSent() {
    Result result = cli.run("token", "create", "-ttl=1.5h");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.err())
        .startsWith("Error: Invalid value for option '--ttl': '1.5h' is not a duration")
        .doesNotContain("\tat ");
    assertThat(api.requests()).isEmpty();
  }

  @Test
  void create_refusedByThePolicy_printsTheMastersReasonOnOneLine() {
    api.answer(
        "POST",
        "/v1/auth/token/create",
        403,
        "{\"errors\":[\"permission denied: the parent token lacks policy \\\"admin\\\"\"]}");

    Result result = cli.run("token", "create", "-policy=admin");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo(
            "Error: POST /v1/auth/token/create: 403 permission denied: the parent token lacks"
                + " policy \"admin\""
                + NL);
  }

  @Test
  void lookup_withoutArgument_isLookupSelf_printedAsBaoDoes() {
    api.answer("GET", "/v1/auth/token/lookup-self", 200, LOOKED_UP);

    Result result = cli.run("token", "lookup");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
    Request request = api.onlyRequest();
    assertThat(request.method()).isEqualTo("GET");
    assertThat(request.body()).isNull();
    assertThat(result.out())
        .isEqualTo(
            String.join(
                NL,
                "Key                 Value",
                "---                 -----",
                "accessor            AccessorAccessorAccessor",
                "creation_time       1767258000",
                "creation_ttl        1h",
                "display_name        token-ci",
                "entity_id           ",
                "expire_time         2026-01-01T10:00:00Z",
                "explicit_max_ttl    0s",
                "id                  s.NewNewNewNewNewNewNewNewNewNew1234",
                "issue_time          2026-01-01T09:00:00Z",
                "meta                <nil>",
                "num_uses            0",
                "orphan              false",
                "path                auth/token/create",
                "policies            [default web]",
                "renewable           true",
                "ttl                 59m59s",
                "type                service",
                ""));
  }

  @Test
  void lookup_tokenOrAccessor_goesInTheBody_neverInTheUrl() throws Exception {
    api.answer("POST", "/v1/auth/token/lookup", 200, LOOKED_UP);
    api.answer("POST", "/v1/auth/token/lookup-accessor", 200, LOOKED_UP);

    Result byToken = cli.run("token", "lookup", "s.Other");
    Result byAccessor = cli.run("token", "lookup", "-accessor", "AccessorAccessorAccessor");
    Result field = cli.run("token", "lookup", "--accessor", "x", "-field=ttl");

    assertThat(byToken.exitCode()).as(byToken.toString()).isEqualTo(ExitCodes.OK);
    assertThat(byAccessor.exitCode()).as(byAccessor.toString()).isEqualTo(ExitCodes.OK);
    assertThat(api.requests().get(0).uri()).isEqualTo("/v1/auth/token/lookup");
    assertThat(api.requests().get(0).body()).isEqualTo(JSON.readTree("{\"token\":\"s.Other\"}"));
    assertThat(api.requests().get(1).uri()).isEqualTo("/v1/auth/token/lookup-accessor");
    assertThat(api.requests().get(1).body())
        .isEqualTo(JSON.readTree("{\"accessor\":\"AccessorAccessorAccessor\"}"));
    assertThat(field.out()).as("a raw field is not humanized").isEqualTo("3599");
  }

  @Test
  void lookup_accessorWithoutArgument_isAUsageError() {
    Result result = cli.run("token", "lookup", "-accessor");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.err()).startsWith("Error: -accessor needs the accessor to look up");
    assertThat(api.requests()).isEmpty();
  }

  @Test
  void renew_self_token_accessor_withIncrementInSeconds() throws Exception {
    String renewed = CREATED.replace("\"warnings\":[\"Policy \\\"ghost\\\" does not exist\"],", "");
    api.answer("PUT", "/v1/auth/token/renew-self", 200, renewed);
    api.answer("PUT", "/v1/auth/token/renew", 200, renewed);
    api.answer("POST", "/v1/auth/token/renew-accessor", 200, renewed);

    Result self = cli.run("token", "renew");
    cli.run("token", "renew", "-increment=1h");
    cli.run("token", "renew", "--increment", "30m", "s.Other");
    cli.run("token", "renew", "-i", "45s", "-accessor", "AccessorAccessorAccessor");

    assertThat(self.exitCode()).as(self.toString()).isEqualTo(ExitCodes.OK);
    assertThat(self.out()).contains("token_duration       1h30m" + NL);
    assertThat(api.requests())
        .extracting(r -> r.method() + " " + r.uri() + " " + r.body())
        .containsExactly(
            "PUT /v1/auth/token/renew-self {}",
            "PUT /v1/auth/token/renew-self {\"increment\":3600}",
            "PUT /v1/auth/token/renew {\"token\":\"s.Other\",\"increment\":1800}",
            "POST /v1/auth/token/renew-accessor"
                + " {\"accessor\":\"AccessorAccessorAccessor\",\"increment\":45}");
  }

  @Test
  void revoke_eachMode_callsItsEndpoint_andSaysSo() {
    api.answer("PUT", "/v1/auth/token/revoke", 204, "");
    api.answer("PUT", "/v1/auth/token/revoke-orphan", 204, "");
    api.answer("POST", "/v1/auth/token/revoke-accessor", 204, "");
    api.answer("PUT", "/v1/auth/token/revoke-self", 204, "");

    Result tree = cli.run("token", "revoke", "s.Child");
    cli.run("token", "revoke", "-mode=orphan", "s.Child");
    cli.run("token", "revoke", "-accessor", "AccessorAccessorAccessor");
    Result self = cli.run("token", "revoke", "-self");

    assertThat(tree.exitCode()).as(tree.toString()).isEqualTo(ExitCodes.OK);
    assertThat(tree.out()).isEqualTo("Success! Revoked token (if it existed)" + NL);
    assertThat(self.exitCode()).as(self.toString()).isEqualTo(ExitCodes.OK);
    assertThat(api.requests())
        .extracting(r -> r.method() + " " + r.uri() + " " + r.body())
        .containsExactly(
            "PUT /v1/auth/token/revoke {\"token\":\"s.Child\"}",
            "PUT /v1/auth/token/revoke-orphan {\"token\":\"s.Child\"}",
            "POST /v1/auth/token/revoke-accessor {\"accessor\":\"AccessorAccessorAccessor\"}",
            "PUT /v1/auth/token/revoke-self {}");
  }

  @Test
  void revoke_contradictoryFlags_areUsageErrors_andNothingIsRevoked() {
    assertThat(cli.run("token", "revoke").err()).startsWith("Error: give the token");
    assertThat(cli.run("token", "revoke", "-self", "-accessor").err())
        .startsWith("Error: -self goes with neither -accessor nor -mode");
    assertThat(cli.run("token", "revoke", "-self", "s.Other").err())
        .startsWith("Error: -self takes no argument");
    assertThat(cli.run("token", "revoke", "-accessor", "-mode=orphan", "acc").err())
        .startsWith("Error: -mode=orphan needs the token itself");
    assertThat(cli.run("token", "revoke", "-mode=path", "s.x").err())
        .startsWith("Error: -mode=path revokes tokens by lease prefix");
    assertThat(cli.run("token", "revoke", "-mode=tree", "s.x").err())
        .startsWith("Error: -mode is orphan (or left out), not tree");
    assertThat(cli.run("token", "revoke", "-mode=orphan", "s.x", "extra").exitCode())
        .isEqualTo(ExitCodes.ERROR);
    assertThat(api.requests()).isEmpty();
  }

  @Test
  void capabilities_self_and_ofAnotherToken() throws Exception {
    api.answer(
        "POST",
        "/v1/sys/capabilities-self",
        200,
        "{\"brine/jobs\":[\"read\",\"create\",\"list\"],\"capabilities\":[\"read\",\"create\","
            + "\"list\"],\"data\":{\"brine/jobs\":[\"read\",\"create\",\"list\"],"
            + "\"capabilities\":[\"read\",\"create\",\"list\"]}}");
    api.answer(
        "POST",
        "/v1/sys/capabilities",
        200,
        "{\"data\":{\"sys/seal\":[\"deny\"],\"capabilities\":[\"deny\"]}}");

    Result self = cli.run("token", "capabilities", "brine/jobs");
    Result other = cli.run("token", "capabilities", "s.Other", "sys/seal");
    Result json = cli.run("token", "capabilities", "-format=json", "brine/jobs");

    assertThat(self.exitCode()).as(self.toString()).isEqualTo(ExitCodes.OK);
    assertThat(self.out()).isEqualTo("create, list, read" + NL);
    assertThat(other.out()).isEqualTo("deny" + NL);
    assertThat(JSON.readTree(json.out()))
        .isEqualTo(JSON.readTree("[\"read\",\"create\",\"list\"]"));
    assertThat(api.requests().get(0).body())
        .isEqualTo(JSON.readTree("{\"path\":\"brine/jobs\",\"paths\":[\"brine/jobs\"]}"));
    assertThat(api.requests().get(1).body())
        .isEqualTo(
            JSON.readTree("{\"token\":\"s.Other\",\"path\":\"sys/seal\",\"paths\":[\"sys/seal\"]}"));
  }

  @Test
  void capabilities_needAPath_andAnAnswerWithoutThemIsAnError() {
    api.answer("POST", "/v1/sys/capabilities-self", 200, "{\"data\":{}}");

    Result none = cli.run("token", "capabilities");
    Result empty = cli.run("token", "capabilities", "brine/keys");

    assertThat(none.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(none.err()).startsWith("Error: Missing required parameter");
    assertThat(empty.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(empty.err())
        .isEqualTo("Error: the master's answer has no capabilities for brine/keys" + NL);
  }

  @Test
  void aMistypedFlag_isNamed_butItsValueIsNotRepeated() {
    Result result = cli.run("token", "lookup", "-tokne=s.Secret", "s.Other");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.err()).contains("-tokne").doesNotContain("s.Secret");
    assertThat(api.requests()).isEmpty();
  }

  @Test
  void durations_readAsBaoReadsThem_printedAsBaoPrintsThem() {
    assertThat(DurationFlag.parse("90m").toSeconds()).isEqualTo(5400);
    assertThat(DurationFlag.parse("1h30m").toSeconds()).isEqualTo(5400);
    assertThat(DurationFlag.parse("3600").toSeconds()).isEqualTo(3600);
    assertThat(DurationFlag.parse("2d").toSeconds()).isEqualTo(172800);
    assertThat(DurationFlag.parse(" 45S ").toSeconds()).isEqualTo(45);
    for (String bad :
        List.of(
            "", "h", "1.5h", "-1h", "10ms", "1x", "1h 30m", "9999999999999d",
            "999999999999d".repeat(200))) {
      assertThatThrownBy(() -> DurationFlag.parse(bad))
          .as(bad)
          .hasMessageContaining("is not a duration");
    }
    assertThat(DurationFlag.human(0)).isEqualTo("0s");
    assertThat(DurationFlag.human(45)).isEqualTo("45s");
    assertThat(DurationFlag.human(60)).isEqualTo("1m");
    assertThat(DurationFlag.human(90)).isEqualTo("1m30s");
    assertThat(DurationFlag.human(3600)).isEqualTo("1h");
    assertThat(DurationFlag.human(3601)).isEqualTo("1h1s");
    assertThat(DurationFlag.human(5400)).isEqualTo("1h30m");
    assertThat(DurationFlag.human(32L * 86400)).isEqualTo("768h");
    assertThat(DurationFlag.human(-90)).isEqualTo("-1m30s");
  }
}
