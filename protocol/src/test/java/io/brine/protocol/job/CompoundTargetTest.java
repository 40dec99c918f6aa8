package io.brine.protocol.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The target parser's table: Salt's documented compound examples (docs.saltproject.io, "Compound
 * matchers" and "Node groups") and the grain, grain_pcre and ipcidr forms, each parsed and matched
 * against a small fleet with different grains; then malformed expressions, each a one-line error.
 */
class CompoundTargetTest {
  /** id -> grains; "bare" has none known. */
  private static final Map<String, Map<String, ?>> FLEET =
      Map.of(
          "webserv1",
          Map.of(
              "os", "Debian",
              "kernel", "Linux",
              "ipv4", List.of("127.0.0.1", "192.168.1.10"),
              "ipv6", List.of("::1", "fe80::1"),
              "roles", List.of("web", "cache"),
              "locale_info", Map.of("defaultlanguage", "en_US", "defaultencoding", "UTF-8"),
              "num_cpus", 4,
              "virtual", true),
          "web-dc1-srv3",
          Map.of("os", "CentOS", "kernel", "Linux", "ipv4", List.of("10.1.2.3")),
          "db1",
          Map.of(
              "os", "Debian",
              "kernel", "Darwin",
              "ipv4", List.of("192.168.1.100"),
              "locale_info", Map.of("defaultlanguage", "de_DE")),
          "ms-1",
          Map.of("os", "Ubuntu", "id", "ms-1"),
          "ms-3",
          Map.of("os", "Ubuntu", "id", "ms-3"),
          "bl1.domain.com",
          Map.of("os", "Fedora"),
          "minion1.example.com",
          Map.of("os", "RedHat", "foo:bar", Map.of("x", "y")),
          "web7.qa.loc",
          Map.of("os", "Ubuntu"));

  private static final String BARE = "bare";

  static Stream<Arguments> matching() {
    return Stream.of(
        // Compound matchers page.
        row("compound", "webserv* and G@os:Debian or E@web-dc1-srv.*", "webserv1", "web-dc1-srv3"),
        row("compound", "not web-dc1-srv3", "webserv1", "db1", "ms-1", "ms-3", "bl1.domain.com",
            "minion1.example.com", "web7.qa.loc", BARE),
        row("compound", "* and not G@kernel:Darwin", "webserv1", "web-dc1-srv3", "ms-1", "ms-3",
            "bl1.domain.com", "minion1.example.com", "web7.qa.loc", BARE),
        row("compound", "( ms-1 or G@id:ms-3 ) and G@id:ms-3", "ms-3"),
        row("compound", "G@os:Ubuntu", "ms-1", "ms-3", "web7.qa.loc"),
        row("compound", "E@web\\d+\\.(dev|qa|prod)\\.loc", "web7.qa.loc"),
        row("compound", "P@os:(RedHat|Fedora|CentOS)", "web-dc1-srv3", "bl1.domain.com",
            "minion1.example.com"),
        row("compound", "L@minion1.example.com,minion3.domain.com or bl*.domain.com",
            "minion1.example.com", "bl1.domain.com"),
        row("compound", "S@192.168.1.0/24 or S@192.168.1.100", "webserv1", "db1"),
        row("compound", "G|@foo:bar|x|y", "minion1.example.com"),
        // Node groups page (as the master publishes them once expanded).
        row("compound", "G@os:Debian and db1", "db1"),
        // Precedence: not > and > or, as Python's.
        row("compound", "G@os:Debian and web* or L@db1,ms-1 and not E@ms.*", "webserv1", "db1"),
        row("compound", "not not ms-1", "ms-1"),
        row("compound", "( ( ms-1 ) )", "ms-1"),
        // grain (-G): globs, case, nested keys, lists, numbers, booleans.
        row("grain", "os:Debian", "webserv1", "db1"),
        row("grain", "os:deb*", "webserv1", "db1"),
        row("grain", "locale_info:defaultlanguage:en*", "webserv1"),
        row("grain", "roles:cache", "webserv1"),
        row("grain", "num_cpus:4", "webserv1"),
        row("grain", "virtual:True", "webserv1"),
        row("grain", "locale_info:*", "webserv1", "db1"),
        row("grain", "ipv4:10.*", "web-dc1-srv3"),
        // grain_pcre (-P): anchored at the start, case-insensitive.
        row("grain_pcre", "os:(Deb|Cent)", "webserv1", "web-dc1-srv3", "db1"),
        row("grain_pcre", "os:ian", new String[0]),
        // ipcidr (-S).
        row("ipcidr", "192.168.1.0/24", "webserv1", "db1"),
        row("ipcidr", "10.1.2.3", "web-dc1-srv3"),
        row("ipcidr", "fe80::/10", "webserv1"),
        row("ipcidr", "0.0.0.0/0", "webserv1", "web-dc1-srv3", "db1"));
  }

  private static Arguments row(String type, String expression, String... ids) {
    return Arguments.of(type, expression, Set.of(ids));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matching")
  void parsesAndMatches(String type, String expression, Set<String> expected) throws Exception {
    Target target = Target.of(type, expression);
    Set<String> matched = new TreeSet<>();
    for (String id : ids()) {
      if (target.matches(MinionId.of(id), () -> FLEET.get(id))) {
        matched.add(id);
      }
    }
    assertThat(matched).isEqualTo(new TreeSet<>(expected));
  }

  @Test
  void pillarTargets_andIAndJWords_matchThePillar_neverTheGrains() throws Exception {
    Map<String, ?> pillar = Map.of("role", "web", "app", Map.of("tier", "front"));
    Map<String, ?> grains = Map.of("role", "db");
    MinionId id = MinionId.of("ms-1");
    assertThat(Target.of("pillar", "role:web").matches(id, () -> grains, () -> pillar)).isTrue();
    assertThat(Target.of("pillar", "app:tier:fr*").matches(id, () -> grains, () -> pillar))
        .isTrue();
    assertThat(Target.of("pillar", "role:db").matches(id, () -> grains, () -> pillar)).isFalse();
    assertThat(Target.of("pillar_pcre", "role:^w.b$").matches(id, () -> grains, () -> pillar))
        .isTrue();
    assertThat(Target.of("compound", "I@role:web and G@role:db").matches(
        id, () -> grains, () -> pillar)).isTrue();
    assertThat(Target.of("compound", "J@app:tier:^back").matches(id, () -> grains, () -> pillar))
        .isFalse();
    // A minion whose pillar the master has not compiled is no match, as Salt's uncached minion.
    assertThat(Target.of("pillar", "role:web").matches(id, () -> grains)).isFalse();
    assertThat(Target.of("compound", "I@role:web or ms-*").needsPillar()).isTrue();
    assertThat(Target.of("compound", "G@role:web or ms-*").needsPillar()).isFalse();
    assertThat(Target.of("pillar", "role:web").noMatchReason())
        .startsWith("no accepted minion has pillar role matching web");
  }

  @Test
  void theDelimiterKwarg_splitsGrainKeys() throws Exception {
    Target target = Target.of("grain", "locale_info;defaultlanguage;de*", ";");
    assertThat(target.matches(MinionId.of("db1"), () -> FLEET.get("db1"))).isTrue();
    assertThat(target.matches(MinionId.of("webserv1"), () -> FLEET.get("webserv1"))).isFalse();
    Target compound = Target.of("compound", "G@locale_info;defaultlanguage;de* and db*", ";");
    assertThat(compound.matches(MinionId.of("db1"), () -> FLEET.get("db1"))).isTrue();
  }

  @Test
  void idOnlyTargets_neverAskForGrains() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    for (String[] t :
        new String[][] {
          {"glob", "web*"}, {"list", "a,b"}, {"pcre", "w.*"},
          {"compound", "web* and not L@db1 or E@x.*"}
        }) {
      Target target = Target.of(t[0], t[1]);
      assertThat(target.needsGrains()).as(t[1]).isFalse();
      target.matches(MinionId.of("webserv1"), () -> {
        asked.incrementAndGet();
        return FLEET.get("webserv1");
      });
    }
    assertThat(asked).hasValue(0);
    Target grains = Target.of("compound", "db1 and G@os:Debian");
    assertThat(grains.needsGrains()).isTrue();
    // Short-circuit: the id term decides first, the grains are not fetched.
    grains.matches(MinionId.of("webserv1"), () -> {
      asked.incrementAndGet();
      return null;
    });
    assertThat(asked).hasValue(0);
  }

  @Test
  void aPublicationCarriesTheTargetAndItsDelimiter() throws Exception {
    Target target = Target.of("grain", "a;b", ";");
    JobPublication p =
        new JobPublication(
            "20261203120000000000",
            java.time.Instant.ofEpochMilli(1),
            target,
            "test.ping",
            JobJson.MAPPER.createArrayNode(),
            JobJson.MAPPER.createObjectNode(),
            java.time.Duration.ofSeconds(5));
    assertThat(JobPublication.parse(p.toJson()).target()).isEqualTo(target);
    assertThat(new String(p.toJson(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("\"delimiter\":\";\"");
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        bad("compound", "( ms-1 or ms-3", "compound target has an unclosed '('"),
        bad("compound", "ms-1 )", "compound target has a ')' with no '(' before it"),
        bad("compound", "( )", "compound target has ')' after '(', where a target must be"),
        bad("compound", "(ms-1 or ms-3)", "a parenthesis must be a word of its own"),
        bad("compound", "ms-1 and", "compound target ends after 'and'; a target must follow it"),
        bad("compound", "or ms-1", "compound target has 'or' at its start, where a target must be"),
        bad("compound", "ms-1 and or ms-3", "compound target has 'or' after 'and'"),
        bad("compound", "not", "compound target ends after 'not'"),
        bad("compound", "ms-1 ms-3", "compound target needs 'and' or 'or' before 'ms-3'"),
        bad("compound", "X@foo", "has an unknown matcher 'X@'"),
        bad("compound", "G@", "has nothing after the @"),
        bad("compound", "G@os", "needs a key and a value"),
        bad("compound", "E@web(", "not a valid regular expression"),
        bad("compound", "P@os:(Deb", "not a valid regular expression"),
        bad("compound", "J|@foo|bar|^foo:bar$", "only G@ and P@ take an alternate delimiter"),
        bad("compound", "I@pdata", "needs a key and a value"),
        bad("pillar_pcre", "role:(", "not a valid regular expression"),
        bad("compound", "N@group1", "nodegroups are expanded by the master"),
        bad("compound", "R@%foo.bar", "range targeting (R@) is not supported"),
        bad("compound", "S@300.1.1.1", "is not an IP address or a CIDR network"),
        bad("compound", "   ", "compound target is empty"),
        bad("compound", "", "target must be 1 to 4096 characters long"),
        bad("compound", "not ".repeat(17) + "a", "nests deeper than 16 levels"),
        bad("compound", "( ".repeat(17) + "a" + " )".repeat(17), "nests deeper than 16 levels"),
        bad("compound", "a or ".repeat(200) + "a", "at most 256"),
        bad("grain", "os", "grain target 'os' needs a key and a value"),
        bad("grain", ":Debian", "needs a key and a value"),
        bad("grain_pcre", "os:(", "not a valid regular expression"),
        bad("ipcidr", "192.168.1.1/24", "has host bits set (the network is 192.168.1.0/24)"),
        bad("ipcidr", "10.0.0.0/33", "the prefix length is at most 32"),
        bad("ipcidr", "example.com", "is not an IP address"),
        bad("nodegroup", "group1", "a nodegroup is expanded by the master"));
  }

  private static Arguments bad(String type, String expression, String message) {
    return Arguments.of(type, expression, message);
  }

  @ParameterizedTest(name = "{0} ''{1}''")
  @MethodSource("malformed")
  void malformed_isOneClearLine(String type, String expression, String message) {
    assertThatThrownBy(() -> Target.of(type, expression))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aBadDelimiter_isRefused() {
    assertThatThrownBy(() -> Target.of("grain", "os:x", ""))
        .isInstanceOf(ProtocolException.class)
        .hasMessageStartingWith("delimiter must be");
    assertThatThrownBy(() -> Target.of("grain", "os:x", "@"))
        .isInstanceOf(ProtocolException.class);
  }

  @Test
  void noMatchReason_namesTheGrain() throws Exception {
    assertThat(Target.of("grain", "os:Debian").noMatchReason())
        .isEqualTo("no accepted minion has grain os matching Debian");
    assertThat(Target.of("glob", "web*").noMatchReason())
        .isEqualTo("no accepted minion matches glob:web*");
  }

  private static List<String> ids() {
    List<String> ids = new java.util.ArrayList<>(FLEET.keySet());
    ids.add(BARE);
    return ids;
  }
}
