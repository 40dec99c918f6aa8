package io.brine.minion.functions.builtin.file;

import io.brine.common.files.DurableFiles;
import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.builtin.CommandError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code file.replace path pattern repl [count=0] [flags=8] [bufsize] [append_if_not_found]
 * [prepend_if_not_found] [not_found_content] [backup=.bak] [dry_run] [search_only] [show_changes]
 * [ignore_if_missing] [preserve_inode=True] [backslash_literal]}: Salt's arguments, in Salt's
 * order. The pattern runs over the whole file (Python's re semantics, {@link PythonRegex}); the
 * return is the unified diff with show_changes (Salt's default), otherwise whether the file
 * changed; search_only returns whether the pattern is found.
 *
 * <p>Bounded: files over {@value #MAX_BYTES} bytes are refused, the diff is cut at {@value
 * #MAX_DIFF} characters, and the match stops at the job's timeout. A changed file is first copied
 * to path+backup (atomically); then, as Salt's, written in place with preserve_inode=True (the
 * default: hard links and the inode stay) or atomically by temp file and rename with
 * preserve_inode=False. A link is followed to the file it names, as Salt's realpath.
 */
public final class FileReplace implements MinionFunction {
  static final int MAX_BYTES = 10 * 1024 * 1024;
  static final int MAX_DIFF = 256 * 1024;

  private static final List<String> PARAMETERS =
      List.of(
          "path",
          "pattern",
          "repl",
          "count",
          "flags",
          "bufsize",
          "append_if_not_found",
          "prepend_if_not_found",
          "not_found_content",
          "backup",
          "dry_run",
          "search_only",
          "show_changes",
          "ignore_if_missing",
          "preserve_inode",
          "backslash_literal");

  @Override
  public String name() {
    return "file.replace";
  }

  @Override
  public String doc() {
    return "Replaces a regex pattern in a file (Salt's arguments); returns the diff (up to 10 MiB"
        + " files).";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
    Arguments a = Arguments.parse(call, name(), PARAMETERS, Set.of());
    Path path = FilePaths.absolute(a, name(), "path");
    String patternText = a.requiredString("pattern");
    String repl = a.requiredString("repl");
    double countGiven = a.optionalNumber("count").orElse(0.0);
    if (countGiven < 0 || countGiven != Math.rint(countGiven)) {
      throw new FunctionException(name() + ": 'count' must be a whole number, 0 or more");
    }
    int count = (int) Math.min(countGiven, Integer.MAX_VALUE);
    int flags = a.get("flags").isPresent() ? PythonRegex.flags(name(), a.get("flags").get()) : 8;
    a.get("bufsize"); // Salt's read buffer size: the whole file is read here, it changes nothing
    boolean append = a.bool("append_if_not_found", false);
    boolean prepend = a.bool("prepend_if_not_found", false);
    String notFound = a.optionalString("not_found_content").orElse(null);
    String backup = backup(a);
    boolean dryRun = a.bool("dry_run", false);
    boolean searchOnly = a.bool("search_only", false);
    boolean showChanges = a.bool("show_changes", true);
    boolean ignoreIfMissing = a.bool("ignore_if_missing", false);
    boolean preserveInode = a.bool("preserve_inode", true);
    boolean literal = a.bool("backslash_literal", false);
    if (searchOnly && (append || prepend)) {
      throw new FunctionException(
          name() + ": search_only cannot be used with append_if_not_found or prepend_if_not_found");
    }
    if (append && prepend) {
      throw new FunctionException(
          name() + ": only one of append_if_not_found and prepend_if_not_found is permitted");
    }
    Pattern pattern = PythonRegex.compile(name(), patternText, flags);
    List<PythonRegex.Piece> template = PythonRegex.template(name(), repl, literal);

    Path file;
    String before;
    try {
      if (!Files.exists(path)) {
        return ignoreIfMissing
            ? FunctionOutput.ok(false)
            : CommandError.of(path + " does not exist");
      }
      file = path.toRealPath();
      if (!Files.isRegularFile(file)) {
        return CommandError.of(path + " is not a regular file");
      }
      if (Files.size(file) > MAX_BYTES) {
        return CommandError.of(
            path + " is larger than " + MAX_BYTES + " bytes, the most file.replace edits");
      }
      byte[] bytes = FileRead.readBounded(file, MAX_BYTES);
      if (bytes == null) {
        return CommandError.of(
            path + " is larger than " + MAX_BYTES + " bytes, the most file.replace edits");
      }
      before = text(bytes);
      if (before == null) {
        return CommandError.of("Cannot perform string replacements on a binary file: " + path);
      }
    } catch (IOException e) {
      return CommandError.of(FilePaths.describe(e));
    }

    if (searchOnly) {
      return FunctionOutput.ok(PythonRegex.find(pattern, before));
    }
    PythonRegex.Substitution sub = PythonRegex.subn(name(), pattern, template, before, count);
    String after = sub.text();
    if (sub.count() == 0 && (append || prepend)) {
      String content = notFound != null ? notFound : repl;
      boolean present =
          PythonRegex.find(
              Pattern.compile(
                  "^" + Pattern.quote(content) + "$", Pattern.MULTILINE | Pattern.UNIX_LINES),
              before);
      if (!present) {
        if (prepend) {
          after = content + "\n" + before;
        } else {
          after =
              (before.isEmpty() || before.endsWith("\n") ? before : before + "\n") + content + "\n";
        }
      }
    }
    boolean changed = !after.equals(before);
    if (changed && !dryRun) {
      try {
        write(file, before, after, backup, preserveInode);
      } catch (IOException e) {
        return CommandError.of("Unable to write " + path + ": " + FilePaths.describe(e));
      }
    }
    if (showChanges) {
      return FunctionOutput.ok(UnifiedDiff.of(before, after, MAX_DIFF));
    }
    return FunctionOutput.ok(changed);
  }

  /** Salt's backup: an extension (".bak" when not given), or False, "None" or "" for none. */
  private String backup(Arguments a) throws FunctionException {
    Object given = a.get("backup").orElse(".bak");
    if (Boolean.FALSE.equals(given)) {
      return null;
    }
    String s = given instanceof Boolean ? ".bak" : a.optionalString("backup").orElse(".bak");
    String lower = s.strip().toLowerCase(Locale.ROOT);
    if (lower.isEmpty() || lower.equals("false") || lower.equals("none")) {
      return null;
    }
    if (s.contains("/") || s.indexOf('\0') >= 0) {
      throw new FunctionException(name() + ": 'backup' is an extension such as .bak, not a path");
    }
    return s;
  }

  private static String text(byte[] bytes) {
    for (byte b : bytes) {
      if (b == 0) {
        return null;
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static void write(Path file, String before, String after, String backup, boolean inPlace)
      throws IOException {
    byte[] content = after.getBytes(StandardCharsets.UTF_8);
    if (backup != null) {
      DurableFiles.write(
          file.resolveSibling(file.getFileName() + backup),
          before.getBytes(StandardCharsets.UTF_8),
          PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
    if (!inPlace) {
      String note = AtomicWrite.replace(file, content);
      if (note != null) {
        throw new IOException("written, but " + note);
      }
      return;
    }
    try (FileChannel out =
        FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(content);
      while (b.hasRemaining()) {
        out.write(b);
      }
      out.force(true);
    }
  }
}
