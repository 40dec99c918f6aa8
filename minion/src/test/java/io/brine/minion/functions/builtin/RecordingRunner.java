package io.brine.minion.functions.builtin;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A command runner for the command lines that cannot run here (systemctl without systemd, dnf on
 * Debian): records every command and answers with what the test says a program answers.
 */
public final class RecordingRunner implements CommandRunner {
  private final List<Command> commands = new ArrayList<>();
  private final Function<Command, CommandResult> answers;

  public RecordingRunner(Function<Command, CommandResult> answers) {
    this.answers = answers;
  }

  /** Every program succeeds with no output. */
  public static RecordingRunner succeeding() {
    return new RecordingRunner(c -> CommandResult.of(0, "", ""));
  }

  @Override
  public synchronized CommandResult run(Command command) {
    commands.add(command);
    return answers.apply(command);
  }

  public synchronized List<Command> commands() {
    return List.copyOf(commands);
  }

  /** The argv of each command, in order. */
  public synchronized List<List<String>> argvs() {
    return commands.stream().map(Command::argv).toList();
  }
}
