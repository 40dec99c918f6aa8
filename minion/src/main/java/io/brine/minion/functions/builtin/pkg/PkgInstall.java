package io.brine.minion.functions.builtin.pkg;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.builtin.ListArgument;
import io.brine.minion.functions.builtin.SafeName;
import io.brine.minion.functions.builtin.SaltSource;
import io.brine.minion.functions.builtin.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code pkg.install NAME [refresh=True] [version=1.2] | pkgs='["a", {"b": "1.2"}]' |
 * sources='[{"a": "salt://a.deb"}]'}: installs, and returns Salt's {@code {name: {"old": "", "new":
 * "1.2"}}} for every package that changed (dependencies included). The other Salt options: {@code
 * fromrepo}, {@code skip_verify}, {@code reinstall}, {@code downloadonly}; their positions follow
 * aptpkg or yumpkg, whichever the host has. Sources are "salt://" files fetched from the master
 * into a private temporary directory, removed afterwards, or absolute paths on the minion.
 */
public final class PkgInstall extends PkgFunction {
  /** Options Salt has that brine does not carry out: refused when set, not silently dropped. */
  private static final Set<String> UNSUPPORTED = Set.of("debconf", "update_holds");

  public PkgInstall() {
    this(PackageManagers::host);
  }

  PkgInstall(Supplier<Optional<PackageManager>> manager) {
    super(manager);
  }

  @Override
  public String name() {
    return "pkg.install";
  }

  @Override
  public String doc() {
    return "Installs packages (name, pkgs or sources); returns {name: {old, new}} of each change.";
  }

  @Override
  FunctionOutput call(FunctionCall call, PackageManager pm)
      throws FunctionException, InterruptedException {
    Arguments a = Arguments.parse(call, name(), pm.installPositional(), pm.installKeywords());
    for (String option : UNSUPPORTED) {
      Optional<String> set = a.get(option).map(String::valueOf).filter(v -> !v.isEmpty());
      if (set.isPresent() && !set.get().equalsIgnoreCase("false")) {
        throw new FunctionException(name() + ": '" + option + "' is not supported by brine");
      }
    }
    String saltenv = a.optionalString("saltenv").orElse("base");
    if (!saltenv.equals("base")) {
      throw new FunctionException(name() + ": only saltenv 'base' exists, got " + saltenv);
    }
    Optional<String> fromrepo = a.optionalString("fromrepo");
    if (fromrepo.isPresent()) {
      SafeName.PACKAGE.check(name(), "fromrepo", fromrepo.get());
    }
    PackageManager.InstallOptions options =
        new PackageManager.InstallOptions(
            fromrepo.orElse(null),
            a.bool("skip_verify", false),
            a.bool("reinstall", false),
            a.bool("downloadonly", false));
    boolean refresh = a.bool("refresh", false);

    if (a.get("sources").isPresent()) {
      Map<String, String> sources = sources(a.get("sources").get());
      return withFiles(call, pm, sources, refresh, options);
    }
    Map<String, String> targets = targets(a);
    return run(pm, refresh, () -> pm.install(targets, options));
  }

  private Map<String, String> targets(Arguments a) throws FunctionException {
    Map<String, String> targets = new LinkedHashMap<>();
    if (a.get("pkgs").isPresent()) {
      // Salt ignores name when pkgs is given.
      for (Object item : ListArgument.of(name(), "pkgs", a.get("pkgs").get(), false)) {
        if (item instanceof String s) {
          targets.put(SafeName.PACKAGE.check(name(), "pkgs", s), null);
        } else if (item instanceof Map<?, ?> m && m.size() == 1) {
          Map.Entry<?, ?> e = m.entrySet().iterator().next();
          String n = SafeName.PACKAGE.check(name(), "pkgs", String.valueOf(e.getKey()));
          String v =
              e.getValue() == null
                  ? null
                  : SafeName.VERSION.check(name(), "pkgs", String.valueOf(e.getValue()));
          targets.put(n, v);
        } else {
          throw new FunctionException(
              name() + ": each of 'pkgs' must be a name or a {name: version} map of one entry");
        }
      }
      if (targets.isEmpty()) {
        throw new FunctionException(name() + ": 'pkgs' is empty");
      }
      return targets;
    }
    Optional<String> n = a.optionalString("name");
    if (n.isEmpty()) {
      throw new FunctionException(name() + " needs a package name, pkgs or sources");
    }
    Optional<String> version = a.optionalString("version");
    targets.put(
        SafeName.PACKAGE.check(name(), "name", n.get()),
        version.isEmpty() ? null : SafeName.VERSION.check(name(), "version", version.get()));
    return targets;
  }

