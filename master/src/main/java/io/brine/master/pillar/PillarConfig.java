package io.brine.master.pillar;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The master's pillar settings, Salt's names where Salt has the setting.
 *
 * @param roots Salt's {@code pillar_roots} for {@code base}: folders searched in order; a folder
 *     that does not exist adds nothing (a master with none has an empty pillar)
 * @param strategy Salt's {@code pillar_source_merging_strategy} (default smart)
 * @param mergeLists Salt's {@code pillar_merge_lists} (default false)
 * @param secretPolicies brine's {@code pillar_secret_policies}
 */
public record PillarConfig(
    List<Path> roots, MergeStrategy strategy, boolean mergeLists, SecretPolicies secretPolicies) {
  /** Salt's default {@code pillar_roots}. */
  public static final String DEFAULT_ROOT = "/srv/pillar";

  public PillarConfig {
    roots = List.copyOf(roots);
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(secretPolicies, "secretPolicies");
  }
}
