package io.brine.master;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version and build date Maven wrote into {@code brine-version.properties}: reported by the
 * operator API ({@code version}, {@code build_date}) and the start line.
 *
 * @param version e.g. "0.1.0-SNAPSHOT"
 * @param buildDate when the jar was built, UTC, e.g. "2026-11-23T07:16:56Z"; "" if unknown
 */
public record BuildInfo(String version, String buildDate) {
  private static final String RESOURCE = "brine-version.properties";

  /** This build's info; a build that skipped resource filtering reports "0.0.0-dev". */
  public static BuildInfo current() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE + " from the master's jar", e);
    }
    return new BuildInfo(value(p, "version", "0.0.0-dev"), value(p, "build.date", ""));
  }

  private static String value(Properties p, String key, String fallback) {
    String v = p.getProperty(key, "").trim();
    return v.isEmpty() || v.startsWith("${") ? fallback : v;
  }
}