  /** {@code [{"name": "salt://x.deb"}, ...]}: name to source, each checked. */
  private Map<String, String> sources(Object given) throws FunctionException {
    Map<String, String> sources = new LinkedHashMap<>();
    for (Object item : ListArgument.of(name(), "sources", given, false)) {
      if (!(item instanceof Map<?, ?> m) || m.size() != 1) {
        throw new FunctionException(
            name() + ": each of 'sources' must be a {name: source} map of one entry");
      }
      Map.Entry<?, ?> e = m.entrySet().iterator().next();
      String n = SafeName.PACKAGE.check(name(), "sources", String.valueOf(e.getKey()));
      if (!(e.getValue() instanceof String source)) {
        throw new FunctionException(name() + ": the source of " + n + " must be a string");
      }
      if (SaltSource.isSaltUrl(source)) {
        SaltSource.relativePath(name(), source);
      } else {
        Path p = localPath(source);
        if (!Files.isRegularFile(p)) {
          throw new FunctionException(name() + ": the source of " + n + " is no file: " + source);
        }
      }
      sources.put(n, source);
    }
    if (sources.isEmpty()) {
      throw new FunctionException(name() + ": 'sources' is empty");
    }
    return sources;
  }

  private Path localPath(String source) throws FunctionException {
    try {
      Path p = Path.of(source);
      if (p.isAbsolute()) {
        return p;
      }
    } catch (InvalidPathException e) {
      // Falls through to the refusal.
    }
    throw new FunctionException(
        name() + ": a source must be salt://path or an absolute path on the minion, got " + source);
  }

  private FunctionOutput withFiles(
      FunctionCall call,
      PackageManager pm,
      Map<String, String> sources,
      boolean refresh,
      PackageManager.InstallOptions options)
      throws FunctionException, InterruptedException {
    Path dir = null;
    try {
      List<Path> files = new ArrayList<>();
      int i = 0;
      for (Map.Entry<String, String> e : sources.entrySet()) {
        if (SaltSource.isSaltUrl(e.getValue())) {
          if (dir == null) {
            // Private to the minion's user (0700): nobody swaps the package before it installs.
            dir = TempDirs.create("brine-pkg-");
          }
          Path file = dir.resolve((i++) + "-" + e.getKey() + pm.fileSuffix());
          call.context().files().fetch(e.getValue(), file);
          files.add(file);
        } else {
          files.add(localPath(e.getValue()));
        }
      }
      return run(pm, refresh, () -> pm.installFiles(files, options));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      TempDirs.delete(dir);
    }
  }

  @FunctionalInterface
  private interface Change {
    PackageManager.Outcome run() throws InterruptedException;
  }

  private FunctionOutput run(PackageManager pm, boolean refresh, Change change)
      throws InterruptedException {
    if (refresh) {
      PackageManager.Outcome o = pm.refresh();
      if (!o.ok()) {
        return problem("installing", Map.of(), o.error());
      }
    }
    Map<String, List<String>> before = pm.installed();
    PackageManager.Outcome o = change.run();
    Map<String, Object> changes = changes(before, pm.installed());
    return o.ok() ? FunctionOutput.ok(changes) : problem("installing", changes, o.error());
  }
}
