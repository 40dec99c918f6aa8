package io.brine.crypto;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs every test of a subclass twice: with ACCP's AWS-LC and with the JDK's providers, the two
 * choices of {@link CryptoProviders}. The vectors must give the same answers under both. ACCP must
 * load on the machines brine's CI runs on (Linux x86_64); if it does not, the ACCP half fails, as
 * it should.
 */
@ParameterizedClass(name = "[{0}]")
@EnumSource(
    value = CryptoProviders.Choice.class,
    names = {"ACCP", "JDK"})
public abstract class UnderEachProvider {
  @Parameter protected CryptoProviders.Choice provider;

  @BeforeEach
  void selectProvider() throws ProviderUnavailableException {
    CryptoProviders.Selection s = CryptoProviders.select(provider);
    if (provider == CryptoProviders.Choice.ACCP && !s.accpLoaded()) {
      throw new AssertionError("ACCP was asked for and not selected: " + s.description());
    }
  }

  @AfterAll
  static void restoreDefault() throws ProviderUnavailableException {
    CryptoProviders.select(CryptoProviders.Choice.AUTO);
  }
}
