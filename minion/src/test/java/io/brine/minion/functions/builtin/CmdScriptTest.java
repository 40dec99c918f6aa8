package io.brine.minion.functions.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.TestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cmd.script with real scripts fetched from a master file root and run for real. */
class CmdScriptTest {
  @TempDir Path master;
  @TempDir Path dir;

  private TestContext ctx;
  private final CmdScript script = new CmdScript();

  @BeforeEach
  void scripts() throws Exception {
    ctx = new TestContext(master);
    Files.createDirectories(master.resolve("scripts"));
    // Prints each argument on a line of its own, in brackets, then where it ran.
    Files.writeString(
        master.resolve("scripts/args.sh"),
        "#!/bin/sh\nfor a in \"$@\"; do echo \"[$a]\"; done\necho \"cwd=$PWD\"\n"
            + "echo \"self=$0\"\necho err >&2\nexit 3\n");
    Files.writeString(master.resolve("scripts/noshebang"), "echo \"plain $GREETING\"\n");
    Files.writeString(
        master.resolve("scripts/env.sh"), "#!/usr/bin/env sh\necho \"$GREETING from env\"\n");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> ret(FunctionOutput out) {
    return (Map<String, Object>) out.value();
  }

  @Test
  void runsTheScript_argsSplitLikeAShellWithoutExpanding_returnsLikeRunAll_andRemovesIt()
      throws Exception {
    FunctionOutput out =
        script.call(ctx.call("salt://scripts/args.sh", "one 'two words' \"\\$HOME\" $HOME *"));

    assertThat(out.retcode()).isEqualTo(3);
    Map<String, Object> ret = ret(out);
    assertThat(ret).containsOnlyKeys("pid", "retcode", "stdout", "stderr");
    assertThat(ret).containsEntry("retcode", 3).containsEntry("stderr", "err");
    String[] lines = ((String) ret.get("stdout")).split("\n");
    assertThat(List.of(lines).subList(0, 5))
        .containsExactly("[one]", "[two words]", "[$HOME]", "[$HOME]", "[*]");
    String cwd = lines[5].substring("cwd=".length());
    String self = lines[6].substring("self=".length());
    assertThat(Path.of(self).getParent().toString())
        .as("by default the script runs in its own temporary directory")
        .isEqualTo(cwd);
    assertThat(Path.of(self)).as("the script is removed afterwards").doesNotExist();
    assertThat(Path.of(cwd)).doesNotExist();
  }

  @Test
  void argsAsAList_cwd_env_andAScriptWithoutShebang_runBySh() throws Exception {
    FunctionOutput out =
        script.call(
            ctx.call(
                List.of("salt://scripts/args.sh", List.of("a b", "c"), dir.toString()), Map.of()));
    assertThat((String) ret(out).get("stdout")).startsWith("[a b]\n[c]\ncwd=" + dir + "\n");

    FunctionOutput plain =
        script.call(
            ctx.call(
                List.of("salt://scripts/noshebang"), Map.of("env", Map.of("GREETING", "hello"))));
    assertThat(plain.retcode()).isZero();
    assertThat(ret(plain)).containsEntry("stdout", "plain hello");

    FunctionOutput viaEnv =
        script.call(ctx.call(List.of("salt://scripts/env.sh"), Map.of("env", "GREETING=hi")));
    assertThat(ret(viaEnv)).containsEntry("stdout", "hi from env");

    FunctionOutput shell =
        script.call(
            ctx.call(
                List.of("salt://scripts/noshebang"),
                Map.of("shell", "/bin/bash", "env", "GREETING=bash")));
    assertThat(ret(shell)).containsEntry("stdout", "plain bash");
  }

  @Test
  void aTimeout_killsTheScript_retcode124() throws Exception {
    Files.writeString(master.resolve("scripts/sleep.sh"), "#!/bin/sh\necho started\nsleep 30\n");

    FunctionOutput out =
        script.call(ctx.call(List.of("salt://scripts/sleep.sh"), Map.of("timeout", "0.5")));

    assertThat(out.retcode()).isEqualTo(124);
    assertThat(ret(out)).containsEntry("stdout", "started");
  }

  @Test
  void aScriptTheMasterDoesNotHave_isSaltsCacheError() throws Exception {
    FunctionOutput out = script.call(ctx.call("salt://scripts/missing.sh"));

    assertThat(out.retcode()).isEqualTo(1);
    assertThat(ret(out))
        .containsEntry("pid", 0)
        .containsEntry("retcode", 1)
        .containsEntry("cache_error", true);
    assertThat((String) ret(out).get("stderr")).contains("no such file on the master");
  }

  @Test
  void theExactCommandLine_isInterpreterScriptArgs() throws Exception {
    RecordingRunner runner = RecordingRunner.succeeding();
    Files.writeString(master.resolve("scripts/py"), "#!/usr/bin/python3 -u\nprint(1)\n");

    new CmdScript(runner).call(ctx.call("salt://scripts/py", "--flag value"));

    List<String> argv = runner.argvs().get(0);
    assertThat(argv.subList(0, 2)).containsExactly("/usr/bin/python3", "-u");
    assertThat(argv.get(2)).endsWith("/py");
    assertThat(argv.subList(3, 5)).containsExactly("--flag", "value");
  }

  @Test
  void wrongArguments_areOneLineErrors() {
    assertThatThrownBy(() -> script.call(ctx.call()))
        .isInstanceOf(FunctionException.class)
        .hasMessage("cmd.script is missing the required argument 'source'");
    assertThatThrownBy(() -> script.call(ctx.call("/etc/passwd")))
        .hasMessage("cmd.script: the source must start with salt://, got /etc/passwd");
    assertThatThrownBy(() -> script.call(ctx.call("salt://../x.sh")))
        .hasMessage("cmd.script: the source must not contain '..': salt://../x.sh");
    assertThatThrownBy(
            () -> script.call(ctx.call(List.of("salt://scripts/args.sh"), Map.of("runas", "bob"))))
        .hasMessage("cmd.script: 'runas' is not supported by brine");
    assertThatThrownBy(
            () ->
                script.call(
                    ctx.call(List.of("salt://scripts/args.sh"), Map.of("python_shell", true))))
        .hasMessage(
            "cmd.script: python_shell=True is not supported: args are never read by a shell");
    assertThatThrownBy(() -> script.call(ctx.call("salt://scripts/args.sh", "'open")))
        .hasMessage("cmd.script: 'args' has an unterminated ' quote");
    assertThatThrownBy(
            () -> script.call(ctx.call(List.of("salt://scripts/args.sh"), Map.of("shell", "sh"))))
        .hasMessage("cmd.script: 'shell' must be the absolute path of a program, got sh");
    assertThatThrownBy(
            () -> script.call(ctx.call(List.of("salt://scripts/args.sh"), Map.of("bogus", 1))))
        .hasMessage("cmd.script got an unexpected keyword argument 'bogus'");
    assertThatThrownBy(
            () ->
                script.call(ctx.call(List.of("salt://scripts/args.sh"), Map.of("saltenv", "dev"))))
        .hasMessage("cmd.script: only saltenv 'base' exists, got dev");
  }

  @Test
  void shellWords_splitAsAShellWould() throws Exception {
    assertThat(ShellWords.split("f", "  a  b\\ c 'd \"e\"' \"f 'g' \\\" \\n\" h''i ''"))
        .containsExactly("a", "b c", "d \"e\"", "f 'g' \" \\n", "hi", "");
    assertThat(ShellWords.split("f", "")).isEmpty();
    assertThatThrownBy(() -> ShellWords.split("f", "\"x"))
        .hasMessage("f: 'args' has an unterminated \" quote");
    assertThatThrownBy(() -> ShellWords.split("f", "x\\"))
        .hasMessage("f: 'args' ends with a lone backslash");
  }
}
