package io.brine.cli.key;

import io.brine.cli.CliException;
import io.brine.crypto.rsa.Fingerprints;
import io.brine.protocol.IdGlob;
import io.brine.master.pki.KeyChanges;
import io.brine.master.pki.KeyStatus;
import io.brine.protocol.MinionId;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What each {@code brine key} action does to the keys and prints, as salt-key. Listing and changes
 * go to {@code keys} (the folder, or a running master), and so does printing keys and
 * fingerprints, so an operator who may not read the master's folder still can through its API.
 */
final class Actions {
  private final KeyCommand command;
  private final KeyView view;
  private final KeyStore keys;

  Actions(KeyCommand command, KeyView view, KeyStore keys) {
    this.command = command;
    this.view = view;
    this.keys = keys;
  }

  int list(Set<KeyStatus> statuses) {
    Map<KeyStatus, List<MinionId>> all = all();
    Map<KeyStatus, List<String>> byStatus = new EnumMap<>(KeyStatus.class);
    for (KeyStatus status : statuses) {
      byStatus.put(status, all.get(status).stream().map(MinionId::value).toList());
    }
    if (view.isText()) {
      view.text(byStatus, null);
    } else {
      view.ids(byStatus);
    }
    return KeyCommand.OK;
  }

  int accept(List<IdGlob> globs, boolean includeRejected, boolean includeDenied) {
    Set<KeyStatus> sources = EnumSet.of(KeyStatus.PENDING);
    if (includeRejected) {
      sources.add(KeyStatus.REJECTED);
    }
    if (includeDenied) {
      sources.add(KeyStatus.DENIED);
    }
    Map<KeyStatus, List<String>> selected = KeyCommand.select(all(), sources, globs);
    if (selected.isEmpty()) {
      return noMatch(globs, sources);
    }
    if (!confirm("accepted", selected, true)) {
      return KeyCommand.OK;
    }
    try {
      return report(
          keys.accept(KeyCommand.ids(selected), includeRejected, includeDenied), "accepted", true);
    } catch (IOException e) {
      throw failed("accept", e);
    }
  }

  int reject(List<IdGlob> globs, boolean includeAccepted, boolean includeDenied) {
    Set<KeyStatus> sources = EnumSet.of(KeyStatus.PENDING);
    if (includeAccepted) {
      sources.add(KeyStatus.ACCEPTED);
    }
    if (includeDenied) {
      sources.add(KeyStatus.DENIED);
    }
    Map<KeyStatus, List<String>> selected = KeyCommand.select(all(), sources, globs);
    if (selected.isEmpty()) {
      return noMatch(globs, sources);
    }
    if (!confirm("rejected", selected, true)) {
      return KeyCommand.OK;
    }
    try {
      return report(
          keys.reject(KeyCommand.ids(selected), includeAccepted, includeDenied), "rejected", true);
    } catch (IOException e) {
      throw failed("reject", e);
    }
  }

  int delete(List<IdGlob> globs) {
    Set<KeyStatus> sources = EnumSet.allOf(KeyStatus.class);
    Map<KeyStatus, List<String>> selected = KeyCommand.select(all(), sources, globs);
    if (selected.isEmpty()) {
      return noMatch(globs, sources);
    }
    if (!confirm("deleted", selected, false)) {
      return KeyCommand.OK;
    }
    try {
      return report(keys.delete(KeyCommand.ids(selected)), "deleted", false);
    } catch (IOException e) {
      throw failed("delete", e);
    }
  }

