package io.brine.master.pki;

import io.brine.master.config.MasterConfig;
import io.brine.protocol.MinionId;
import java.nio.file.Path;

/**
 * Which new keys the master decides on by itself: Salt's {@code auto_accept}, {@code autosign_file}
 * and {@code autoreject_file}. The reject file is consulted first, so an id in both is rejected.
 */
public final class AcceptancePolicy {
  private static final AcceptancePolicy MANUAL = new AcceptancePolicy(false, null, null);

  private final boolean autoAccept;
  private final SigningFile autosign;
  private final SigningFile autoreject;

  private AcceptancePolicy(boolean autoAccept, Path autosignFile, Path autorejectFile) {
    this.autoAccept = autoAccept;
    this.autosign = autosignFile == null ? null : new SigningFile("autosign_file", autosignFile);
    this.autoreject =
        autorejectFile == null ? null : new SigningFile("autoreject_file", autorejectFile);
  }

  /** Every new key waits for an operator: Salt's default. */
  public static AcceptancePolicy manual() {
    return MANUAL;
  }

  /**
   * @param autosignFile null for none
   * @param autorejectFile null for none
   */
  public static AcceptancePolicy of(boolean autoAccept, Path autosignFile, Path autorejectFile) {
    return new AcceptancePolicy(autoAccept, autosignFile, autorejectFile);
  }

  public static AcceptancePolicy from(MasterConfig config) {
    return of(config.autoAccept(), config.autosignFile(), config.autorejectFile());
  }

  boolean autoRejected(MinionId id) {
    return autoreject != null && autoreject.matches(id);
  }

  /** Which rule accepts {@code id}: {@code auto_accept} first, then the autosign file. */
  KeyDecision autoSignDecision(MinionId id) {
    return autoAccept ? KeyDecision.AUTO_ACCEPT : KeyDecision.AUTOSIGN;
  }

  boolean autoSigned(MinionId id) {
    return autoAccept || (autosign != null && autosign.matches(id));
  }
}
