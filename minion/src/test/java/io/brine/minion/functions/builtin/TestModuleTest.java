package io.brine.minion.functions.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.TestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** test.ping, test.echo, test.version, test.sleep. */
class TestModuleTest {
  private final TestContext ctx = new TestContext(Path.of("/nonexistent"));

  @Test
  void ping_isTrue_andTakesNoArguments() throws Exception {
    assertThat(new TestPing().call(ctx.call())).isEqualTo(new FunctionOutput(true, 0));
    assertThatThrownBy(() -> new TestPing().call(ctx.call("x")))
        .isInstanceOf(FunctionException.class)
        .hasMessage("test.ping takes no positional arguments, 1 given");
  }

  @Test
  void echo_returnsTheText_positionalOrByName() throws Exception {
    assertThat(new TestEcho().call(ctx.call("hello world")).value()).isEqualTo("hello world");
    assertThat(new TestEcho().call(ctx.call(List.of(), Map.of("text", "hi"))).value())
        .isEqualTo("hi");
    assertThatThrownBy(() -> new TestEcho().call(ctx.call()))
        .hasMessage("test.echo is missing the required argument 'text'");
  }

  @Test
  void version_isTheProjectVersionMavenBuilt() throws Exception {
    String expected = System.getProperty("brine.expectedVersion");
    assertThat(expected).as("set by minion/pom.xml's surefire configuration").isNotBlank();

    assertThat(new TestVersion().call(ctx.call()).value()).isEqualTo(expected);
  }

  @Test
  void sleep_acceptsFractionalSecondsAsText() throws Exception {
    long start = System.nanoTime();
    assertThat(new TestSleep().call(ctx.call("0.2"))).isEqualTo(new FunctionOutput(true, 0));
    assertThat(System.nanoTime() - start)
        .as("slept at least 0.2 s")
        .isGreaterThanOrEqualTo(200_000_000L);
    assertThat(new TestSleep().call(ctx.call(0)).value()).isEqualTo(true);
  }

  @Test
  void sleep_refusesWhatIsNotANonNegativeNumber() {
    assertThatThrownBy(() -> new TestSleep().call(ctx.call("abc")))
        .isInstanceOf(FunctionException.class)
        .hasMessage("test.sleep: 'length' must be a number, got 'abc'");
    assertThatThrownBy(() -> new TestSleep().call(ctx.call("-1")))
        .hasMessage("test.sleep: 'length' must not be negative");
  }

  @Test
  void sleep_endsOnInterrupt() throws Exception {
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> new TestSleep().call(ctx.call("30")))
        .isInstanceOf(InterruptedException.class);
  }
}
