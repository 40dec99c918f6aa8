package io.brine.minion.functions;

import io.brine.minion.functions.builtin.CmdRetcode;
import io.brine.minion.functions.builtin.CmdRun;
import io.brine.minion.functions.builtin.CmdRunAll;
import io.brine.minion.functions.builtin.CmdScript;
import io.brine.minion.functions.builtin.CpGetFile;
import io.brine.minion.functions.builtin.DiskUsage;
import io.brine.minion.functions.builtin.Grains;
import io.brine.minion.functions.builtin.GrainsGet;
import io.brine.minion.functions.builtin.GrainsItem;
import io.brine.minion.functions.builtin.GrainsItems;
import io.brine.minion.functions.builtin.NetworkConnect;
import io.brine.minion.functions.builtin.NetworkIpAddrs;
import io.brine.minion.functions.builtin.NetworkPing;
import io.brine.minion.functions.builtin.SaltutilFindJob;
import io.brine.minion.functions.builtin.SaltutilKillJob;
import io.brine.minion.functions.builtin.SaltutilRunning;
import io.brine.minion.functions.builtin.SaltutilSignalJob;
import io.brine.minion.functions.builtin.SaltutilTermJob;
import io.brine.minion.functions.builtin.StatusLoadavg;
import io.brine.minion.functions.builtin.StatusMeminfo;
import io.brine.minion.functions.builtin.StatusUptime;
import io.brine.minion.functions.builtin.SysDoc;
import io.brine.minion.functions.builtin.GrainsSetval;
import io.brine.minion.functions.builtin.SysListFunctions;
import io.brine.minion.functions.builtin.TestArg;
import io.brine.minion.functions.builtin.TestEcho;
import io.brine.minion.functions.builtin.TestException;
import io.brine.minion.functions.builtin.TestPing;
import io.brine.minion.functions.builtin.TestRandStr;
import io.brine.minion.functions.builtin.TestSleep;
import io.brine.minion.functions.builtin.TestVersion;
import io.brine.minion.functions.builtin.cp.CpRecv;
import io.brine.minion.functions.builtin.file.FileAppend;
import io.brine.minion.functions.builtin.file.FileChmod;
import io.brine.minion.functions.builtin.file.FileChown;
import io.brine.minion.functions.builtin.file.FileExists;
import io.brine.minion.functions.builtin.file.FileHash;
import io.brine.minion.functions.builtin.file.FileMkdir;
import io.brine.minion.functions.builtin.file.FileRead;
import io.brine.minion.functions.builtin.file.FileRemove;
import io.brine.minion.functions.builtin.file.FileReplace;
import io.brine.minion.functions.builtin.file.FileStats;
import io.brine.minion.functions.builtin.file.FileWrite;
import io.brine.minion.functions.builtin.pillar.PillarFunctions;
import io.brine.minion.functions.builtin.pkg.PkgInstall;
import io.brine.minion.functions.builtin.pkg.PkgLatestVersion;
import io.brine.minion.functions.builtin.pkg.PkgListPkgs;
import io.brine.minion.functions.builtin.pkg.PkgRemove;
import io.brine.minion.functions.builtin.pkg.PkgVersion;
import io.brine.minion.functions.builtin.service.ServiceAction;
import io.brine.minion.functions.builtin.service.ServiceStatus;
import io.brine.minion.functions.builtin.user.GroupAdd;
import io.brine.minion.functions.builtin.user.GroupInfo;
import io.brine.minion.functions.builtin.user.UserAdd;
import io.brine.minion.functions.builtin.user.UserDelete;
import io.brine.minion.functions.builtin.user.UserInfo;
import io.brine.minion.functions.builtin.user.UserListUsers;
import io.brine.minion.states.StateEngine;
import io.brine.minion.states.StateFunctions;
import io.brine.minion.states.StateModule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/** The functions a minion can run, by name. Immutable. */
public final class FunctionRegistry {
  /** Salt's shape: module.function, lower case, digits and '_'. */
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*");

