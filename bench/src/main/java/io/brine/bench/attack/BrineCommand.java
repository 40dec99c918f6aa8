package io.brine.bench.attack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How to run {@code brine}: the built {@code cli/target/brine-cli.jar} (bench/attack-soak.sh), or
 * the {@code io.brine.cli.Brine} class on a class path (the smoke test's own), on this JVM's java.
 */
public record BrineCommand(List<String> launcher) {
  public static BrineCommand jar(Path jar) {
    return new BrineCommand(List.of("-jar", jar.toString()));
  }

  public static BrineCommand classPath(String classPath) {
    return new BrineCommand(List.of("-cp", classPath, "io.brine.cli.Brine"));
  }

  /** The command line: java, {@code jvmOptions}, the launcher, then brine's own arguments. */
  public List<String> command(List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(launcher);
    command.addAll(List.of(args));
    return command;
  }
}
