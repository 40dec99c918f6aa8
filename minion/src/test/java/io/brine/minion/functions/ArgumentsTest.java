package io.brine.minion.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgumentsTest {
  private final TestContext ctx = new TestContext(Path.of("/nonexistent"));

  private Arguments parse(List<Object> args, Map<String, Object> kwargs) throws FunctionException {
    return Arguments.parse(ctx.call(args, kwargs), "m.f", List.of("a", "b"), Set.of("k"));
  }

  @Test
  void positionalParameters_mayAlsoBeGivenByName() throws Exception {
    Arguments byPosition = parse(List.of("x", "y"), Map.of());
    Arguments byName = parse(List.of("x"), Map.of("b", "y", "k", "z"));

    assertThat(byPosition.requiredString("a")).isEqualTo("x");
    assertThat(byPosition.requiredString("b")).isEqualTo("y");
    assertThat(byPosition.get("k")).isEmpty();
    assertThat(byName.requiredString("b")).isEqualTo("y");
    assertThat(byName.requiredString("k")).isEqualTo("z");
  }

  @Test
  void tooMany_twice_unknownAndMissing_areRefusedInOneLine() {
    assertThatThrownBy(() -> parse(List.of("1", "2", "3"), Map.of()))
        .isInstanceOf(FunctionException.class)
        .hasMessage("m.f takes at most 2 positional arguments (a, b), 3 given");
    assertThatThrownBy(() -> parse(List.of("1"), Map.of("a", "2")))
        .hasMessage("m.f got multiple values for argument 'a'");
    assertThatThrownBy(() -> parse(List.of(), Map.of("kk", "2")))
        .hasMessage("m.f got an unexpected keyword argument 'kk'");
    assertThatThrownBy(() -> parse(List.of(), Map.of()).required("a"))
        .hasMessage("m.f is missing the required argument 'a'");
  }

  @Test
  void saltsInternalKeywords_areIgnored() throws Exception {
    Arguments a = parse(List.of(), Map.of("__pub_jid", "20261123000000000000"));
    assertThat(a.get("__pub_jid")).isEmpty();
  }

  @Test
  void numbersAndBooleans_acceptTheStringsSaltsCliSends() throws Exception {
    Map<String, Object> kwargs = new java.util.HashMap<>();
    kwargs.put("k", "TRUE");
    Arguments a = parse(List.of(" 0.5 ", 7), kwargs);

    assertThat(a.requiredNumber("a")).isEqualTo(0.5);
    assertThat(a.requiredNumber("b")).isEqualTo(7.0);
    assertThat(a.requiredString("b")).isEqualTo("7");
    assertThat(a.bool("k", false)).isTrue();
    assertThat(parse(List.of(), Map.of()).bool("k", true)).isTrue();
    assertThat(parse(List.of(), Map.of("k", false)).bool("k", true)).isFalse();
  }

  @Test
  void badConversions_sayWhatWasExpected() {
    assertThatThrownBy(() -> parse(List.of("abc"), Map.of()).requiredNumber("a"))
        .hasMessage("m.f: 'a' must be a number, got 'abc'");
    assertThatThrownBy(() -> parse(List.of("NaN"), Map.of()).requiredNumber("a"))
        .hasMessage("m.f: 'a' must be a finite number");
    assertThatThrownBy(() -> parse(List.of(), Map.of("k", "maybe")).bool("k", false))
        .hasMessage("m.f: 'k' must be true or false, got 'maybe'");
    assertThatThrownBy(() -> parse(List.of(List.of(1)), Map.of()).requiredString("a"))
        .hasMessage("m.f: 'a' must be a string, got a list");
  }

  @Test
  void exceptionMessages_areOneLine() {
    assertThat(new FunctionException("line one\nline two\r\n").getMessage())
        .isEqualTo("line one line two");
  }

  @Test
  void varargs_keepEveryPositionalArgument() throws Exception {
    Arguments a = Arguments.parseVarargs(ctx.call("x", "y", "z"), "m.f", Set.of());
    assertThat(a.rest()).containsExactly("x", "y", "z");
  }
}
