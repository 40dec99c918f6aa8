package io.brine.cli;

import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * bao's single-dash long flags ({@code -key-shares=5}, {@code -format=json}, {@code -address
 * URL}) beside brine's {@code --} forms, for the commands that copy bao's ({@code operator},
 * {@code token}, {@code policy}, {@code audit}, {@code status}). Picocli reads {@code -key-shares}
 * as the cluster {@code -k -e -y ...}, so the arguments are rewritten before parsing: {@code
 * -name} or {@code -name=value} becomes {@code --name...} only when {@code --name} is an option of
 * the subcommand reached so far and {@code -name} is not. An option's value is never rewritten,
 * nor anything after {@code --}, nor a single letter ({@code -f}); the Salt-style commands
 * ({@code key}, {@code run}, {@code jobs}) are left alone, since their single-letter flags ({@code
 * -L}, {@code -E}, {@code -t}) are Salt's.
 */
final class BaoFlags {
  private static final Set<String> BAO_COMMANDS =
      Set.of("operator", "token", "policy", "kv", "audit", "status");

  private BaoFlags() {}

  static String[] rewrite(CommandLine root, String[] args) {
    if (args.length == 0 || !BAO_COMMANDS.contains(args[0])) {
      return args;
    }
    String[] rewritten = args.clone();
    CommandLine command = root;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--")) {
        break;
      }
      CommandLine sub = command.getSubcommands().get(arg);
      if (sub != null) {
        command = sub;
        continue;
      }
      if (!arg.startsWith("-") || arg.length() < 2) {
        continue; // a positional parameter
      }
      int equals = arg.indexOf('=');
      String name = equals < 0 ? arg : arg.substring(0, equals);
      Map<String, OptionSpec> options = command.getCommandSpec().optionsMap();
      OptionSpec option = options.get(name);
      if (option == null && !name.startsWith("--") && name.length() > 2) {
        option = options.get("-" + name);
        if (option != null) {
          rewritten[i] = "-" + arg;
        }
      }
      if (option != null && equals < 0 && takesValue(option)) {
        i++; // the option's value, as it is
      }
    }
    return rewritten;
  }

  private static boolean takesValue(OptionSpec option) {
    return option.arity().min() > 0;
  }
}
