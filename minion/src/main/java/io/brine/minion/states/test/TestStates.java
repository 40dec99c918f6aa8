package io.brine.minion.states.test;

import io.brine.minion.states.StateCall;
import io.brine.minion.states.StateFunction;
import io.brine.minion.states.StateResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Salt's {@code test} states, which change nothing and report what they are told to: the states
 * that requisite tables and first tries at a top file are written with. Each has Salt's {@code
 * mod_watch}, "Watch statement fired.".
 */
public final class TestStates {
  private TestStates() {}

  /** Salt's pretend change. */
  static Map<String, Object> pretendChange() {
    Map<String, Object> testing = new LinkedHashMap<>();
    testing.put("old", "Unchanged");
    testing.put("new", "Something pretended to change");
    return Map.of("testing", testing);
  }

  public static List<StateFunction> all() {
    return List.of(
        new Fixed("test.succeed_without_changes", true, false),
        new Fixed("test.succeed_with_changes", true, true),
        new Fixed("test.fail_without_changes", false, false),
        new Fixed("test.fail_with_changes", false, true),
        new Fixed("test.nop", true, false),
        new Configurable(),
        new ShowNotification());
  }

  /** What Salt's test.mod_watch answers. */
  private static final StateFunction MOD_WATCH =
      new StateFunction() {
        @Override
        public String name() {
          return "test.mod_watch";
        }

        @Override
        public StateResult apply(StateCall call) {
          Object comment = call.args().get("comment");
          return new StateResult(true,
              comment == null ? "Watch statement fired." : String.valueOf(comment), Map.of());
        }
      };

  private abstract static class TestState implements StateFunction {
    @Override
    public StateFunction modWatch() {
      return MOD_WATCH;
    }
  }

  /** succeed/fail, with or without changes. */
  private static final class Fixed extends TestState {
    private final String name;
    private final boolean succeed;
    private final boolean changes;

    Fixed(String name, boolean succeed, boolean changes) {
      this.name = name;
      this.succeed = succeed;
      this.changes = changes;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public StateResult apply(StateCall call) {
      Map<String, Object> made = changes ? pretendChange() : Map.of();
      if (call.test()) {
        if (succeed && !changes) {
          return StateResult.ok("Success!");
        }
        String would = succeed ? "successful with changes"
            : changes ? "failed with changes" : "a failure";
        return StateResult.wouldChange("If we weren't testing, this would be " + would, made);
      }
      return new StateResult(succeed, succeed ? "Success!" : "Failure!", made);
    }
  }

  /** test.configurable_test_state: changes, result and comment as given (or Random). */
  private static final class Configurable extends TestState {
    @Override
    public String name() {
      return "test.configurable_test_state";
    }

    @Override
    public StateResult apply(StateCall call) {
      Object changesArg = call.args().getOrDefault("changes", true);
      Object resultArg = call.args().getOrDefault("result", true);
      String comment = String.valueOf(call.args().getOrDefault("comment", ""));
      boolean changes;
      Boolean result;
      try {
        changes = flag("changes", changesArg);
        result = flag("result", resultArg);
      } catch (IllegalArgumentException e) {
        return StateResult.failed(e.getMessage());
      }
      Map<String, Object> made = changes ? pretendChange() : Map.of();
      if (call.test()) {
        return new StateResult(changes ? null : true, comment.isEmpty() ? "This is a test"
            : comment, made);
      }
      return new StateResult(result, comment, made);
    }

    private static boolean flag(String name, Object value) {
      if (value instanceof Boolean b) {
        return b;
      }
      String text = String.valueOf(value).strip().toLowerCase(Locale.ROOT);
      return switch (text) {
        case "true" -> true;
        case "false" -> false;
        case "random" -> ThreadLocalRandom.current().nextBoolean();
        default -> throw new IllegalArgumentException(
            "You have specified the state option '" + name + "' with invalid arguments. It must"
                + " be either True, False, or Random");
      };
    }
  }

  /** test.show_notification: the text as the comment, nothing changed. */
  private static final class ShowNotification extends TestState {
    @Override
    public String name() {
      return "test.show_notification";
    }

    @Override
    public StateResult apply(StateCall call) {
      Object text = call.args().get("text");
      return StateResult.ok(text == null ? "" : String.valueOf(text));
    }
  }
}
