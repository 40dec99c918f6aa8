package io.brine.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class ShamirPropertiesTest {

  record Scheme(int parts, int threshold) {}

  @Provide
  Arbitrary<Scheme> schemes() {
    return Arbitraries.integers()
        .between(2, 255)
        .flatMap(p -> Arbitraries.integers().between(2, p).map(t -> new Scheme(p, t)));
  }

  @Provide
  Arbitrary<Scheme> smallSchemes() {
    return Arbitraries.integers()
        .between(2, 12)
        .flatMap(p -> Arbitraries.integers().between(2, p).map(t -> new Scheme(p, t)));
  }

  @Property(tries = 100)
  void anyThresholdSubsetInAnyOrder_givesSecretBack(
      @ForAll @Size(min = 1, max = 64) byte[] secret,
      @ForAll("schemes") Scheme scheme,
      @ForAll Random order) {
    List<byte[]> shares = new ArrayList<>(Shamir.split(secret, scheme.parts(), scheme.threshold()));
    Collections.shuffle(shares, order);

    List<byte[]> subset = shares.subList(0, scheme.threshold());

    assertThat(Shamir.combine(subset)).isEqualTo(secret);
  }

  @Property(tries = 100)
  void moreSharesThanThreshold_giveSecretBack(
      @ForAll @Size(min = 1, max = 64) byte[] secret,
      @ForAll("smallSchemes") Scheme scheme,
      @ForAll Random order) {
    List<byte[]> shares = new ArrayList<>(Shamir.split(secret, scheme.parts(), scheme.threshold()));
    Collections.shuffle(shares, order);
    int extra = order.nextInt(scheme.parts() - scheme.threshold() + 1);

    List<byte[]> subset = shares.subList(0, scheme.threshold() + extra);

    assertThat(Shamir.combine(subset)).isEqualTo(secret);
  }

  @Property(tries = 50)
  void everyShareIsSecretLengthPlusOne_withDistinctNonZeroX(
      @ForAll @Size(min = 1, max = 40) byte[] secret, @ForAll("smallSchemes") Scheme scheme) {
    List<byte[]> shares = Shamir.split(secret, scheme.parts(), scheme.threshold());
    boolean[] seen = new boolean[256];
    for (byte[] share : shares) {
      assertThat(share).hasSize(secret.length + 1);
      int x = share[secret.length] & 0xFF;
      assertThat(x).isNotZero();
      assertThat(seen[x]).as("x %d repeated", x).isFalse();
      seen[x] = true;
    }
  }
}
