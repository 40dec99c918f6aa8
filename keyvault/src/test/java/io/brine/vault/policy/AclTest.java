package io.brine.vault.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AclTest {
  private static Policy policy(String name, String text) {
    try {
      return PolicyParser.parse(name, text);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Acl acl(Policy... policies) {
    return Acl.of(List.of(policies));
  }

  /**
   * One policy granting each pattern a capability of its own, so that the capability answered for a
   * path names the pattern that won.
   */
  private static final List<String> MARKERS =
      List.of("create", "read", "update", "patch", "delete", "list", "scan", "sudo");

  private static Acl markers(String... patterns) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < patterns.length; i++) {
      text.append("path \"")
          .append(patterns[i])
          .append("\" { capabilities = [\"")
          .append(MARKERS.get(i))
          .append("\"] }\n");
    }
    return acl(policy("p", text.toString()));
  }

  static Stream<Arguments> precedence() {
    return Stream.of(
        // rule 1: the first wildcard or glob comes earlier -> lower priority
        Arguments.of(
            "rule 1, + vs +",
            List.of("secret/+/teamb", "secret/foo/+"),
            "secret/foo/teamb",
            "secret/foo/+"),
        Arguments.of("rule 1, + vs *", List.of("secret/+", "secret/a*"), "secret/ab", "secret/a*"),
        Arguments.of(
            "rule 1, prefixes", List.of("secret/*", "secret/foo*"), "secret/foobar", "secret/foo*"),
        // rule 2: ends in * and the other does not -> lower priority
        Arguments.of("rule 2, + vs *", List.of("secret/*", "secret/+"), "secret/x", "secret/+"),
        Arguments.of(
            "rule 2, both +",
            List.of("secret/+/ba*", "secret/+/bar"),
            "secret/x/bar",
            "secret/+/bar"),
        // rule 3: more + segments -> lower priority
        Arguments.of(
            "rule 3", List.of("secret/+/x/+", "secret/+/x/y"), "secret/a/x/y", "secret/+/x/y"),
        Arguments.of(
            "rule 3, docs example",
            List.of("secret/+/+/foo/*", "secret/*"),
            "secret/a/b/foo/c",
            "secret/*"),
        // rule 4: shorter -> lower priority
        Arguments.of(
            "rule 4", List.of("secret/+/b*", "secret/+/ba*"), "secret/x/bar", "secret/+/ba*"),
        // rule 5: lexicographically smaller -> lower priority
        Arguments.of("rule 5", List.of("x/+/+/d", "x/+/c/+"), "x/1/c/d", "x/+/c/+"),
        Arguments.of(
            "rule 5, order of writing", List.of("x/+/c/+", "x/+/+/d"), "x/1/c/d", "x/+/c/+"),
        // exact beats every glob
        Arguments.of(
            "exact vs globs",
            List.of("secret/*", "secret/+", "secret/foo"),
            "secret/foo",
            "secret/foo"),
        Arguments.of(
            "exact vs its own prefix",
            List.of("secret/foo*", "secret/foo"),
            "secret/foo",
            "secret/foo"),
        Arguments.of(
            "prefix when exact misses",
            List.of("secret/foo*", "secret/foo"),
            "secret/food",
            "secret/foo*"),
        // + and * together
        Arguments.of(
            "+ then prefix, deep path",
            List.of("secret/+/foo*"),
            "secret/a/foobar/baz",
            "secret/+/foo*"),
        Arguments.of("+ then /*", List.of("secret/+/*"), "secret/a/b/c", "secret/+/*"),
        Arguments.of("lone +", List.of("+"), "anything", "+"),
        Arguments.of("+ at the start", List.of("+/keys"), "master/keys", "+/keys"),
        Arguments.of(
            "leading slash ignored", List.of("/secret/foo"), "/secret/foo", "/secret/foo"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("precedence")
  void capabilities_highestPriorityPatternWins(
      String rule, List<String> patterns, String path, String winner) {
    Acl acl = markers(patterns.toArray(String[]::new));

    assertThat(acl.capabilities(path)).containsExactly(MARKERS.get(patterns.indexOf(winner)));
  }

  static Stream<Arguments> noMatch() {
    return Stream.of(
        Arguments.of("secret/foo", "secret/food"),
        Arguments.of("secret/foo", "secret/foo/bar"),
        Arguments.of("secret/bar/*", "secret/bars/zip"),
        Arguments.of("secret/zip-*", "secret/zip/zap"),
        Arguments.of("secret/+/teamb", "secret/teamb"),
        Arguments.of("secret/+/teamb", "secret/a/b/teamb"),
        Arguments.of("secret/+/foo*", "secret/foobar"),
        Arguments.of("secret/+/*", "secret/a"),
        Arguments.of("+", "a/b"),
        Arguments.of("secret/*/x", "secret/a/x"), // '*' inside a pattern is an ordinary character
        Arguments.of("secret/a+b/+", "secret/ab/c")); // so is '+' inside a segment
  }

  @ParameterizedTest
  @MethodSource("noMatch")
  void capabilities_patternThatDoesNotMatch_grantsNothing(String pattern, String path) {
    assertThat(markers(pattern).capabilities(path)).containsExactly("deny");
  }

  @Test
  void literalStarAndPlus_matchThemselves() {
    assertThat(markers("secret/*/x").capabilities("secret/*/x")).containsExactly("create");
    assertThat(markers("secret/a+b/+").capabilities("secret/a+b/c")).containsExactly("create");
  }

  @Test
  void docsExamples_evaluateAsDocumented() {
    Acl acl =
        acl(
            policy("detailed", PolicyParserTest.DOCS_DETAILED),
            policy(
                "globs",
                "path \"secret/foo\" { capabilities = [\"read\"] }\n"
                    + "path \"secret/bar/*\" { capabilities = [\"read\"] }\n"
                    + "path \"secret/zip-*\" { capabilities = [\"read\"] }\n"
                    + "path \"secret/+/teamb\" { capabilities = [\"read\"] }\n"
                    + "path \"secret/+/+/teamb\" { capabilities = [\"read\"] }\n"));

    assertThat(acl.check("secret/anything", Capability.UPDATE, false, null).allowed()).isTrue();
    assertThat(acl.check("secret/super-secret", Capability.READ, false, null).allowed()).isFalse();
    assertThat(acl.capabilities("secret/super-secret")).containsExactly("deny");
    // "secret/foo" is exact in one policy, so "secret/*" from the other no longer counts there.
    assertThat(acl.capabilities("secret/foo")).containsExactly("read");
    assertThat(acl.check("secret/foo", Capability.UPDATE, false, null).allowed()).isFalse();
    for (String readable :
        List.of(
            "secret/bar/zip",
            "secret/bar/zip/zap",
            "secret/zip-zap",
            "secret/zip-zap/zong",
            "secret/x/teamb",
            "secret/foo/bar/teamb",
            "secret/bar/foo/teamb")) {
      assertThat(acl.capabilities(readable)).as(readable).containsExactly("read");
    }
  }

  @Test
  void samePatternInSeveralPolicies_unionsCapabilities() {
    Acl acl =
        acl(
            policy("a", "path \"secret/x\" { capabilities = [\"read\"] }"),
            policy("b", "path \"secret/x\" { capabilities = [\"list\", \"read\"] }"),
            policy("c", "path \"secret/*\" { capabilities = [\"delete\"] }"));

    assertThat(acl.capabilities("secret/x")).containsExactly("list", "read");
    assertThat(acl.check("secret/x", Capability.READ, false, null).grantingPolicies())
        .containsExactly("a", "b");
    assertThat(acl.check("secret/x", Capability.LIST, false, null).grantingPolicies())
        .containsExactly("b");
  }

  @Test
  void samePatternTwiceInOnePolicy_unionsToo() {
    Acl acl =
        acl(
            policy(
                "a",
                "path \"secret/x\" { capabilities = [\"read\"] }\n"
                    + "path \"secret/x\" { capabilities = [\"update\"] }"));

    assertThat(acl.capabilities("secret/x")).containsExactly("read", "update");
  }

  @Test
  void deny_winsOverSudoAndEverything_inAnyOrder() {
    Policy grants = policy("ops", "path \"sys/seal\" { capabilities = [\"update\", \"sudo\"] }");
    Policy denies = policy("lock", "path \"sys/seal\" { capabilities = [\"deny\"] }");

    for (Acl acl : List.of(acl(grants, denies), acl(denies, grants))) {
      AclDecision decision = acl.check("sys/seal", Capability.UPDATE, true, null);
      assertThat(decision.allowed()).isFalse();
      assertThat(decision.reason())
          .isEqualTo("permission denied: policies [lock] deny \"sys/seal\"");
      assertThat(acl.capabilities("sys/seal")).containsExactly("deny");
    }
  }

  @Test
  void deny_onALowerPriorityPattern_doesNotApply() {
    Acl acl =
        acl(
            policy("a", "path \"secret/*\" { capabilities = [\"deny\"] }"),
            policy("b", "path \"secret/open\" { capabilities = [\"read\"] }"));

    assertThat(acl.check("secret/open", Capability.READ, false, null).allowed()).isTrue();
    assertThat(acl.check("secret/other", Capability.READ, false, null).allowed()).isFalse();
  }

  @Test
  void sudo_isNeededInAdditionOnRootProtectedPaths() {
    Acl plain =
        acl(
            policy("web", "path \"sys/seal\" { capabilities = [\"update\"] }"),
            policy("default", ""));
    Acl sudo = acl(policy("ops", "path \"sys/seal\" { capabilities = [\"update\", \"sudo\"] }"));

    AclDecision refused = plain.check("sys/seal", Capability.UPDATE, true, null);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.reason())
        .isEqualTo(
            "permission denied: policies [web, default] grant no \"sudo\" on \"sys/seal\","
                + " which needs it");
    assertThat(plain.check("sys/seal", Capability.UPDATE, false, null).allowed()).isTrue();
    assertThat(sudo.check("sys/seal", Capability.UPDATE, true, null).allowed()).isTrue();
    // sudo alone is not the operation
    assertThat(
            acl(policy("s", "path \"sys/seal\" { capabilities = [\"sudo\"] }"))
                .check("sys/seal", Capability.UPDATE, true, null)
                .allowed())
        .isFalse();
  }

  @Test
  void refusal_namesPoliciesOperationAndPath() {
    Acl acl = acl(policy("default", PolicyStore.DEFAULT_POLICY_TEXT), policy("web", ""));

    AclDecision decision = acl.check("sys/seal", Capability.UPDATE, false, Map.of());

    assertThat(decision)
        .isEqualTo(
            new AclDecision(
                false,
                List.of(),
                List.of(),
                "permission denied: policies [default, web] grant no \"update\" on \"sys/seal\""));
    assertThat(acl.check("sys/x\n\u001b[2J", Capability.READ, false, null).reason())
        .isEqualTo(
            "permission denied: policies [default, web] grant no \"read\" on"
                + " \"sys/x\\u000a\\u001b[2J\"");
  }

  @Test
  void listing_aFolder_usesTheRuleWithoutTheSlash() {
    Acl acl =
        acl(
            policy(
                "l",
                "path \"sys/policies/acl\" { capabilities = [\"list\"] }\n"
                    + "path \"secret/+\" { capabilities = [\"list\"] }"));

    assertThat(acl.check("sys/policies/acl/", Capability.LIST, false, null).allowed()).isTrue();
    assertThat(acl.check("secret/dir/", Capability.LIST, false, null).allowed()).isTrue();
    assertThat(acl.check("sys/policies/acl/", Capability.READ, false, null).allowed()).isFalse();
  }

  @Test
  void capabilities_answersAsSysCapabilities() {
    Acl acl =
        acl(
            policy(
                "a",
                "path \"k/*\" { capabilities = [\"update\", \"read\", \"sudo\", \"create\"] }\n"
                    + "path \"k/none\" { capabilities = [] }"));

    assertThat(acl.capabilities("k/x")).containsExactly("create", "read", "sudo", "update");
    assertThat(acl.capabilities("k/none")).containsExactly("deny");
    assertThat(acl.capabilities("elsewhere")).containsExactly("deny");
    assertThat(acl(Policy.ROOT).capabilities("anything")).containsExactly("root");
    assertThat(acl().capabilities("anything")).containsExactly("deny");
  }

  @Test
  void root_allowsEverything_evenBesideOtherPolicies() {
    Acl acl = acl(policy("lock", "path \"*\" { capabilities = [\"deny\"] }"), Policy.ROOT);

    AclDecision decision =
        acl.check("sys/seal", Capability.UPDATE, true, Map.of("k", List.of("v")));
    assertThat(acl.isRoot()).isTrue();
    assertThat(decision).isEqualTo(new AclDecision(true, List.of("root"), List.of(), null));
  }

  @Test
  void check_refusesSudoAndDenyAsOperations() {
    Acl acl = acl();
    assertThatThrownBy(() -> acl.check("a", Capability.SUDO, false, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> acl.check("a", Capability.DENY, false, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void expiredRule_grantsNothing() {
    Policy p =
        policy(
            "t",
            "path \"a\" { capabilities = [\"read\"]\n expiration = \"2030-01-01T00:00:00Z\" }");

    assertThat(Acl.of(List.of(p), Instant.parse("2029-12-31T23:59:59Z")).capabilities("a"))
        .containsExactly("read");
    assertThat(Acl.of(List.of(p), Instant.parse("2030-01-01T00:00:01Z")).capabilities("a"))
        .containsExactly("deny");
  }

  // ---- parameters ----

  private static Map<String, List<String>> params(String... nameThenValues) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String spec : nameThenValues) {
      String[] parts = spec.split("=", -1);
      List<String> values = new ArrayList<>();
      if (parts.length > 1 && !parts[1].isEmpty()) {
        values.addAll(List.of(parts[1].split(",", -1)));
      }
      out.put(parts[0], values);
    }
    return out;
  }

  static Stream<Arguments> parameterRules() {
    String restricted =
        "path \"p\" { capabilities = [\"create\", \"update\", \"read\", \"list\", \"delete\"]\n"
            + " allowed_parameters = { \"foo\" = [] \"bar\" = [\"zip\", \"zap\"] } }";
    String required =
        "path \"p\" { capabilities = [\"create\"]\n required_parameters = [\"name\", \"id\"] }";
    String othersToo =
        "path \"p\" { capabilities = [\"create\"]\n"
            + " allowed_parameters = { \"bar\" = [\"zip\", \"zap\"] \"*\" = [] } }";
    String deniedNames =
        "path \"p\" { capabilities = [\"update\"]\n"
            + " denied_parameters = { \"token_policies\" = [] \"policies\" = [] } }";
    String deniedValue =
        "path \"p\" { capabilities = [\"update\"]\n"
            + " denied_parameters = { \"allowed_policies\" = [\"admin\"] } }";
    String deniedAll =
        "path \"p\" { capabilities = [\"update\"]\n denied_parameters = { \"*\" = [] } }";
    String globs =
        "path \"p\" { capabilities = [\"update\"]\n"
            + " allowed_parameters = { \"a\" = [\"foo-*\"] \"b\" = [\"*-prod\"] \"c\" = [\"*mid*\"]"
            + " \"d\" = [\"*\"] } }";
    String deniedWins =
        "path \"p\" { capabilities = [\"update\"]\n"
            + " allowed_parameters = { \"fun\" = [\"test.*\", \"cmd.*\"] }\n"
            + " denied_parameters = { \"fun\" = [\"cmd.run\"] } }";
    String noStore =
        "path \"p\" { capabilities = [\"create\"]\n required_parameters = [\"no_store\"]\n"
            + " denied_parameters = { \"no_store\" = [false, \"false\"] } }";
    return Stream.of(
        Arguments.of(restricted, Capability.CREATE, params("foo=anything", "bar=zip"), null),
        Arguments.of(
            restricted,
            Capability.CREATE,
            params("bar=zop"),
            "do not allow parameter \"bar\" with that value"),
        Arguments.of(
            restricted, Capability.CREATE, params("baz=1"), "do not allow parameter \"baz\""),
        Arguments.of(restricted, Capability.CREATE, params("Bar=zap"), null),
        Arguments.of(restricted, Capability.CREATE, params("bar=zip,zap"), null),
        Arguments.of(
            restricted,
            Capability.CREATE,
            params("bar=zip,zop"),
            "do not allow parameter \"bar\" with that value"),
        Arguments.of(
            restricted,
            Capability.CREATE,
            params("bar="),
            "do not allow parameter \"bar\" without a value"),
        Arguments.of(restricted, Capability.CREATE, params(), null),
        Arguments.of(
            restricted, Capability.READ, params("baz=1"), "do not allow parameter \"baz\""),
        Arguments.of(restricted, Capability.LIST, params("baz=1"), null), // not checked on list
        Arguments.of(restricted, Capability.DELETE, params("baz=1"), null), // nor on delete
        Arguments.of(required, Capability.CREATE, params("name=a"), "require parameter \"id\""),
        Arguments.of(required, Capability.CREATE, params(), "require parameter \"name\""),
        Arguments.of(required, Capability.CREATE, params("name=a", "id=1", "extra=x"), null),
        Arguments.of(othersToo, Capability.CREATE, params("bar=zip", "other=x"), null),
        Arguments.of(
            othersToo,
            Capability.CREATE,
            params("bar=zop"),
            "do not allow parameter \"bar\" with that value"),
        Arguments.of(deniedNames, Capability.UPDATE, params("password=hunter2"), null),
        Arguments.of(
            deniedNames,
            Capability.UPDATE,
            params("password=x", "policies=admin"),
            "deny parameter \"policies\""),
        Arguments.of(deniedValue, Capability.UPDATE, params("allowed_policies=dev"), null),
        Arguments.of(
            deniedValue,
            Capability.UPDATE,
            params("allowed_policies=dev,admin"),
            "deny parameter \"allowed_policies\" with that value"),
        Arguments.of(deniedAll, Capability.UPDATE, params(), null),
        Arguments.of(
            deniedAll, Capability.UPDATE, params("anything=1"), "deny parameter \"anything\""),
        Arguments.of(
            globs,
            Capability.UPDATE,
            params("a=foo-bar", "b=web-prod", "c=premidpost", "d=*"),
            null),
        Arguments.of(
            globs,
            Capability.UPDATE,
            params("a=bar-foo"),
            "do not allow parameter \"a\" with that value"),
        Arguments.of(
            globs,
            Capability.UPDATE,
            params("b=prod-web"),
            "do not allow parameter \"b\" with that value"),
        Arguments.of(
            globs,
            Capability.UPDATE,
            params("c=mi-d"),
            "do not allow parameter \"c\" with that value"),
        // a lone "*" value is not a glob in OpenBao: it matches only "*"
        Arguments.of(
            globs,
            Capability.UPDATE,
            params("d=x"),
            "do not allow parameter \"d\" with that value"),
        Arguments.of(deniedWins, Capability.UPDATE, params("fun=test.ping"), null),
        Arguments.of(
            deniedWins,
            Capability.UPDATE,
            params("fun=cmd.run"),
            "deny parameter \"fun\" value \"cmd.run\""),
        Arguments.of(
            deniedWins,
            Capability.UPDATE,
            params("fun=grains.items"),
            "do not allow parameter \"fun\" value \"grains.items\""),
        Arguments.of(
            noStore, Capability.CREATE, params("value=bar"), "require parameter \"no_store\""),
        Arguments.of(
            noStore,
            Capability.CREATE,
            params("no_store=false", "value=bar"),
            "deny parameter \"no_store\" with that value"),
        Arguments.of(noStore, Capability.CREATE, params("no_store=true", "value=bar"), null));
  }

  @ParameterizedTest
  @MethodSource("parameterRules")
  void parameters_followOpenBaosRules(
      String text, Capability op, Map<String, List<String>> parameters, String refusal) {
    AclDecision decision = acl(policy("pol", text)).check("p", op, false, parameters);

    if (refusal == null) {
      assertThat(decision.allowed()).as(decision.reason()).isTrue();
    } else {
      assertThat(decision.allowed()).isFalse();
      assertThat(decision.reason())
          .isEqualTo("permission denied: policies [pol] " + refusal + " on \"p\"");
    }
  }

  @Test
  void refusal_neverShowsAValueOtherThanFun() {
    Acl acl =
        acl(
            policy(
                "pol",
                "path \"p\" { capabilities = [\"update\"]\n"
                    + " allowed_parameters = { \"password\" = [\"x*\"] } }"));

    AclDecision decision = acl.check("p", Capability.UPDATE, false, params("password=hunter2"));

    assertThat(decision.reason()).doesNotContain("hunter2");
  }

  static Stream<Arguments> parameterMerges() {
    return Stream.of(
        // lists for one key are joined
        Arguments.of("{ \"a\" = [\"x\"] }", "{ \"a\" = [\"y\"] }", "a=y", true),
        Arguments.of("{ \"a\" = [\"x\"] }", "{ \"a\" = [\"y\"] }", "a=z", false),
        // an empty list (any value) wins
        Arguments.of("{ \"a\" = [\"x\"] }", "{ \"a\" = [] }", "a=z", true),
        // keys of both are allowed
        Arguments.of("{ \"a\" = [] }", "{ \"b\" = [] }", "b=1", true),
        Arguments.of("{ \"a\" = [] }", "{ \"b\" = [] }", "c=1", false),
        // as in OpenBao, a rule without limits does not lift another rule's limits
        Arguments.of(null, "{ \"a\" = [\"x\"] }", "b=1", false));
  }

  @ParameterizedTest
  @MethodSource("parameterMerges")
  void parameters_ofTheSamePattern_mergeAsOpenBao(
      String first, String second, String parameter, boolean allowed) {
    String rule = "path \"p\" { capabilities = [\"update\"]";
    Policy a = policy("a", rule + (first == null ? "" : "\n allowed_parameters = " + first) + " }");
    Policy b = policy("b", rule + "\n allowed_parameters = " + second + " }");

    for (Acl acl : List.of(acl(a, b), acl(b, a))) {
      assertThat(acl.check("p", Capability.UPDATE, false, params(parameter)).allowed())
          .isEqualTo(allowed);
    }
  }

  @Test
  void requiredParameters_ofTheSamePattern_union() {
    Acl acl =
        acl(
            policy(
                "a", "path \"p\" { capabilities = [\"update\"]\n required_parameters = [\"x\"] }"),
            policy(
                "b", "path \"p\" { capabilities = [\"update\"]\n required_parameters = [\"y\"] }"));

    assertThat(acl.check("p", Capability.UPDATE, false, params("x=1")).allowed()).isFalse();
    assertThat(acl.check("p", Capability.UPDATE, false, params("x=1", "y=2")).allowed()).isTrue();
  }

  // ---- allowed_minions ----

  @Test
  void allowedMinions_unionAcrossPoliciesOnTheSamePattern() {
    Acl acl =
        acl(
            policy(
                "web",
                "path \"brine/jobs\" { capabilities = [\"update\"]\n"
                    + " allowed_minions = [\"web*\"] }"),
            policy(
                "db",
                "path \"brine/jobs\" { capabilities = [\"update\"]\n"
                    + " allowed_minions = [\"db?\", \"web*\"] }"));

    AclDecision decision = acl.check("brine/jobs", Capability.UPDATE, false, null);

    assertThat(decision.allowed()).isTrue();
    assertThat(decision.grantingPolicies()).containsExactly("web", "db");
    assertThat(decision.allowedMinions()).containsExactly("web*", "db?");
  }

  @Test
  void allowedMinions_unrestrictedWhenAnyGrantOnThePatternLacksThem() {
    Policy limited =
        policy(
            "web",
            "path \"brine/jobs\" { capabilities = [\"update\"]\n allowed_minions = [\"web*\"] }");
    Policy open = policy("ops", "path \"brine/jobs\" { capabilities = [\"update\"] }");

    for (Acl acl : List.of(acl(limited, open), acl(open, limited))) {
      assertThat(acl.check("brine/jobs", Capability.UPDATE, false, null).allowedMinions())
          .isEmpty();
    }
  }

  @Test
  void allowedMinions_comeOnlyFromTheWinningPattern() {
    Acl acl =
        acl(
            policy(
                "a",
                "path \"brine/*\" { capabilities = [\"update\"]\n allowed_minions = [\"any*\"] }"),
            policy(
                "b",
                "path \"brine/jobs\" { capabilities = [\"update\"]\n"
                    + " allowed_minions = [\"web1\"] }"));

    assertThat(acl.check("brine/jobs", Capability.UPDATE, false, null).allowedMinions())
        .containsExactly("web1");
    assertThat(acl.check("brine/other", Capability.UPDATE, false, null).allowedMinions())
        .containsExactly("any*");
  }
}
