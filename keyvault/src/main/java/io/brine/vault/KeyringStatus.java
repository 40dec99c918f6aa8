package io.brine.vault;

import java.time.Instant;

/** {@code GET sys/key-status}: the active barrier term. */
public record KeyringStatus(int term, Instant installTime, long encryptions) {}
