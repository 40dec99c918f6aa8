package io.brine.cli.key;

import io.brine.master.pki.ImportedKey;
import io.brine.master.pki.KeyChanges;
import io.brine.master.pki.KeyImport;
import io.brine.master.pki.KeyRules;
import io.brine.master.pki.KeyStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code brine key --import DIR [--dry-run]}: another master's PKI folder into the running master's
 * store (its folder, or a cluster's database), through {@code /v1/brine/keys/import}. The folder is
 * read and every key checked first ({@link KeyFolder}): a bad file is one line naming it, and
 * nothing is sent. Then one line per key, as salt-key prints its changes, and a summary line.
 */
final class ImportAction {
  private final KeyView view;
  private final OnlineKeys master;

  ImportAction(KeyView view, OnlineKeys master) {
    this.view = view;
    this.master = master;
  }

  /**
   * @return {@link KeyCommand#OK} when every key was imported or already there, {@link
   *     KeyCommand#CONFLICTS} when some were left out
   */
  int run(Path dir, boolean dryRun) {
    List<ImportedKey> keys = KeyFolder.read(dir);
    KeyImport result = master.importKeys(keys, dryRun);
    Map<KeyImport.Placed, String> outcome = new HashMap<>();
    result.imported().forEach(p -> outcome.put(p, dryRun ? "would be imported" : "imported"));
    result.unchanged().forEach(p -> outcome.put(p, "unchanged, already there"));
    for (KeyChanges.Refusal c : result.conflicts()) {
      outcome.put(
          new KeyImport.Placed(c.id(), c.status()),
          (dryRun ? "would not be imported: " : "not imported: ") + c.reason());
    }
    if (view.isText()) {
      for (ImportedKey key : keys) {
        String said = outcome.get(new KeyImport.Placed(key.id(), key.status()));
        view.line(
            "Key for minion "
                + key.id()
                + " ("
                + KeyRules.label(key.status())
                + ") "
                + (said == null ? "not in the master's answer" : said)
                + ".");
      }
      view.line(capitalized(result.summary()) + ".");
    } else {
      view.structured(tree(result));
    }
    return result.conflicts().isEmpty() ? KeyCommand.OK : KeyCommand.CONFLICTS;
  }

  private static String capitalized(String line) {
    return Character.toUpperCase(line.charAt(0)) + line.substring(1);
  }

  /** The master's answer's shape, joined over the batches. */
  private static Map<String, Object> tree(KeyImport result) {
    Map<String, Object> tree = new LinkedHashMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Map.Entry<KeyStatus, Integer> e : result.importedByStatus().entrySet()) {
      counts.put(KeyRules.label(e.getKey()), e.getValue());
    }
    tree.put("imported", counts);
    tree.put("unchanged", result.unchanged().size());
    List<Map<String, String>> conflicts = new ArrayList<>();
    for (KeyChanges.Refusal c : result.conflicts()) {
      Map<String, String> one = new LinkedHashMap<>();
      one.put("id", c.id().value());
      one.put("status", KeyRules.label(c.status()));
      one.put("reason", c.reason());
      conflicts.add(one);
    }
    tree.put("conflicts", conflicts);
    tree.put("dry_run", result.dryRun());
    return tree;
  }
}
