package io.brine.minion.functions.builtin.file;

import io.brine.minion.functions.FunctionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** Octal modes as Salt takes them ("644", "0644", 644) and shows them ("0644"). */
public final class Modes {
  private static final PosixFilePermission[] BITS = {
    PosixFilePermission.OTHERS_EXECUTE,
    PosixFilePermission.OTHERS_WRITE,
    PosixFilePermission.OTHERS_READ,
    PosixFilePermission.GROUP_EXECUTE,
    PosixFilePermission.GROUP_WRITE,
    PosixFilePermission.GROUP_READ,
    PosixFilePermission.OWNER_EXECUTE,
    PosixFilePermission.OWNER_WRITE,
    PosixFilePermission.OWNER_READ,
  };

  private Modes() {}

  /**
   * The permission bits of an octal mode. The setuid, setgid and sticky bits are refused: the JDK
   * sets the nine permission bits only, and a mode that silently lost them would be wrong.
   */
  public static Set<PosixFilePermission> parse(String function, String given) throws FunctionException {
    String s = given.strip();
    if (s.startsWith("0o")) {
      s = s.substring(2);
    }
    int mode;
    try {
      if (s.isEmpty() || s.length() > 5) {
        throw new NumberFormatException();
      }
      mode = Integer.parseInt(s, 8);
    } catch (NumberFormatException e) {
      throw new FunctionException(
          function + ": 'mode' must be an octal mode like 0644, got " + given);
    }
    if (mode > 0777) {
      throw new FunctionException(
          function
              + ": 'mode' "
              + given
              + " has setuid, setgid or sticky bits, which brine does not set");
    }
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < BITS.length; i++) {
      if ((mode & (1 << i)) != 0) {
        perms.add(BITS[i]);
      }
    }
    return perms;
  }

  /** Salt's get_mode: the mode of what the path leads to, "0644". */
  public static String of(Path path) throws IOException {
    int mode = (Integer) Files.getAttribute(path, "unix:mode");
    return String.format("%04o", mode & 07777);
  }
}
