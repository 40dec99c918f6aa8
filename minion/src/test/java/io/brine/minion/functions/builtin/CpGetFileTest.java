package io.brine.minion.functions.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.TestContext;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpGetFileTest {
  @TempDir Path master;
  @TempDir Path minion;

  private TestContext ctx;
  private final CpGetFile cp = new CpGetFile();

  @BeforeEach
  void files() throws Exception {
    ctx = new TestContext(master);
    Files.createDirectories(master.resolve("conf"));
    Files.writeString(master.resolve("conf/app.yaml"), "port: 8080\n");
  }

  @Test
  void fetchesTheFile_andReturnsDest() throws Exception {
    Path dest = minion.resolve("app.yaml");

    FunctionOutput out = cp.call(ctx.call("salt://conf/app.yaml", dest.toString()));

    assertThat(out).isEqualTo(FunctionOutput.ok(dest.toString()));
    assertThat(dest).hasContent("port: 8080");
  }

  @Test
  void destThatIsADirectory_getsTheSourcesName() throws Exception {
    FunctionOutput out = cp.call(ctx.call("salt://conf/app.yaml", minion.toString()));

    assertThat(out.value()).isEqualTo(minion.resolve("app.yaml").toString());
    assertThat(minion.resolve("app.yaml")).hasContent("port: 8080");
  }

  @Test
  void missingParent_isAnError_unlessMakedirs() throws Exception {
    Path dest = minion.resolve("a/b/app.yaml");

    assertThatThrownBy(() -> cp.call(ctx.call("salt://conf/app.yaml", dest.toString())))
        .isInstanceOf(FunctionException.class)
        .hasMessage(
            "cp.get_file: the directory "
                + dest.getParent()
                + " does not exist (makedirs=true creates it)");
    assertThat(minion.resolve("a")).doesNotExist();

    cp.call(ctx.call(List.of("salt://conf/app.yaml", dest.toString()), Map.of("makedirs", "true")));
    assertThat(dest).hasContent("port: 8080");
  }

  @Test
  void sourceMustBeSaltUrl_withoutDotDot() {
    String dest = minion.resolve("x").toString();
    assertThatThrownBy(() -> cp.call(ctx.call("/etc/passwd", dest)))
        .hasMessage("cp.get_file: the source must start with salt://, got /etc/passwd");
    assertThatThrownBy(() -> cp.call(ctx.call("salt://conf/../../etc/passwd", dest)))
        .hasMessage("cp.get_file: the source must not contain '..': salt://conf/../../etc/passwd");
    assertThatThrownBy(() -> cp.call(ctx.call("salt:///etc/passwd", dest)))
        .hasMessage(
            "cp.get_file: the source must be a relative path after salt://: salt:///etc/passwd");
    assertThatThrownBy(() -> cp.call(ctx.call("salt://conf/", dest)))
        .hasMessage("cp.get_file: the source names no file: salt://conf/");
  }

  @Test
  void destMustBeAbsolute() {
    assertThatThrownBy(() -> cp.call(ctx.call("salt://conf/app.yaml", "app.yaml")))
        .hasMessage("cp.get_file: dest must be an absolute path, got app.yaml");
  }

  @Test
  void aFileTheMasterDoesNotHave_failsWithTheFetchersError() {
    assertThatThrownBy(() -> cp.call(ctx.call("salt://nosuch", minion.resolve("x").toString())))
        .isInstanceOf(UncheckedIOException.class)
        .hasCauseInstanceOf(NoSuchFileException.class);
  }
}
