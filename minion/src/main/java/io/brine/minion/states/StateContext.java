package io.brine.minion.states;

import io.brine.common.render.RenderException;
import io.brine.minion.functions.FunctionContext;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import java.util.List;
import java.util.Map;

/** What a state function may use of the minion that applies it. */
public interface StateContext {
  /** The minion's id, its file server (salt:// sources) and pillar. */
  FunctionContext functions();

  /** The minion's grains as templates see them. */
  Map<String, Object> grains();

  /** The pillar this run was rendered with. */
  Map<String, Object> pillar();

  /**
   * Renders a file's text with a template engine ({@code template: jinja} of file.managed), with
   * grains, pillar, salt and opts and {@code vars} (the state's {@code context}/{@code defaults}).
   *
   * @param sourceName the file it came from, for error lines ("salt://nginx/nginx.conf")
   * @param engine the template name given ("jinja"); others are refused
   */
  String renderTemplate(String sourceName, String engine, String text, Map<String, Object> vars)
      throws RenderException;

  /**
   * Runs one of the minion's execution functions ({@code cmd.run_all}, {@code pkg.install}), as
   * Salt's states call {@code __salt__}: the same code a job runs, so a state never repeats it.
   *
   * @throws FunctionException when the function is unknown or refuses its arguments
   */
  FunctionOutput call(String function, List<Object> args, Map<String, Object> kwargs)
      throws FunctionException, InterruptedException;
}
