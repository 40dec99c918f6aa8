package io.brine.minion.states;

/**
 * One state function, e.g. {@code file.managed}: given the desired state, it makes it so (or, with
 * {@code test=True}, says what it would change and changes nothing). Adding one is one small class
 * and one line in its group's list ({@link StateFunctions}).
 *
 * <p>A state function never throws for a failure of the system it manages: a file it cannot write,
 * a package that will not install, are a {@link StateResult} with result false and a one-line
 * comment. Wrong arguments are a result false too, with Salt's wording where Salt has one.
 */
public interface StateFunction {
  /** Salt's name, {@code module.function}: "file.managed". */
  String name();

  /**
   * Brings {@code call.name()} to the state its arguments describe.
   *
   * @throws InterruptedException when the job was interrupted (timeout, shutdown)
   */
  StateResult apply(StateCall call) throws InterruptedException;

  /**
   * Salt's {@code mod_watch}: what a {@code watch} requisite does when a watched state changed
   * something (service.running restarts, cmd.run runs). Null when this function has none; the
   * watch then acts as a plain {@code require}, as in Salt.
   */
  default StateFunction modWatch() {
    return null;
  }
}