  private final Map<String, MinionFunction> byName;

  private FunctionRegistry(Map<String, MinionFunction> byName) {
    this.byName = Collections.unmodifiableMap(byName);
  }

  /** Every built-in function, over computed grains only. */
  public static FunctionRegistry builtIn() {
    return builtIn(new Grains());
  }

  /** Every built-in function, the grains functions over {@code grains} (the minion's own). */
  public static FunctionRegistry builtIn(Grains grains) {
    List<MinionFunction> fns =
        new ArrayList<>(
            List.of(
                new TestPing(),
                new TestEcho(),
                new TestVersion(),
                new TestSleep(),
                new CmdRun(),
                new CmdRunAll(),
                new CmdRetcode(),
                new GrainsItems(grains),
                new GrainsGet(grains),
                new GrainsItem(grains),
                new GrainsSetval(grains),
                new CpGetFile(),
                new CpRecv(),
                new CmdScript(),
                new PkgInstall(),
                new PkgRemove(),
                new PkgListPkgs(),
                new PkgVersion(),
                new PkgLatestVersion(),
                new ServiceAction("start"),
                new ServiceAction("stop"),
                new ServiceAction("restart"),
                new ServiceAction("enable"),
                new ServiceAction("disable"),
                new ServiceStatus(),
                new UserAdd(),
                new UserDelete(),
                new UserInfo(),
                new UserListUsers(),
                new GroupAdd(),
                new GroupInfo(),
                new TestRandStr("test.rand_str"),
                new TestRandStr("test.random_hash"),
                new TestArg(),
                new TestException(),
                new FileRead(),
                new FileWrite(),
                new FileAppend(),
                new FileExists(),
                new FileStats("file.stat"),
                new FileStats("file.stats"),
                new FileChmod(),
                new FileChown(),
                new FileRemove(),
                new FileMkdir(),
                new FileReplace(),
                new FileHash("file.hash"),
                new FileHash("file.get_hash"),
                new StatusUptime(),
                new StatusLoadavg(),
                new StatusMeminfo(),
                new DiskUsage(),
                new NetworkIpAddrs(),
                new NetworkPing(),
                new NetworkConnect()));
    fns.add(new SaltutilRunning());
    fns.add(new SaltutilFindJob());
    fns.add(new SaltutilKillJob());
    fns.add(new SaltutilTermJob());
    fns.add(new SaltutilSignalJob());
    fns.addAll(PillarFunctions.all());
    // The state module calls back into the registry it is part of (salt[...] in templates, the
    // states that run execution functions): the registry is handed over once it is built.
    AtomicReference<FunctionRegistry> self = new AtomicReference<>();
    fns.addAll(StateModule.all(new StateEngine(self::get, grains, StateFunctions.builtIn())));
    // sys.list_functions lists the registry it is part of: every name is known before it is built.
    SortedSet<String> names = new TreeSet<>();
    fns.forEach(f -> names.add(f.name()));
    names.add(SysListFunctions.NAME);
    names.add(SysDoc.NAME);
    fns.add(new SysListFunctions(names));
    fns.add(new SysDoc(fns));
    FunctionRegistry registry = of(fns.toArray(new MinionFunction[0]));
    self.set(registry);
    return registry;
  }

  /**
   * @throws IllegalArgumentException for a name given twice or not of the form module.function
   */
  public static FunctionRegistry of(MinionFunction... fns) {
    Map<String, MinionFunction> byName = new TreeMap<>();
    for (MinionFunction f : fns) {
      String name = f.name();
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "function name '" + OneLine.of(name) + "' is not of the form module.function");
      }
      if (byName.putIfAbsent(name, f) != null) {
        throw new IllegalArgumentException("function '" + name + "' is registered twice");
      }
    }
    return new FunctionRegistry(byName);
  }

  public Optional<MinionFunction> find(String name) {
    return name == null ? Optional.empty() : Optional.ofNullable(byName.get(name));
  }

  public SortedSet<String> names() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(byName.keySet()));
  }
}
