package io.brine.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.brine.cli.output.Outputter;
import java.io.PrintWriter;
import java.util.Collection;

/**
 * A job's returns through Salt's outputters ({@link Outputter}), with Salt's words for the
 * minions that have no return: {@code Minion did not return. [No response]} (or {@code [Not
 * connected]} for one that was not connected when the job went out), printed as that minion's
 * value in every format, unless {@code --hide-timeout}.
 */
final class Returns {
  static final String NO_RESPONSE = "Minion did not return. [No response]";
  static final String NOT_CONNECTED = "Minion did not return. [Not connected]";
  static final String STILL_RUNNING = "Minion is still running the job. [Running]";

  private final Outputter outputter;
  private final boolean hideTimeout;

  Returns(PrintWriter out, Outputter.Options options, boolean hideTimeout) {
    this.outputter = new Outputter(out, options);
    this.hideTimeout = hideTimeout;
  }

  /** One minion's return, {@code {"return", "retcode", "success"}}. */
  void add(String id, JsonNode ret) {
    JsonNode value = ret.path("return");
    int retcode = ret.path("retcode").asInt();
    // brine's addition to the nested look, under the minion: what the exit code is about.
    outputter.minion(
        id,
        value.isMissingNode() ? null : value,
        failed(ret),
        retcode != 0 ? "    [retcode " + retcode + "]" : null);
  }

  /**
   * The minions that did not return, as Salt prints them.
   *
   * @param notConnected those that were not connected when the job went out
   */
  void missing(Collection<String> ids, Collection<String> notConnected) {
    if (hideTimeout) {
      return;
    }
    for (String id : ids) {
      outputter.minion(
          id, TextNode.valueOf(notConnected.contains(id) ? NOT_CONNECTED : NO_RESPONSE), true);
    }
  }

  /** Minions still running the job within its timeout ({@code brine jobs show}). */
  void running(Collection<String> ids) {
    for (String id : ids) {
      outputter.minion(id, TextNode.valueOf(STILL_RUNNING), false);
    }
  }

  void finish() {
    outputter.finish();
  }

  static boolean failed(JsonNode ret) {
    return !ret.path("success").asBoolean() || ret.path("retcode").asInt() != 0;
  }
}
