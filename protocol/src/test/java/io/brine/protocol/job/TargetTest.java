package io.brine.protocol.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import org.junit.jupiter.api.Test;

class TargetTest {
  private static final MinionId WEB1 = MinionId.of("web1");
  private static final MinionId DB1 = MinionId.of("db1.example.com");

  @Test
  void glob_isFnmatch() throws Exception {
    assertThat(Target.of("glob", "web*").matches(WEB1)).isTrue();
    assertThat(Target.of("glob", "web*").matches(DB1)).isFalse();
    assertThat(Target.of("glob", "*").matches(DB1)).isTrue();
    assertThat(Target.of("glob", "web[0-9]").matches(WEB1)).isTrue();
  }

  @Test
  void list_isExactIds_blanksIgnored() throws Exception {
    Target list = Target.of("list", "web1, db1.example.com,,");
    assertThat(list.matches(WEB1)).isTrue();
    assertThat(list.matches(DB1)).isTrue();
    assertThat(Target.of("list", "web").matches(WEB1)).isFalse();
  }

  @Test
  void pcre_matchesFromTheStart_asPythonsReMatch() throws Exception {
    assertThat(Target.of("pcre", "db").matches(DB1)).isTrue();
    assertThat(Target.of("pcre", "example").matches(DB1)).as("not anchored at the start").isFalse();
    assertThat(Target.of("pcre", ".*example").matches(DB1)).isTrue();
  }

  @Test
  void badTargets_areOneLineErrors() {
    assertThatThrownBy(() -> Target.of("grains", "os:Debian"))
        .isInstanceOf(ProtocolException.class)
        .hasMessage(
            "unknown target type 'grains' (glob, pcre, list, grain, grain_pcre, pillar, pillar_pcre,"
                + " compound, ipcidr, nodegroup)");
    assertThatThrownBy(() -> Target.of("pcre", "web("))
        .isInstanceOf(ProtocolException.class)
        .hasMessageStartingWith("target is not a valid regular expression");
    assertThatThrownBy(() -> Target.of("glob", ""))
        .isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> Target.of("glob", "x".repeat(Target.MAX_EXPRESSION_LENGTH + 1)))
        .isInstanceOf(ProtocolException.class);
  }
}
