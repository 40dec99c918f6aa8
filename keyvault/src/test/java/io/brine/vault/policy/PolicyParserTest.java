package io.brine.vault.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.vault.InvalidRequestException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyParserTest {
  /** OpenBao's "more detailed policy" from its policy concepts page. */
  static final String DOCS_DETAILED =
      "# This section grants all access on \"secret/*\". further restrictions can be\n"
          + "# applied to this broad policy, as shown below.\n"
          + "path \"secret/*\" {\n"
          + "  capabilities = [\"create\", \"read\", \"update\", \"patch\", \"delete\", \"list\"]\n"
          + "}\n"
          + "\n"
          + "# Even though we allowed secret/*, this line explicitly denies\n"
          + "# secret/super-secret. this takes precedence.\n"
          + "path \"secret/super-secret\" {\n"
          + "  capabilities = [\"deny\"]\n"
          + "}\n"
          + "\n"
          + "# Policies can also specify allowed, disallowed, and required parameters. here\n"
          + "# the key \"secret/restricted\" can only contain \"foo\" (any value) and \"bar\""
          + " (one\n"
          + "# of \"zip\" or \"zap\").\n"
          + "path \"secret/restricted\" {\n"
          + "  capabilities = [\"create\"]\n"
          + "  allowed_parameters = {\n"
          + "    \"foo\" = []\n"
          + "    \"bar\" = [\"zip\", \"zap\"]\n"
          + "  }\n"
          + "}\n";

  @Test
  void parse_docsDetailedPolicy_readsEveryRule() throws Exception {
    Policy policy = PolicyParser.parse("Web", DOCS_DETAILED);

    assertThat(policy.name()).isEqualTo("web");
    assertThat(policy.text()).isEqualTo(DOCS_DETAILED);
    assertThat(policy.rules())
        .extracting(PathRule::pattern)
        .containsExactly("secret/*", "secret/super-secret", "secret/restricted");
    assertThat(policy.rules().get(0).capabilities())
        .containsExactlyInAnyOrder(
            Capability.CREATE,
            Capability.READ,
            Capability.UPDATE,
            Capability.PATCH,
            Capability.DELETE,
            Capability.LIST);
    assertThat(policy.rules().get(1).capabilities()).containsExactly(Capability.DENY);
    assertThat(policy.rules().get(2).allowedParameters())
        .containsExactly(Map.entry("foo", List.of()), Map.entry("bar", List.of("zip", "zap")));
  }

  @Test
  void parse_jsonForms_matchTheHclForm() throws Exception {
    Policy object =
        PolicyParser.parse(
            "j",
            "{\"path\": {\"secret/foo\": {\"capabilities\": [\"read\"]},"
                + " \"secret/bar/*\": {\"capabilities\": [\"list\"],"
                + " \"allowed_parameters\": {\"Bar\": [\"zip\"]}}}}");
    Policy list =
        PolicyParser.parse(
            "j",
            "  {\"path\": [{\"secret/foo\": {\"capabilities\": [\"read\"]}},"
                + " {\"secret/bar/*\": {\"capabilities\": [\"list\"],"
                + " \"allowed_parameters\": {\"bar\": [\"zip\"]}}}]}");

    for (Policy p : List.of(object, list)) {
      assertThat(p.rules())
          .extracting(PathRule::pattern)
          .containsExactly("secret/foo", "secret/bar/*");
      assertThat(p.rules().get(0).capabilities()).containsExactly(Capability.READ);
      assertThat(p.rules().get(1).allowedParameters())
          .containsExactly(Map.entry("bar", List.of("zip")));
    }
  }

  @Test
  void parse_allKeysAndCommentKinds() throws Exception {
    Policy p =
        PolicyParser.parse(
            "all",
            "name = \"ignored\" // a line comment\n"
                + "/* a block\n comment */ path \"/brine/jobs\" {\n"
                + "  comment = \"salt runs\"\n"
                + "  capabilities = [\"update\", \"read\",]\n"
                + "  denied_parameters { \"no_store\" = [false, \"false\", 3] }\n"
                + "  required_parameters = [\"fun\"]\n"
                + "  allowed_minions = [\"web*\", \"db[0-9]\"]\n"
                + "  expiration = \"2030-01-31T12:00:00+01:00\"\n"
                + "}\n"
                + "# a hash comment at the end");

    PathRule rule = p.rules().get(0);
    assertThat(rule.pattern()).isEqualTo("brine/jobs");
    assertThat(rule.capabilities()).containsExactlyInAnyOrder(Capability.UPDATE, Capability.READ);
    assertThat(rule.deniedParameters()).containsEntry("no_store", List.of("false", "false", "3"));
    assertThat(rule.requiredParameters()).containsExactly("fun");
    assertThat(rule.allowedMinions()).containsExactly("web*", "db[0-9]");
    assertThat(rule.expiration()).contains(Instant.parse("2030-01-31T11:00:00Z"));
  }

  static Stream<Arguments> legacyPolicies() {
    return Stream.of(
        Arguments.of("deny", Set.of(Capability.DENY)),
        Arguments.of("read", Set.of(Capability.READ, Capability.LIST)),
        Arguments.of(
            "write",
            Set.of(
                Capability.CREATE,
                Capability.READ,
                Capability.UPDATE,
                Capability.DELETE,
                Capability.LIST)),
        Arguments.of(
            "sudo",
            Set.of(
                Capability.CREATE,
                Capability.READ,
                Capability.UPDATE,
                Capability.DELETE,
                Capability.LIST,
                Capability.SUDO)));
  }

  @ParameterizedTest
  @MethodSource("legacyPolicies")
  void parse_legacyPolicyForm_mapsAsOpenBao(String legacy, Set<Capability> expected)
      throws Exception {
    Policy p = PolicyParser.parse("old", "path \"a\" { policy = \"" + legacy + "\" }");

    assertThat(p.rules().get(0).capabilities()).isEqualTo(expected);
  }

  @Test
  void parse_denyAmongOthers_keepsOnlyDeny() throws Exception {
    Policy p =
        PolicyParser.parse("d", "path \"a\" { capabilities = [\"read\", \"deny\", \"sudo\"] }");

    assertThat(p.rules().get(0).capabilities()).containsExactly(Capability.DENY);
  }

  @Test
  void parse_emptyText_grantsNothing() throws Exception {
    assertThat(PolicyParser.parse("empty", "").rules()).isEmpty();
    assertThat(PolicyParser.parse("empty", "# only a comment\n").rules()).isEmpty();
    assertThat(PolicyParser.parse("empty", "{}").rules()).isEmpty();
  }

  static Stream<Arguments> badPolicies() {
    return Stream.of(
        Arguments.of(
            "path \"a\" {\n  capabilities = [\"read\"\n}", "line 3, column 1: expected ',' or ']'"),
        Arguments.of(
            "path \"a\" {\n  capabilities = [\"read\"]\n", "line 3, column 1: '}' is missing"),
        Arguments.of("path \"a {\n}", "line 1, column 6: string is not closed on its line"),
        Arguments.of(
            "path \"a\" capabilities", "line 1, column 22: expected '=' or '{' after \"path\""),
        Arguments.of(
            "path \"a\" { capabilities = read }",
            "line 1, column 27: expected a value, found \"read\""),
        Arguments.of(
            "path \"a\" { capabilities = <<EOF\nread\nEOF\n}", "heredoc strings are not supported"),
        Arguments.of("/* never closed\npath \"a\" {}", "line 1, column 1: comment is not closed"),
        Arguments.of("}", "line 1, column 1: unexpected '}'"),
        Arguments.of(
            "path \"a\" { capabilities = [\"reed\"] }",
            "line 1, column 28: path \"a\": unknown capability \"reed\""),
        Arguments.of("path \"a\" { capabilities = [\"READ\"] }", "unknown capability \"READ\""),
        Arguments.of(
            "path \"a\" { capabilites = [\"read\"] }",
            "line 1, column 12: path \"a\": unknown key \"capabilites\""),
        Arguments.of(
            "paths \"a\" { capabilities = [\"read\"] }", "line 1, column 1: unknown key \"paths\""),
        Arguments.of(
            "path \"a\" { capabilities = \"read\" }",
            "line 1, column 27: path \"a\": capabilities: expected a list, found a string"),
        Arguments.of(
            "path \"a\" { capabilities = [1] }", "capabilities: expected a string, found a number"),
        Arguments.of(
            "path \"a\" { capabilities = [\"read\"]\n capabilities = [\"list\"] }",
            "line 2, column 2: \"capabilities\" is given twice (first at line 1, column 12)"),
        Arguments.of(
            "path \"a\" { allowed_parameters = { \"x\" = [] \"X\" = [\"1\"] } }",
            "\"x\" is given twice"),
        Arguments.of(
            "path \"a\" { allowed_parameters = { \"*\" = [\"1\"] } }", "\"*\" takes only []"),
        Arguments.of(
            "path \"a\" { allowed_parameters = { \"x\" = [[\"1\"]] } }",
            "expected a string, found a list"),
        Arguments.of("path \"a\" { allowed_minions = [] }", "lists no minion"),
        Arguments.of("path \"a\" { policy = \"admin\" }", "invalid policy \"admin\""),
        Arguments.of(
            "path \"a\" { min_wrapping_ttl = \"1s\" }",
            "min_wrapping_ttl is not supported: brine has no response wrapping"),
        Arguments.of(
            "path \"a\" { max_wrapping_ttl = \"90s\" }", "max_wrapping_ttl is not supported"),
        Arguments.of(
            "path \"a\" { control_group = {} }",
            "control_group is an OpenBao option brine does not support"),
        Arguments.of("path \"a\" { expiration = \"tomorrow\" }", "not an RFC 3339 time"),
        Arguments.of("path \"secret/+*\" { capabilities = [\"read\"] }", "'+*' is forbidden"),
        Arguments.of(
            "path \"secret/{{identity.entity.id}}/*\" { capabilities = [\"read\"] }",
            "identity templates"),
        Arguments.of("path \"\" { capabilities = [\"read\"] }", "path pattern is empty"),
        Arguments.of("path \"a\" \"b\" { }", "a path block takes one pattern"),
        Arguments.of("path \"a\" = [\"read\"]", "path \"a\": expected an object, found a list"),
        Arguments.of(
            "{\"path\": {\"a\": {\"capabilities\": [\"read\"]}}",
            "line 1, column 43: malformed JSON: Unexpected end-of-input: expected close marker for"
                + " Object"),
        Arguments.of(
            "{\"path\": {\"a\": {\"capabilities\": [\"read\"]}, \"a\": {}}}",
            "\"a\" is given twice"),
        Arguments.of(
            "{\"path\": {\"a\": {\"capabilities\": [\"rd\"]}}}",
            "line 1, column 34: path \"a\": unknown capability \"rd\""),
        Arguments.of("{\"path\": {}} {}", "unexpected content after"),
        Arguments.of("{\"path\": \"a\"}", "path: expected an object, found a string"),
        Arguments.of(
            "{\"path\": {\"a\": {\"capabilities\": null}}}",
            "line 1, column 33: expected a value, found null"));
  }

  @ParameterizedTest
  @MethodSource("badPolicies")
  void parse_badPolicy_isRefusedWithOneLine(String text, String expected) {
    assertThatThrownBy(() -> PolicyParser.parse("bad", text))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("failed to parse policy: ")
        .hasMessageContaining(expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void parse_oversizeText_isRefused() {
    String rule = "path \"secret/a\" { capabilities = [\"read\"] }\n";
    String big = rule.repeat(PolicyParser.MAX_TEXT_BYTES / rule.length() + 1);

    assertThatThrownBy(() -> PolicyParser.parse("big", big))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("policy text is larger than 64 KiB");
    // Multi-byte characters count as their UTF-8 bytes.
    String wide = "# " + "\u00e9".repeat(PolicyParser.MAX_TEXT_BYTES / 2);
    assertThatThrownBy(() -> PolicyParser.parse("big", wide))
        .hasMessage("policy text is larger than 64 KiB");
  }

  @Test
  void parse_deepNesting_isRefusedNotOverflowed() {
    String hcl = "path \"a\" { x = " + "[".repeat(10_000) + "]".repeat(10_000) + " }";
    String json = "{\"path\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}";

    assertThatThrownBy(() -> PolicyParser.parse("deep", hcl))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("nested deeper than " + PolicyParser.MAX_NESTING + " levels");
    assertThatThrownBy(() -> PolicyParser.parse("deep", json))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("nested deeper than " + PolicyParser.MAX_NESTING + " levels");
  }

  @Test
  void parse_controlCharacterInError_isEscaped() {
    assertThatThrownBy(() -> PolicyParser.parse("c", "path \"a\" { capabilities = [\"re\\nad\"] }"))
        .hasMessageContaining("unknown capability \"re\\u000aad\"")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"web", "Web", " web ", "WEB"})
  void checkName_lowerCasesAndTrims(String name) throws Exception {
    assertThat(PolicyParser.checkName(name)).isEqualTo("web");
  }

  @Test
  void checkName_acceptsTheWholeAlphabet() throws Exception {
    assertThat(PolicyParser.checkName("a-Z_0.9")).isEqualTo("a-z_0.9");
    assertThat(PolicyParser.checkName("n".repeat(128))).hasSize(128);
  }

  static Stream<Arguments> badNames() {
    return Stream.of(
        Arguments.of(null, "policy name is missing"),
        Arguments.of("", "policy name is empty"),
        Arguments.of("   ", "policy name is empty"),
        Arguments.of("a/b", "policy name \"a/b\" must not contain '/'"),
        Arguments.of("..", "must not be '.' or contain '..'"),
        Arguments.of("a..b", "must not be '.' or contain '..'"),
        Arguments.of(".", "must not be '.' or contain '..'"),
        Arguments.of("a\u0000b", "has a character outside [a-zA-Z0-9_.-] at position 1"),
        Arguments.of("a\nb", "has a character outside [a-zA-Z0-9_.-] at position 1"),
        Arguments.of("caf\u00e9", "has a character outside [a-zA-Z0-9_.-] at position 3"),
        Arguments.of("a b", "has a character outside"),
        Arguments.of("n".repeat(129), "policy name is longer than 128 characters"));
  }

  @ParameterizedTest
  @MethodSource("badNames")
  void checkName_badName_isRefused(String name, String expected) {
    assertThatThrownBy(() -> PolicyParser.checkName(name))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining(expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\u0000"));
  }

  @Test
  void capabilityParse_knowsOpenBaosNames() throws Exception {
    for (Capability c : Capability.values()) {
      assertThat(Capability.parse(c.wireName())).isSameAs(c);
    }
    assertThat(Capability.SCAN.wireName()).isEqualTo("scan");
    assertThatThrownBy(() -> Capability.parse("root")).isInstanceOf(InvalidRequestException.class);
  }
}
