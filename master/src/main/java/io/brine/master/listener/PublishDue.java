package io.brine.master.listener;

/**
 * The user event that hands a connection one publication: {@code envelope} is the PUBLISH body,
 * sealed under the publish key of {@code epoch} and signed by the master, the same bytes for every
 * minion. A connection whose session predates {@code epoch} holds it until the minion has
 * re-authenticated and holds that key (docs/protocol.md §4.1).
 */
record PublishDue(int epoch, byte[] envelope) {}
