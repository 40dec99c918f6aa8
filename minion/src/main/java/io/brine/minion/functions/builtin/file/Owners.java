package io.brine.minion.functions.builtin.file;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Optional;

/** Users and groups by name or number, as Salt's user_to_uid and group_to_gid take them. */
public final class Owners {
  private static final UserPrincipalLookupService LOOKUP =
      FileSystems.getDefault().getUserPrincipalLookupService();

  private Owners() {}

  /** Empty when there is no such user (the JDK also accepts a number it cannot name). */
  public static Optional<UserPrincipal> user(String name) throws IOException {
    try {
      return Optional.of(LOOKUP.lookupPrincipalByName(name));
    } catch (UserPrincipalNotFoundException e) {
      return Optional.empty();
    }
  }

  public static Optional<GroupPrincipal> group(String name) throws IOException {
    try {
      return Optional.of(LOOKUP.lookupPrincipalByGroupName(name));
    } catch (UserPrincipalNotFoundException e) {
      return Optional.empty();
    }
  }
}