  /** -p/-P (the PEM) and -f/-F (salt-key's fingerprint, with the master's own as local). */
  int print(List<IdGlob> globs, boolean fingerprints) {
    Set<KeyStatus> sources = EnumSet.allOf(KeyStatus.class);
    Map<KeyStatus, List<String>> selected = KeyCommand.select(all(), sources, globs);
    if (selected.isEmpty()) {
      return noMatch(globs, sources);
    }
    Map<KeyStatus, Map<String, String>> values = new EnumMap<>(KeyStatus.class);
    Map<String, String> local = null;
    try {
      Set<MinionId> ids = new TreeSet<>();
      selected.values().forEach(list -> list.forEach(id -> ids.add(MinionId.of(id))));
      Map<KeyStatus, Map<MinionId, String>> pems = keys.publicKeys(ids);
      for (Map.Entry<KeyStatus, List<String>> entry : selected.entrySet()) {
        Map<String, String> byId = new TreeMap<>();
        Map<MinionId, String> found = pems.get(entry.getKey());
        for (String id : entry.getValue()) {
          String pem = found.get(MinionId.of(id));
          if (pem != null) {
            byId.put(id, fingerprints ? Fingerprints.salt(pem) : pem.stripTrailing());
          }
        }
        values.put(entry.getKey(), byId);
      }
      if (fingerprints) {
        Optional<String> master = keys.masterPublicKeyPem();
        if (master.isPresent()) {
          local = Map.of("master.pub", Fingerprints.salt(master.get()));
        }
      }
    } catch (IOException e) {
      throw failed("read", e);
    }
    view.values(local, values);
    return KeyCommand.OK;
  }

  private Map<KeyStatus, List<MinionId>> all() {
    try {
      return keys.list();
    } catch (IOException e) {
      throw failed("list", e);
    }
  }

  /** salt-key's listing and prompt; true when the user agreed (or gave -y). */
  private boolean confirm(String verb, Map<KeyStatus, List<String>> selected, boolean defaultYes) {
    if (command.yes) {
      return true;
    }
    // JSON and YAML keep stdout for the result alone.
    PrintWriter to =
        view.isText() ? command.spec.commandLine().getOut() : command.spec.commandLine().getErr();
    to.println("The following keys are going to be " + verb + ":");
    view.text(selected, to);
    return Confirmation.ask(command.brine(), to, defaultYes);
  }

  /** "Key for minion web1 accepted." per id; refused keys are errors on stderr. */
  private int report(KeyChanges changes, String verb, boolean byTarget) {
    if (view.isText()) {
      Set<String> ids = new LinkedHashSet<>();
      changes.changes().forEach(c -> ids.add(c.id().value()));
      ids.forEach(id -> view.line("Key for minion " + id + " " + verb + "."));
      if (keys.online() && changes.acceptedKeyRemoved()) {
        view.line("The master closed the removed minions' connections and rotates its key.");
      }
    } else {
      view.ids(KeyCommand.grouped(changes, byTarget));
    }
    if (changes.refused().isEmpty()) {
      return KeyCommand.OK;
    }
    PrintWriter err = command.spec.commandLine().getErr();
    for (KeyChanges.Refusal refusal : changes.refused()) {
      err.println(
          "Error: key for minion "
              + refusal.id()
              + " in "
              + refusal.status().dirName()
              + " not "
              + verb
              + ": "
              + refusal.reason());
    }
    err.flush();
    return KeyCommand.ERROR;
  }

  /** salt-key's message, on stderr so JSON output stays clean; exit 3 where salt-key says 0. */
  private int noMatch(List<IdGlob> globs, Set<KeyStatus> searched) {
    if (!command.quiet) {
      String glob = globs.stream().map(IdGlob::toString).collect(Collectors.joining(","));
      List<String> names = new ArrayList<>();
      for (KeyStatus status : KeyView.TEXT_ORDER) {
        if (searched.contains(status)) {
          names.add(
              status == KeyStatus.PENDING ? "unaccepted" : status.name().toLowerCase(Locale.ROOT));
        }
      }
      String statuses =
          names.size() == 1
              ? names.get(0)
              : String.join(", ", names.subList(0, names.size() - 1))
                  + " or "
                  + names.get(names.size() - 1);
      PrintWriter err = command.spec.commandLine().getErr();
      err.println("The key glob '" + glob + "' does not match any " + statuses + " keys.");
      err.flush();
    }
    return KeyCommand.NO_MATCH;
  }

  private static CliException failed(String what, IOException e) {
    return new CliException("cannot " + what + " keys in the PKI folder: " + e.getMessage(), e);
  }
}
