package io.brine.master.pillar;

import io.brine.protocol.IdGlob;
import io.brine.protocol.MinionId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * brine's {@code pillar_secret_policies}: the vault policies whose rules say which secrets a
 * minion's pillar may read through {@code vault_secret()}, bound to minion id globs (Salt's
 * fnmatch, as in {@code autosign_file}). A minion has the policies of every glob its id matches,
 * in the config's order; a minion no glob matches has none, and reads no secret. The policies are
 * the token policies of the operator API ({@code sys/policy/<name>}), checked by the same ACL.
 */
public final class SecretPolicies {
  /** No policy for any minion: {@code vault_secret()} refuses every read. */
  public static final SecretPolicies NONE = new SecretPolicies(Map.of());

  private final Map<String, List<String>> byGlob;
  private final List<IdGlob> globs;

  private SecretPolicies(Map<String, List<String>> byGlob) {
    this.byGlob = byGlob;
    this.globs = byGlob.keySet().stream().map(IdGlob::of).toList();
  }

  /** {@code glob -> policy names}, in the config's order. */
  public static SecretPolicies of(Map<String, List<String>> byGlob) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    byGlob.forEach((glob, names) -> copy.put(glob, List.copyOf(names)));
    return new SecretPolicies(Collections.unmodifiableMap(copy));
  }

  /** The policy names bound to {@code id}, each once, in the config's order. */
  public List<String> policiesFor(MinionId id) {
    Set<String> names = new LinkedHashSet<>();
    int i = 0;
    for (List<String> bound : byGlob.values()) {
      if (globs.get(i++).matches(id.value())) {
        names.addAll(bound);
      }
    }
    return new ArrayList<>(names);
  }

  /** The bindings as the config gave them. */
  public Map<String, List<String>> bindings() {
    return byGlob;
  }

  public boolean isEmpty() {
    return byGlob.isEmpty();
  }
}
