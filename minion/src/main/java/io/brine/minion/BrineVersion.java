package io.brine.minion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** brine's version, as Maven wrote it into version.properties at build time. */
public final class BrineVersion {
  private static final String VERSION = load();

  private BrineVersion() {}

  /**
   * E.g. "0.1.0-SNAPSHOT"; "unknown" when the resource is missing or was not filtered (a build from
   * an IDE), since a version grain is not worth failing a job for.
   */
  public static String get() {
    return VERSION;
  }

  private static String load() {
    Properties p = new Properties();
    try (InputStream in = BrineVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read io/brine/minion/version.properties", e);
    }
    String v = p.getProperty("version", "").strip();
    return v.isEmpty() || v.contains("${") ? "unknown" : v;
  }
}
