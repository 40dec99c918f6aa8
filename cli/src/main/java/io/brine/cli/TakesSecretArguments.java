package io.brine.cli;

/**
 * Marks a command whose arguments may be key shares or tokens, so that usage errors never echo them
 * back.
 */
public interface TakesSecretArguments {}
