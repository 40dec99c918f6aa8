package io.brine.master.pki.shared;

import io.brine.common.log.LogText;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WARN line per refused row of {@code brine_minion_keys}, not one per read: a refused minion
 * retries every few seconds, and every listing reads the row again. A row changed again is news and
 * is warned about again.
 */
final class TamperWarnings {
  private static final Logger log = LoggerFactory.getLogger(SharedKeyStore.class);

  /** Past this many distinct rows the memory starts over (each is then warned about once more). */
  private static final int MAX_REMEMBERED = 10_000;

  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  /** A row whose tag does not verify: changed or inserted outside brine. */
  void tampered(String id, String state, byte[] mac) {
    String row = id + '\0' + state + '\0' + (mac == null ? "" : HexFormat.of().formatHex(mac));
    if (remember(row)) {
      log.warn(
          "refusing the {} key of minion {} in brine_minion_keys: its integrity tag does not"
              + " match (the row was changed or inserted outside brine); it is treated as no key",
          state,
          LogText.escape(id));
    }
  }

  /** A row no brine master writes: an id that is no minion id, or an unknown state. */
  void invalid(String id, String state) {
    if (remember(id + '\0' + state)) {
      log.warn(
          "ignoring a row of brine_minion_keys with id {} and state {}: not a row brine writes",
          LogText.escape(id),
          LogText.escape(state));
    }
  }

  private boolean remember(String row) {
    row = row.length() > 512 ? row.substring(0, 512) : row; // a forged id may be long
    if (warned.size() >= MAX_REMEMBERED) {
      warned.clear();
    }
    return warned.add(row);
  }
}
