package io.brine.master.listener;

/**
 * The user event that tells a connection's handler to send REAUTH now: the publish key rotated to
 * {@code epoch}. Fired on the connection's event loop, after the connection's random delay.
 */
record ReauthDue(int epoch) {}
