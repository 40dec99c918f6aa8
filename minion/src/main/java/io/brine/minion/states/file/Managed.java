package io.brine.minion.states.file;

import io.brine.common.render.RenderException;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.OneLine;
import io.brine.minion.functions.builtin.GrainsGet;
import io.brine.minion.functions.builtin.SaltSource;
import io.brine.minion.functions.builtin.TempDirs;
import io.brine.minion.functions.builtin.file.FilePaths;
import io.brine.minion.states.StateCall;
import io.brine.minion.states.StateFunction;
import io.brine.minion.states.StateResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Salt's {@code file.managed}: the file at {@code name} has the content of {@code source} (salt://
 * from the master's file server, the first of a list that exists; or a local absolute path),
 * {@code contents}, {@code contents_pillar} or {@code contents_grains}, rendered with {@code
 * template: jinja} when asked, and the {@code user}, {@code group} and {@code mode} given.
 *
 * <p>As Salt's, a link at {@code name} is written through: the file it leads to is what is
 * compared, replaced and given the mode, never the link. The write is {@link AtomicFile}'s (temp
 * file beside the target, mode and owner set on it, fsync, rename). A fetched source is staged in a
 * private (0700) temp folder and streamed into place, so its size costs no memory; templates and
 * diffs hold at most {@value #MAX_TEXT_BYTES} bytes. Nothing of the content is ever logged.
 *
 * <p>{@code backup: minion} keeps the replaced file beside it as {@code name.YYYY-MM-DD-HH-MM-SS}
 * (the local time, as Salt's file.line names its backups; "-1", "-2" added when that name is
 * taken), with the old file's owner and mode. Salt keeps them under the minion's cache instead.
 */
final class Managed implements StateFunction {
  static final int MAX_TEXT_BYTES = 16 * 1024 * 1024;
  static final int MAX_DIFF_CHARS = 256 * 1024;
  static final String TEST_NOTE =
      "\nNote: No changes made, actual changes may\nbe different due to other states.";

  private static final Set<String> UNSUPPORTED = Set.of("source_hash", "source_hash_name",
      "check_cmd", "tmp_dir", "tmp_ext", "attrs", "keep_mode", "encoding", "contents_delimiter",
      "win_owner", "win_perms", "win_deny_perms", "win_inheritance", "win_perms_reset", "selinux",
      "verify_ssl", "use_etag", "signature", "signed_by_any", "signed_by_all");

  private static final DateTimeFormatter BACKUP_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss");

  @Override
  public String name() {
    return "file.managed";
  }

  @Override
  public StateResult apply(StateCall call) throws InterruptedException {
    Path staging = null;
    try {
      StateArgs a = new StateArgs(name(), call);
      a.refuse(UNSUPPORTED);
      if (call.name().isEmpty()) {
        return StateResult.failed("Destination file name is required");
      }
      Path path = StateArgs.absolute(call.name());
      staging = TempDirs.create("brine-managed-");
      return manage(call, a, path, staging);
    } catch (IllegalArgumentException e) {
      return StateResult.failed(OneLine.of(e.getMessage()));
    } catch (IOException e) {
      return StateResult.failed(OneLine.of(FilePaths.describe(e)));
    } finally {
      try {
        TempDirs.delete(staging);
      } catch (UncheckedIOException e) {
        // The folder is private (0700) and in the temp dir; nothing of it is shown to the caller.
      }
    }
  }

  private StateResult manage(StateCall call, StateArgs a, Path path, Path staging)
      throws IOException, InterruptedException {
    String name = call.name();
    List<String> sources = a.strings("source");
    int contentArgs = (a.has("contents") ? 1 : 0) + (a.has("contents_pillar") ? 1 : 0)
        + (a.has("contents_grains") ? 1 : 0);
    if (contentArgs > 1) {
      return StateResult.failed(
          "Only one of 'contents', 'contents_pillar', and 'contents_grains' is permitted");
    }
    if (!sources.isEmpty() && contentArgs > 0) {
      return StateResult.failed("'source' cannot be used in combination with 'contents',"
          + " 'contents_pillar', or 'contents_grains'");
    }
    if (!a.bool("follow_symlinks", true)) {
      return StateResult.failed(
          "file.managed: follow_symlinks=False is not supported by brine's file.managed");
    }
    a.bool("skip_verify", false); // salt:// files are always checked against the master's SHA-256
    a.bool("keep_source", true); // nothing is cached: the staged copy is removed after the run
    boolean replace = a.bool("replace", true);
    boolean create = a.bool("create", true);
    boolean makedirs = a.bool("makedirs", false);
    boolean showChanges = a.bool("show_changes", true);
    String backup = backup(a);
    Perms perms = Perms.of(a.string("user"), a.string("group"), a.mode("mode"));
    String dirMode = a.mode("dir_mode");

    if (Files.isDirectory(path)) {
      return StateResult.failed("Specified target " + name + " is a directory");
    }
    boolean exists = Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    if (!create && !exists) {
      return StateResult.ok("File " + name + " is not present and is not set for creation");
    }
    Path target = path;
    if (Files.isSymbolicLink(path)) {
      if (!Files.exists(path)) {
        return StateResult.failed(
            "Specified target " + name + " is a symlink to a file that does not exist");
      }
      target = path.toRealPath(); // Salt's follow_symlinks: the file the link leads to
    }
    if (!replace && exists) {
      return permsOnly(call, target, perms);
    }

    Content content = content(call, a, sources, staging);
    if (content.failure != null) {
      return StateResult.failed(OneLine.of(content.failure));
    }
    Path folder = target.getParent();
    if (!Files.isDirectory(folder) && !call.test()) {
      if (!makedirs) {
        return StateResult.failed("Parent directory not present");
      }
      StateResult made = makedirs(call, folder, perms, dirMode);
      if (made != null) {
        return made;
      }
    }
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return replaceFile(call, target, content, perms, showChanges, backup);
    }
    if (call.test()) {
      return StateResult.wouldChange("The file " + name + " is set to be changed" + TEST_NOTE,
          Map.of("newfile", name));
    }
    Map<String, Object> changes = new LinkedHashMap<>();
    Map<String, Object> made = content.file != null
        ? AtomicFile.copy(target, content.file, perms)
        : AtomicFile.write(target, content.bytes == null ? new byte[0] : content.bytes, perms);
    if (content.bytes == null && content.file == null) {
      changes.put("new", "file " + name + " created");
      changes.putAll(made);
      return StateResult.changed("Empty file", changes);
    }
    changes.put("diff", "New file");
    changes.putAll(made);
    return StateResult.changed("File " + name + " updated", changes);
  }

  /** replace: False on a file that is there: its user, group and mode only, as Salt's. */
  private StateResult permsOnly(StateCall call, Path target, Perms perms) throws IOException {
    String name = call.name();
    Map<String, Object> changes = perms.changes(target);
    if (call.test()) {
      if (changes.containsKey("mode")) {
        return StateResult.wouldChange("File " + name + " will be updated with permissions "
            + perms.mode + " from its current state of " + currentMode(target), changes);
      }
      return new StateResult(changes.isEmpty() ? true : null, "File " + name + " not updated",
          changes);
    }
    if (changes.isEmpty()) {
      return StateResult.ok("File " + name + " exists with proper permissions. No changes made.");
    }
    try {
      perms.apply(target);
    } catch (Perms.PermsException e) {
      return StateResult.failed(e.getMessage());
    }
    return StateResult.changed("File " + name + " updated", changes);
  }

  private StateResult replaceFile(StateCall call, Path target, Content content, Perms perms,
      boolean showChanges, String backup) throws IOException {
    String name = call.name();
    if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
      return StateResult.failed("Specified target " + name + " is not a regular file");
    }
    boolean differs = content.isSet() && !content.sameAs(target);
    Map<String, Object> changes = new LinkedHashMap<>();
    if (differs) {
      changes.put("diff", showChanges ? Diffs.of(target, content) : "<show_changes=False>");
    }
    Map<String, Object> permChanges = perms.changes(target);
    changes.putAll(permChanges);
    if (changes.isEmpty()) {
      return StateResult.ok("File " + name + " is in the correct state");
    }
    if (call.test()) {
      return StateResult.wouldChange(
          "The file " + name + " is set to be changed" + TEST_NOTE, changes);
    }
    try {
      if (differs) {
        if (backup != null) {
          backup(target);
        }
        if (content.file != null) {
          AtomicFile.copy(target, content.file, perms);
        } else {
          AtomicFile.write(target, content.bytes, perms);
        }
      } else {
        perms.apply(target);
      }
    } catch (Perms.PermsException e) {
      return StateResult.failed(e.getMessage());
    }
    return StateResult.changed("File " + name + " updated", changes);
  }

  /** Salt's makedirs: the missing folders get the user and group, and dir_mode or mode + x. */
  private StateResult makedirs(StateCall call, Path folder, Perms perms, String dirMode)
      throws InterruptedException {
    if (dirMode == null && perms.mode != null) {
      int m = Integer.parseInt(perms.mode, 8);
      int d = 0;
      for (int shift = 0; shift < 9; shift += 3) {
        int digit = (m >> shift) & 7;
        d |= (digit == 0 ? 0 : digit | 1) << shift;
      }
      dirMode = String.format("%04o", d);
    }
    Map<String, Object> kwargs = new LinkedHashMap<>();
    if (perms.user != null) {
      kwargs.put("user", perms.user);
    }
    if (perms.group != null) {
      kwargs.put("group", perms.group);
    }
    if (dirMode != null) {
      kwargs.put("mode", dirMode);
    }
    try {
      FunctionOutput out = call.context().call("file.mkdir", List.of(folder.toString()), kwargs);
      if (out.retcode() != 0) {
        return StateResult.failed(OneLine.of(String.valueOf(out.value())));
      }
      return null;
    } catch (FunctionException e) {
      return StateResult.failed(OneLine.of(e.getMessage()));
    }
  }

  private static void backup(Path target) throws IOException {
    PosixFileAttributes old =
        Files.readAttributes(target, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    String base = target + "." + LocalDateTime.now().format(BACKUP_TIME);
    Path copy = Path.of(base);
    for (int i = 1; Files.exists(copy, LinkOption.NOFOLLOW_LINKS); i++) {
      copy = Path.of(base + "-" + i);
    }
    AtomicFile.copy(copy, target, Perms.like(old));
  }

  /** Salt's backup: 'minion' keeps a copy; absent, '', False or None keeps none. */
  private static String backup(StateArgs a) {
    Object v = a.raw("backup");
    if (v == null || Boolean.FALSE.equals(v)) {
      return null;
    }
    String s = StateArgs.text(v).strip();
    if (s.isEmpty() || s.equalsIgnoreCase("none") || s.equalsIgnoreCase("false")) {
      return null;
    }
    if (!s.equals("minion")) {
      throw new IllegalArgumentException("file.managed: backup must be 'minion', got " + s);
    }
    return s;
  }

  private static String currentMode(Path target) throws IOException {
    PosixFileAttributes now =
        Files.readAttributes(target, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    return Perms.like(now).mode;
  }

  /**
   * The file's new content: bytes in memory (contents, a rendered template), a staged file (a
   * fetched source), neither (no source: the file only has to exist), or a failure line.
   */
  static final class Content {
    final byte[] bytes;
    final Path file;
    final String failure;

    private Content(byte[] bytes, Path file, String failure) {
      this.bytes = bytes;
      this.file = file;
      this.failure = failure;
    }

    static Content of(byte[] bytes) {
      return new Content(bytes, null, null);
    }

    static Content staged(Path file) {
      return new Content(null, file, null);
    }

    static Content failed(String failure) {
      return new Content(null, null, failure);
    }

    boolean isSet() {
      return bytes != null || file != null;
    }

    long size() throws IOException {
      return bytes != null ? bytes.length : Files.size(file);
    }

    boolean sameAs(Path target) throws IOException {
      if (Files.size(target) != size()) {
        return false;
      }
      if (bytes == null) {
        return Files.mismatch(target, file) < 0;
      }
      try (InputStream in = Files.newInputStream(target, LinkOption.NOFOLLOW_LINKS)) {
        byte[] buf = new byte[64 * 1024];
        int at = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
          if (at + n > bytes.length
              || Arrays.mismatch(buf, 0, n, bytes, at, at + n) >= 0) {
            return false;
          }
          at += n;
        }
        return at == bytes.length;
      }
    }

    byte[] read(int max) throws IOException {
      if (bytes != null) {
        return bytes;
      }
      if (Files.size(file) > max) {
        return null;
      }
      return Files.readAllBytes(file);
    }
  }

  private Content content(StateCall call, StateArgs a, List<String> sources, Path staging)
      throws IOException, InterruptedException {
    String template = a.string("template");
    Map<String, Object> vars = templateVars(a);
    boolean newline = a.bool("contents_newline", true);
    if (!sources.isEmpty()) {
      Path fetched = null;
      String used = null;
      for (String source : sources) {
        fetched = fetch(call, source, staging);
        if (fetched != null) {
          used = source;
          break;
        }
      }
      if (fetched == null) {
        return Content.failed(a.raw("source") instanceof List
            ? "Unable to manage file: none of the specified sources were found"
            : "Source file " + sources.get(0) + " not found in saltenv 'base'");
      }
      if (template == null) {
        return Content.staged(fetched);
      }
      if (Files.size(fetched) > MAX_TEXT_BYTES) {
        return Content.failed("Unable to manage file: " + used + " is larger than "
            + MAX_TEXT_BYTES + " bytes, the most brine renders as a template");
      }
      String text = new String(Files.readAllBytes(fetched), StandardCharsets.UTF_8);
      return render(call, used, template, text, vars);
    }
    String text;
    if (a.has("contents")) {
      text = joined(a.raw("contents"), "contents");
    } else if (a.has("contents_pillar")) {
      String key = a.string("contents_pillar");
      Object v = GrainsGet.traverse(call.context().pillar(), key, ":");
      if (v == null) {
        return Content.failed("Pillar " + key + " does not exist");
      }
      text = joined(v, "contents_pillar");
    } else if (a.has("contents_grains")) {
      String key = a.string("contents_grains");
      Object v = GrainsGet.traverse(call.context().grains(), key, ":");
      if (v == null) {
        return Content.failed("Grain " + key + " does not exist");
      }
      text = joined(v, "contents_grains");
    } else {
      return Content.of(null);
    }
    if (newline && !text.endsWith("\n")) {
      text = text + "\n";
    }
    if (template != null) {
      return render(call, "contents", template, text, vars);
    }
    return Content.of(text.getBytes(StandardCharsets.UTF_8));
  }

  private static Content render(StateCall call, String source, String template, String text,
      Map<String, Object> vars) {
    try {
      String out = call.context().renderTemplate(source, template, text, vars);
      return Content.of(out.getBytes(StandardCharsets.UTF_8));
    } catch (RenderException e) {
      return Content.failed("Unable to manage file: " + e.getMessage());
    }
  }

  /** Salt's template variables: defaults, with context over them. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> templateVars(StateArgs a) {
    Map<String, Object> vars = new LinkedHashMap<>();
    for (String key : List.of("defaults", "context")) {
      Object v = a.raw(key);
      if (v == null) {
        continue;
      }
      if (!(v instanceof Map)) {
        throw new IllegalArgumentException("file.managed: '" + key + "' must be a dictionary");
      }
      vars.putAll((Map<String, Object>) v);
    }
    return vars;
  }

  /** contents as Salt joins a list of lines; a scalar as Python's str(). */
  private static String joined(Object v, String arg) {
    if (v instanceof List<?> lines) {
      List<String> out = new ArrayList<>();
      for (Object line : lines) {
        if (line instanceof Map || line instanceof List) {
          throw new IllegalArgumentException("file.managed: '" + arg + "' must be a string or a"
              + " list of strings");
        }
        out.add(line == null ? "" : StateArgs.text(line));
      }
      return String.join("\n", out);
    }
    if (v instanceof Map) {
      throw new IllegalArgumentException(
          "file.managed: '" + arg + "' must be a string or a list of strings, not a dictionary");
    }
    return StateArgs.text(v);
  }

  /**
   * The source staged in the private folder, or null when it does not exist (the next of a list is
   * tried). A failure other than a missing file (the master unreachable) fails the state.
   */
  private static Path fetch(StateCall call, String source, Path staging)
      throws IOException, InterruptedException {
    Path local = localSource(source);
    if (local != null) {
      return Files.isRegularFile(local) ? local : null;
    }
    try {
      SaltSource.relativePath("file.managed", source);
    } catch (FunctionException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    Path dest = Files.createTempFile(staging, "source", "");
    try {
      call.context().functions().files().fetch(source, dest);
      return dest;
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      String m = String.valueOf(e.getMessage());
      // The master's file server words a missing file "no such file: x" or "x is a folder".
      if (m.startsWith("no such file") || m.endsWith("is a folder, not a file")) {
        return null;
      }
      throw new IOException("Unable to manage file: " + source + ": " + m, e);
    }
  }

  /** A local absolute path or file:// URL as Salt takes it for source; null for salt://. */
  private static Path localSource(String source) {
    if (source.startsWith("file://")) {
      return StateArgs.absolute(source.substring("file://".length()));
    }
    if (source.startsWith("/")) {
      return StateArgs.absolute(source);
    }
    if (!SaltSource.isSaltUrl(source)) {
      throw new IllegalArgumentException("Unable to manage file: brine serves salt://, file://"
          + " and absolute path sources, not " + source);
    }
    return null;
  }
}
