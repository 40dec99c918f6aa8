package io.brine.minion.functions.builtin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The os grains from /etc/os-release, with Salt's names: {@code os} from ID through Salt's table
 * (debian→Debian, rhel→RedHat, opensuse-leap→SUSE...; anything else capitalised), {@code os_family}
 * through Salt's family table (Ubuntu→Debian, CentOS→RedHat, SUSE→Suse...; anything else is its own
 * family), {@code osrelease} from VERSION_ID, {@code oscodename} from VERSION_CODENAME.
 */
record OsRelease(String os, String osFamily, String osrelease, String oscodename) {
  private static final Map<String, String> OS_BY_ID =
      Map.ofEntries(
          Map.entry("debian", "Debian"),
          Map.entry("ubuntu", "Ubuntu"),
          Map.entry("raspbian", "Raspbian"),
          Map.entry("linuxmint", "Mint"),
          Map.entry("devuan", "Devuan"),
          Map.entry("kali", "Kali"),
          Map.entry("rhel", "RedHat"),
          Map.entry("centos", "CentOS"),
          Map.entry("fedora", "Fedora"),
          Map.entry("rocky", "Rocky"),
          Map.entry("almalinux", "AlmaLinux"),
          Map.entry("ol", "OEL"),
          Map.entry("amzn", "Amazon"),
          Map.entry("scientific", "Scientific"),
          Map.entry("cloudlinux", "CloudLinux"),
          Map.entry("arch", "Arch"),
          Map.entry("manjaro", "Manjaro"),
          Map.entry("sles", "SUSE"),
          Map.entry("opensuse", "SUSE"),
          Map.entry("opensuse-leap", "SUSE"),
          Map.entry("opensuse-tumbleweed", "SUSE"),
          Map.entry("alpine", "Alpine"),
          Map.entry("gentoo", "Gentoo"));

  private static final Map<String, String> FAMILY_BY_OS =
      Map.ofEntries(
          Map.entry("Debian", "Debian"),
          Map.entry("Ubuntu", "Debian"),
          Map.entry("Raspbian", "Debian"),
          Map.entry("Mint", "Debian"),
          Map.entry("Devuan", "Debian"),
          Map.entry("Kali", "Debian"),
          Map.entry("RedHat", "RedHat"),
          Map.entry("CentOS", "RedHat"),
          Map.entry("Fedora", "RedHat"),
          Map.entry("Rocky", "RedHat"),
          Map.entry("AlmaLinux", "RedHat"),
          Map.entry("OEL", "RedHat"),
          Map.entry("Amazon", "RedHat"),
          Map.entry("Scientific", "RedHat"),
          Map.entry("CloudLinux", "RedHat"),
          Map.entry("Arch", "Arch"),
          Map.entry("Manjaro", "Arch"),
          Map.entry("SUSE", "Suse"),
          Map.entry("Alpine", "Alpine"),
          Map.entry("Gentoo", "Gentoo"));

  /** /etc/os-release, else /usr/lib/os-release (the spec's fallback), else the kernel's name. */
  static OsRelease ofThisHost(String kernel) {
    for (String candidate : new String[] {"/etc/os-release", "/usr/lib/os-release"}) {
      try {
        return parse(Files.readString(Path.of(candidate), StandardCharsets.UTF_8), kernel);
      } catch (NoSuchFileException e) {
        // try the next one
      } catch (IOException e) {
        break;
      }
    }
    return new OsRelease(kernel, kernel, "", "");
  }

  static OsRelease parse(String text, String kernel) {
    Map<String, String> fields = new HashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq <= 0 || line.startsWith("#")) {
        continue;
      }
      fields.put(line.substring(0, eq).strip(), unquote(line.substring(eq + 1).strip()));
    }
    String id = fields.getOrDefault("ID", "").toLowerCase(Locale.ROOT);
    String os = OS_BY_ID.get(id);
    if (os == null) {
      os = id.isEmpty() ? kernel : Character.toUpperCase(id.charAt(0)) + id.substring(1);
    }
    return new OsRelease(
        os,
        FAMILY_BY_OS.getOrDefault(os, os),
        fields.getOrDefault("VERSION_ID", ""),
        fields.getOrDefault("VERSION_CODENAME", ""));
  }

  private static String unquote(String v) {
    if (v.length() >= 2
        && (v.charAt(0) == '"' || v.charAt(0) == '\'')
        && v.charAt(v.length() - 1) == v.charAt(0)) {
      return v.substring(1, v.length() - 1);
    }
    return v;
  }
}
