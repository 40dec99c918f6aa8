package io.brine.dist;

import io.brine.cli.Brine;
import io.brine.cli.Environment;
import java.io.ByteArrayInputStream;
import java.util.Map;
import picocli.CommandLine;

/**
 * Makes {@link Brine} for {@code picocli.AutoComplete} at package time ({@code --factory}): the
 * command has no no-argument constructor, so picocli's default factory cannot. Only the command's
 * shape matters to the completion script, so it gets an empty environment, no input and no
 * console. Build-time only: not in the distribution.
 */
public final class CompletionFactory implements CommandLine.IFactory {
  private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

  @Override
  public <K> K create(Class<K> type) throws Exception {
    if (type == Brine.class) {
      return type.cast(
          new Brine(Environment.of(Map.of()), new ByteArrayInputStream(new byte[0]), null));
    }
    return fallback.create(type);
  }
}
