package io.brine.vault.policy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A named ACL policy: the text as written (HCL or JSON) and the rules parsed from it. Immutable;
 * made by {@link PolicyParser#parse} or read from a {@link PolicyStore}.
 *
 * <p>{@link #version} counts the policy's writes in the store (OpenBao's {@code version}); it is 0
 * and {@link #modified} is empty for a policy that was never stored: a freshly parsed one, the
 * built-in {@code root}, and the built-in {@code default} until it is first written.
 */
public final class Policy {
  /** The root policy: allows everything, has no rules, cannot be changed. */
  static final Policy ROOT = new Policy(PolicyStore.ROOT, "", List.of(), 0, null);

  private final String name;
  private final String text;
  private final List<PathRule> rules;
  private final int version;
  private final Instant modified;

  Policy(String name, String text, List<PathRule> rules, int version, Instant modified) {
    this.name = name;
    this.text = text;
    this.rules = List.copyOf(rules);
    this.version = version;
    this.modified = modified;
  }

  public String name() {
    return name;
  }

  /** Exactly what was written. */
  public String text() {
    return text;
  }

  public List<PathRule> rules() {
    return rules;
  }

  public int version() {
    return version;
  }

  public Optional<Instant> modified() {
    return Optional.ofNullable(modified);
  }

  boolean isRoot() {
    return name.equals(PolicyStore.ROOT);
  }

  Policy stored(int newVersion, Instant when) {
    return new Policy(name, text, rules, newVersion, when);
  }

  @Override
  public String toString() {
    return "Policy[" + name + ", " + rules.size() + " rules]";
  }
}
