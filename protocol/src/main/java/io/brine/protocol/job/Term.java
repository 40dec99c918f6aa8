package io.brine.protocol.job;

import io.brine.protocol.BoundedMatch;
import io.brine.protocol.IdGlob;
import io.brine.protocol.MinionId;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * One node of a parsed target: a matcher on the id or the grains, or and/or/not of others. A term
 * that needs no grains never asks for them, so an id-only target costs no grain look-up.
 */
sealed interface Term {
  /**
   * @param grains the minion's grains, asked for only when a grain term is reached; it may give
   *     null when none are known (a grain term is then false)
   */
  boolean test(MinionId id, Facts grains);

  boolean needsGrains();

  /** Whether matching needs the minion's pillar (I@, J@, a pillar target). */
  default boolean needsPillar() {
    return false;
  }

  /** The minion's grains and pillar, each fetched once and only when asked. */
  final class Facts {
    private final Supplier<Map<String, ?>> source;
    private final Supplier<Map<String, ?>> pillarSource;
    private Map<String, ?> grains;
    private Map<String, ?> pillar;
    private boolean fetched;
    private boolean pillarFetched;

    Facts(Supplier<Map<String, ?>> source) {
      this(source, () -> null);
    }

    Facts(Supplier<Map<String, ?>> source, Supplier<Map<String, ?>> pillarSource) {
      this.source = source;
      this.pillarSource = pillarSource;
    }

    Map<String, ?> grains() {
      if (!fetched) {
        grains = source.get();
        fetched = true;
      }
      return grains;
    }

    Map<String, ?> pillar() {
      if (!pillarFetched) {
        pillar = pillarSource.get();
        pillarFetched = true;
      }
      return pillar;
    }
  }

  record Glob(IdGlob glob) implements Term {
    @Override
    public boolean test(MinionId id, Facts grains) {
      return glob.matches(id.value());
    }

    @Override
    public boolean needsGrains() {
      return false;
    }
  }

  record IdList(Set<String> ids) implements Term {
    @Override
    public boolean test(MinionId id, Facts grains) {
      return ids.contains(id.value());
    }

    @Override
    public boolean needsGrains() {
      return false;
    }
  }

  /** Python's re.match, which Salt uses: anchored at the start only; bounded ({@link BoundedMatch}). */
  record IdRegex(Pattern pattern) implements Term {
    @Override
    public boolean test(MinionId id, Facts grains) {
      return BoundedMatch.lookingAt(pattern, id.value());
    }

    @Override
    public boolean needsGrains() {
      return false;
    }
  }

  record Grain(GrainMatch match) implements Term {
    @Override
    public boolean test(MinionId id, Facts grains) {
      Map<String, ?> g = grains.grains();
      return g != null && match.matches(g);
    }

    @Override
    public boolean needsGrains() {
      return true;
    }
  }

  /** A pillar value, matched as a grain is (Salt's I@ and J@); false when no pillar is known. */
  record Pillar(GrainMatch match) implements Term {
    @Override
    public boolean test(MinionId id, Facts facts) {
      Map<String, ?> p = facts.pillar();
      return p != null && match.matches(p);
    }

    @Override
    public boolean needsGrains() {
      return false;
    }

    @Override
    public boolean needsPillar() {
      return true;
    }
  }

  record Ip(IpMatch match) implements Term {
    @Override
    public boolean test(MinionId id, Facts grains) {
      Map<String, ?> g = grains.grains();
      return g != null && match.matches(g);
    }

    @Override
    public boolean needsGrains() {
      return true;
    }
  }

  record Not(Term term) implements Term {
    @Override
    public boolean test(MinionId id, Facts grains) {
      return !term.test(id, grains);
    }

    @Override
    public boolean needsGrains() {
      return term.needsGrains();
    }

    @Override
    public boolean needsPillar() {
      return term.needsPillar();
    }
  }

  record And(Term left, Term right) implements Term {
    @Override
    public boolean test(MinionId id, Facts grains) {
      return left.test(id, grains) && right.test(id, grains);
    }

    @Override
    public boolean needsGrains() {
      return left.needsGrains() || right.needsGrains();
    }

    @Override
    public boolean needsPillar() {
      return left.needsPillar() || right.needsPillar();
    }
  }

  record Or(Term left, Term right) implements Term {
    @Override
    public boolean test(MinionId id, Facts grains) {
      return left.test(id, grains) || right.test(id, grains);
    }

    @Override
    public boolean needsGrains() {
      return left.needsGrains() || right.needsGrains();
    }

    @Override
    public boolean needsPillar() {
      return left.needsPillar() || right.needsPillar();
    }
  }
}
