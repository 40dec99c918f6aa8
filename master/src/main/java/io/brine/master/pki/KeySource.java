package io.brine.master.pki;

import java.util.Locale;

/** Why a store changed a key: what a shared store's history records beside each change. */
public enum KeySource {
  /** A minion presented the key: a new pending key, or a second key written to denied. */
  PRESENTED,
  /** An operator's {@code brine key -a/-r/-d}. */
  API,
  /** Salt's {@code auto_accept}. */
  AUTO_ACCEPT,
  /** An id matched by {@code autosign_file}. */
  AUTOSIGN,
  /** An id matched by {@code autoreject_file}. */
  AUTOREJECT,
  /** Copied in by an operator's {@code brine key --import} (from another master's folder). */
  IMPORT;

  /** The source of the change a decision makes. */
  static KeySource of(KeyDecision decision) {
    return switch (decision) {
      case ACCEPT, REJECT, DELETE -> API;
      case AUTO_ACCEPT -> AUTO_ACCEPT;
      case AUTOSIGN -> AUTOSIGN;
      case AUTOREJECT -> AUTOREJECT;
      case DENIED -> PRESENTED;
      case IMPORT -> IMPORT;
    };
  }

  /** "presented", "api", "auto_accept", ...: the history's names. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
