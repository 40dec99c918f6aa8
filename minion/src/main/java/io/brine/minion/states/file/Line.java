package io.brine.minion.states.file;

import io.brine.minion.functions.OneLine;
import io.brine.minion.functions.builtin.file.FilePaths;
import io.brine.minion.states.StateCall;
import io.brine.minion.states.StateFunction;
import io.brine.minion.states.StateResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Salt's {@code file.line}: one line ensured, replaced, deleted or inserted ({@link LineEdit}),
 * changes {@code {'diff': ...}}. As Salt's, {@code create} makes a missing file first (with
 * {@code user}, {@code group} and {@code file_mode}), a link is followed to its file, and the file
 * is rewritten atomically keeping its mode and owner; {@code backup} keeps the old file as {@code
 * name.YYYY-MM-DD-HH-MM-SS}. Files up to {@value Managed#MAX_TEXT_BYTES} bytes of text.
 */
final class Line implements StateFunction {
  private static final List<String> MODES = List.of("ensure", "replace", "delete", "insert");
  private static final DateTimeFormatter BACKUP_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss");

  @Override
  public String name() {
    return "file.line";
  }

  @Override
  public StateResult apply(StateCall call) throws InterruptedException {
    try {
      StateArgs a = new StateArgs(name(), call);
      if (call.name().isEmpty()) {
        return StateResult.failed("Must provide name to file.line");
      }
      Path path = StateArgs.absolute(call.name());
      String mode = a.string("mode");
      if (mode == null) {
        return StateResult.failed("Mode was not defined. How to process the file?");
      }
      mode = mode.toLowerCase(Locale.ROOT);
      if (!MODES.contains(mode)) {
        return StateResult.failed("Unknown mode: \"" + mode + "\"");
      }
      String content = a.string("content");
      if (!mode.equals("delete") && content == null) {
        return StateResult.failed("Content can only be empty if mode is ['delete']");
      }
      Perms perms = Perms.of(a.string("user"), a.string("group"), a.mode("file_mode"));
      LineEdit edit = new LineEdit(content, a.string("match"), mode, a.string("location"),
          a.string("before"), a.string("after"), a.bool("indent", true));
      return line(call, a, path, perms, edit);
    } catch (IllegalArgumentException e) {
      return StateResult.failed(OneLine.of(e.getMessage()));
    } catch (IOException e) {
      return StateResult.failed(OneLine.of(FilePaths.describe(e)));
    }
  }

  private StateResult line(StateCall call, StateArgs a, Path path, Perms perms, LineEdit edit)
      throws IOException, InterruptedException {
    String name = call.name();
    boolean create = a.bool("create", false);
    boolean showChanges = a.bool("show_changes", true);
    boolean backup = a.bool("backup", false);
    Path target = Files.exists(path) ? path.toRealPath() : path;
    boolean exists = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
    if (!exists && !create) {
      return StateResult.failed(name + ": file not found");
    }
    if (exists && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
      return StateResult.failed("File \"" + target + "\" does not exists or is not a file.");
    }
    if (exists && Files.size(target) > Managed.MAX_TEXT_BYTES) {
      return StateResult.failed(name + " is larger than " + Managed.MAX_TEXT_BYTES
          + " bytes, the most file.line edits");
    }
    String before = "";
    if (exists) {
      before = Diffs.text(Files.readAllBytes(target));
      if (before == null) {
        return StateResult.failed("Cannot edit a binary file: " + name);
      }
    }
    String after = edit.apply(before);
    Map<String, Object> changes = new LinkedHashMap<>();
    if (!after.equals(before) || !exists) {
      changes.put("diff", showChanges ? Diffs.of(before, after) : true);
    }
    Map<String, Object> permChanges = exists ? perms.changes(target) : Map.of();
    changes.putAll(permChanges);
    if (changes.isEmpty()) {
      return StateResult.ok("No changes needed to be made");
    }
    if (call.test()) {
      return StateResult.wouldChange("Changes would be made", changes);
    }
    try {
      if (!after.equals(before) || !exists) {
        if (!Files.isDirectory(target.getParent())) {
          return StateResult.failed("Parent directory not present");
        }
        if (backup && exists) {
          backup(target);
        }
        AtomicFile.write(target, after.getBytes(StandardCharsets.UTF_8), perms);
      } else {
        perms.apply(target);
      }
    } catch (Perms.PermsException e) {
      return StateResult.failed(e.getMessage());
    }
    return StateResult.changed("Changes were made", changes);
  }

  private static void backup(Path target) throws IOException {
    PosixFileAttributes old =
        Files.readAttributes(target, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    Path copy = Path.of(target + "." + LocalDateTime.now().format(BACKUP_TIME));
    AtomicFile.copy(copy, target, Perms.like(old));
  }
}
