package io.brine.vault.storage.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConnectionUrlTest {

  /** A text, and what the driver must be given for it. */
  record Valid(
      String text, String jdbcUrl, Map<String, String> properties, String shown, String address) {
    @Override
    public String toString() {
      return text;
    }
  }

  static Stream<Valid> valid() {
    return Stream.of(
        new Valid(
            "postgres://brine:secret@db.example:5432/brine?sslmode=verify-full"
                + "&sslrootcert=/etc/brine/db-ca.pem",
            "jdbc:postgresql://db.example:5432/brine",
            Map.of(
                "user", "brine",
                "password", "secret",
                "sslmode", "verify-full",
                "sslrootcert", "/etc/brine/db-ca.pem"),
            "postgres://brine:***@db.example:5432/brine?sslmode=verify-full"
                + "&sslrootcert=/etc/brine/db-ca.pem",
            "db.example:5432"),
        new Valid(
            "postgresql://db.example/brine",
            "jdbc:postgresql://db.example:5432/brine",
            Map.of(),
            "postgres://db.example:5432/brine",
            "db.example:5432"),
        new Valid(
            "postgres://",
            "jdbc:postgresql://localhost:5432/",
            Map.of(),
            "postgres://localhost:5432/",
            "localhost:5432"),
        new Valid(
            // Percent-encoding in every part; IPv6 in brackets.
            "postgres://u%40corp:p%2Fw%3Ad%25@[::1]:6543/d%20b%2Bc"
                + "?application_name=m%201&connect_timeout=3",
            "jdbc:postgresql://[::1]:6543/d%20b%2Bc",
            Map.of(
                "user", "u@corp",
                "password", "p/w:d%",
                "ApplicationName", "m 1",
                "connectTimeout", "3"),
            "postgres://u%40corp:***@[::1]:6543/d%20b%2Bc?application_name=m%201&connect_timeout=3",
            "[::1]:6543"),
        new Valid(
            "postgres://h1:5433,h2,[2001:db8::7]:5435/db?target_session_attrs=read-write",
            "jdbc:postgresql://h1:5433,h2:5432,[2001:db8::7]:5435/db",
            Map.of("targetServerType", "primary"),
            "postgres://h1:5433,h2:5432,[2001:db8::7]:5435/db?target_session_attrs=read-write",
            "h1:5433,h2:5432,[2001:db8::7]:5435"),
        new Valid(
            // libpq reads the user part up to the first '@' or '/': a '?' may be in a password.
            "postgres://u:pa?ss@h/db",
            "jdbc:postgresql://h:5432/db",
            Map.of("user", "u", "password", "pa?ss"),
            "postgres://u:***@h:5432/db",
            "h:5432"),
        new Valid(
            // Query parameters override the parts they name, as in libpq.
            "postgres://u@h/db?user=other&port=7000&dbname=x&host=g",
            "jdbc:postgresql://g:7000/x",
            Map.of("user", "other"),
            "postgres://other@g:7000/x",
            "g:7000"),
        new Valid(
            "postgres://h/db?options=-c%20search_path%3Dbrine&sslkey=/k.pem&sslcert=/c.pem",
            "jdbc:postgresql://h:5432/db",
            Map.of("options", "-c search_path=brine", "sslkey", "/k.pem", "sslcert", "/c.pem"),
            "postgres://h:5432/db?options=-c%20search_path%3Dbrine&sslkey=/k.pem&sslcert=/c.pem",
            "h:5432"),
        new Valid(
            "postgres://h/db?sslmode=",
            "jdbc:postgresql://h:5432/db",
            Map.of(),
            "postgres://h:5432/db",
            "h:5432"),
        new Valid(
            "host=db.example port=5433 dbname=brine user=brine password='s3 cr\\'et\\\\'"
                + " sslmode=require",
            "jdbc:postgresql://db.example:5433/brine",
            Map.of("user", "brine", "password", "s3 cr'et\\", "sslmode", "require"),
            "postgres://brine:***@db.example:5433/brine?sslmode=require",
            "db.example:5433"),
        new Valid(
            "  host = h   dbname= d  application_name =brine-m1 ",
            "jdbc:postgresql://h:5432/d",
            Map.of("ApplicationName", "brine-m1"),
            "postgres://h:5432/d?application_name=brine-m1",
            "h:5432"),
        new Valid(
            "host=h1,h2,::1 port=5433,5434,5435 target_session_attrs=prefer-standby",
            "jdbc:postgresql://h1:5433,h2:5434,[::1]:5435/",
            Map.of("targetServerType", "preferSecondary"),
            "postgres://h1:5433,h2:5434,[::1]:5435/?target_session_attrs=prefer-standby",
            "h1:5433,h2:5434,[::1]:5435"),
        new Valid(
            "jdbc:postgresql://h:5433/db?user=u&password=x%26y&sslmode=require&connectTimeout=2",
            "jdbc:postgresql://h:5433/db",
            Map.of("user", "u", "password", "x&y", "sslmode", "require", "connectTimeout", "2"),
            "jdbc:postgresql://h:5433/db?user=u&password=***&connectTimeout=2&sslmode=require",
            "h:5433"),
        new Valid(
            "jdbc:postgresql://[::1]/db?ApplicationName=m1&currentSchema=vault",
            "jdbc:postgresql://[::1]:5432/db",
            Map.of("ApplicationName", "m1", "currentSchema", "vault"),
            "jdbc:postgresql://[::1]:5432/db?ApplicationName=m1&currentSchema=vault",
            "[::1]:5432"));
  }

  @ParameterizedTest
  @MethodSource("valid")
  void parse_validForms_giveTheDriversUrlAndProperties(Valid c) {
    ConnectionUrl url = ConnectionUrl.parse(c.text());

    assertThat(url.jdbcUrl()).isEqualTo(c.jdbcUrl());
    assertThat(asMap(url.driverProperties())).isEqualTo(new TreeMap<>(c.properties()));
    assertThat(url.toString()).isEqualTo(c.shown());
    assertThat(url.address()).isEqualTo(c.address());
    assertThat(url.parameters()).doesNotContainKeys("user", "password");
  }

  @Test
  void jdbcUrl_isReadBackByTheDriverAsTheSameDatabase() {
    ConnectionUrl url = ConnectionUrl.parse("postgres://u:pw@[::1]:6543/d%20b%2Bc");

    Properties parsed = org.postgresql.Driver.parseURL(url.jdbcUrl(), new Properties());

    assertThat(parsed.getProperty("PGHOST")).isEqualTo("[::1]");
    assertThat(parsed.getProperty("PGPORT")).isEqualTo("6543");
    assertThat(parsed.getProperty("PGDBNAME")).isEqualTo("d b+c");
  }

  /** A text that must be refused, and what the one-line message must say. */
  record Invalid(String text, String message) {
    @Override
    public String toString() {
      return text;
    }
  }

  static Stream<Invalid> invalid() {
    return Stream.of(
        new Invalid(
            "postgres://u:secretpw@h/db?sslmode=verify-full&foo=1",
            "connection_url: unknown parameter \"foo\"; known: sslmode, sslrootcert, sslcert,"
                + " sslkey, connect_timeout, application_name, target_session_attrs, options"),
        new Invalid("host=h password=secretpw passwd=secretpw", "unknown parameter \"passwd\""),
        new Invalid(
            "jdbc:postgresql://h/db?password=secretpw&socketFactory=x",
            "connection_url: unknown parameter \"socketFactory\"; known: user, password,"),
        new Invalid(
            "postgres://u:secretpw@h/db?sslmode=bogus",
            "connection_url: sslmode must be one of disable, allow, prefer, require, verify-ca,"
                + " verify-full"),
        new Invalid(
            "postgres://u:secretpw@h/db?target_session_attrs=x",
            "target_session_attrs must be one of any, read-write, primary, read-only, standby,"
                + " prefer-standby"),
        new Invalid(
            "postgres://u:secretpw@h/db?connect_timeout=-1",
            "connection_url: connect_timeout must be a whole number of seconds (0: no limit)"),
        new Invalid(
            "jdbc:postgresql://h/db?password=secretpw&socketTimeout=soon",
            "socketTimeout must be a whole number of seconds"),
        new Invalid("postgres://u:secr@tpw@h/db", "unexpected '@' after the user part"),
        new Invalid("postgres://u:secret/pw@h/db", "unexpected '@' after the user part"),
        new Invalid("postgres://u:secretpw@h:99999/db", "a port is not a number from 1 to 65535"),
        new Invalid("postgres://u:secretpw@h:5x/db", "a port is not a number from 1 to 65535"),
        new Invalid(
            "postgres://u:secretpw@h1,h2/db?port=1,2,3",
            "2 hosts but 3 ports; give one port for all or one for each host"),
        new Invalid(
            "postgres://u:secretpw@%2Fvar%2Frun%2Fpostgresql/db",
            "a Unix-domain socket host is not supported"),
        new Invalid(
            "host=/var/run/postgresql password=secretpw",
            "a Unix-domain socket host is not supported"),
        new Invalid("postgres://u:secretpw@h%20x/db", "a host is not a valid host name"),
        new Invalid("postgres://u:secretpw@[::1/db", "an IPv6 host is missing its closing ']'"),
        new Invalid("postgres://u:secretpw@[::1]x/db", "only ':port' may follow"),
        new Invalid("postgres://u:secretpw@h/db?sslmode", "parameter \"sslmode\" has no value"),
        new Invalid("postgres://u:secretpw@h/db?s3cr=t", "unknown parameter (a name that is not"),
        new Invalid("postgres://u:secretpw@h/db?a=%C", "a '%' is not followed by two hex digits"),
        new Invalid("postgres://u:secretpw@h/%zz", "a '%' is not followed by two hex digits"),
        new Invalid("postgres://u:secretpw@h/%C3%28", "percent-encoded bytes are not UTF-8"),
        new Invalid(
            "mysql://u:secretpw@h/db",
            "the scheme must be postgres://, postgresql:// or jdbc:postgresql://"),
        new Invalid("jdbc:mysql://h/db?password=secretpw", "is not a valid jdbc:postgresql:// URL"),
        new Invalid(
            "jdbc:postgresql://u:secretpw@h:5432/db",
            "takes the user and password as parameters (?user=...&password=...)"),
        new Invalid("secretpw", "neither a postgres:// URL nor libpq's keyword=value settings"),
        new Invalid("host=h password='secretpw", "the value of \"password\" misses its closing"),
        new Invalid("host=h password=secretpw dbname", "missing '=' after \"dbname\""),
        new Invalid("   ", "connection_url is empty"));
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void parse_invalid_saysWhatInOneLineWithoutThePassword(Invalid c) {
    assertThatThrownBy(() -> ConnectionUrl.parse(c.text()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(c.message())
        .satisfies(
            e -> {
              assertThat(e.getMessage()).doesNotContain("secretpw", "secr", "\n");
              assertThat(e.getMessage()).startsWith("connection_url");
            });
  }

  @Test
  void parse_null_isRefused() {
    assertThatThrownBy(() -> ConnectionUrl.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("connection_url is empty");
  }

  @Test
  void driverProperties_isAFreshCopyEachTime() {
    ConnectionUrl url = ConnectionUrl.parse("postgres://u:pw@h/db");

    url.driverProperties().setProperty("password", "changed");

    assertThat(url.driverProperties().getProperty("password")).isEqualTo("pw");
    assertThat(url.hasPassword()).isTrue();
    assertThat(url.user()).hasValue("u");
    assertThat(url.database()).hasValue("db");
  }

  private static Map<String, String> asMap(Properties properties) {
    Map<String, String> map = new TreeMap<>();
    properties.stringPropertyNames().forEach(n -> map.put(n, properties.getProperty(n)));
    return map;
  }
}
