package io.brine.minion.functions;

/**
 * One execution-module function, e.g. {@code test.ping}. Adding a function is one small class and
 * one line in {@link FunctionRegistry#builtIn()}.
 *
 * <p>A function runs on a job thread of its own. It must answer an interrupt (a timeout or the
 * minion's shutdown) by returning soon, and start child processes through {@link
 * ChildProcesses#start} so they die with the job.
 */
public interface MinionFunction {
  /** The name the master calls it by: {@code module.function}, e.g. "test.ping". */
  String name();

  /** One line saying what it does. */
  String doc();

  /**
   * @throws FunctionException when the arguments are wrong: the job fails with "Passed invalid
   *     arguments: " and the message
   * @throws InterruptedException when the job was interrupted (timeout, shutdown)
   */
  FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException;
}
