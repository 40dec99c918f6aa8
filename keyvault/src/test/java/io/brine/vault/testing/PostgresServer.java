package io.brine.vault.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real, throw-away PostgreSQL server for tests: Debian's binaries ({@code
 * scripts/ensure-postgresql.sh} installs them), {@code initdb} into a fresh folder under {@code
 * /tmp}, a free loopback port, password (SCRAM) authentication, and, because the tests run as root
 * and PostgreSQL refuses to, the server runs as {@code nobody} through {@code setpriv}. Nothing of
 * the machine's own PostgreSQL (its clusters, its port 5432, /var/run/postgresql) is touched.
 *
 * <p>Most tests share one server per JVM ({@link #shared()}) and take a fresh database each
 * ({@link #newDatabase}); a test that stops, kills or restarts the server starts its own ({@link
 * #start()}) and closes it. The settings favour speed ({@code fsync=off}: a power cut is not what
 * these tests try) but keep {@code synchronous_commit=on}, so a committed write survives the
 * server's kill -9 and restart, which the "nothing acknowledged is lost" tests rely on.
 *
 * <pre>{@code
 * PostgresServer.Database db = PostgresServer.shared().newDatabase();
 * try (Connection c = db.connect()) { ... }
 * String url = db.connectionUrl(); // postgres://brine:...@127.0.0.1:port/name?sslmode=disable
 * }</pre>
 */
public final class PostgresServer implements AutoCloseable {
  /** The superuser the cluster is made with; tests connect as this role. */
  public static final String USER = "brine";

  private static final String RUN_AS = "nobody";
  private static final int RUN_AS_ID = 65534;
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static PostgresServer shared;

  private final Path bin;
  private final Path root;
  private final Path data;
  private final String password;
  private volatile int port;
  private volatile boolean running;

  private PostgresServer(Path bin, Path root, String password) {
    this.bin = bin;
    this.root = root;
    this.data = root.resolve("data");
    this.password = password;
  }

  /** The server this JVM's tests share, started at the first call and stopped at exit. */
  public static synchronized PostgresServer shared() {
    if (shared == null) {
      try {
        shared = start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  /** A server of the caller's own: initdb, start, and {@link #close} stops it and deletes it. */
  public static PostgresServer start() throws IOException {
    Path bin = binaries();
    Path root = Files.createTempDirectory("brine-pg-");
    byte[] secret = new byte[18];
    new SecureRandom().nextBytes(secret);
    PostgresServer server = new PostgresServer(bin, root, HexFormat.of().formatHex(secret));
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "brine-test-postgres-stop"));
    server.initdb();
    server.startServer();
    return server;
  }

  /** A new, empty database on this server, owned by {@link #USER}. */
  public Database newDatabase() {
    String name = "brine_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    try (Connection c = connect("postgres");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
    }
    return new Database(this, name);
  }

  public int port() {
    return port;
  }

  public String password() {
    return password;
  }

  /** Stops the server the fast way (clients disconnected, a clean checkpoint). */
  public void stop() {
    pgCtl("stop", "-m", "fast");
    running = false;
  }

  /** Stops the server as a crash would (PostgreSQL's immediate mode: recovery at the next start). */
  public void stopImmediately() {
    pgCtl("stop", "-m", "immediate");
    running = false;
  }

  /** Starts the server again, on the same port and with the same data. */
  public void restart() {
    if (running) {
      stop();
    }
    startServer();
  }

  public boolean running() {
    return running;
  }

  /** A connection to {@code database} as {@link #USER}; the caller closes it. */
  public Connection connect(String database) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", USER);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(jdbcUrl(database), props);
  }

  String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** Stops the server (if it runs) and deletes its folder. */
  @Override
  public synchronized void close() {
    if (running) {
      try {
        pgCtl("stop", "-m", "immediate");
      } catch (RuntimeException e) {
        // at exit, or a test that already broke the server: the folder goes regardless
      }
      running = false;
    }
    deleteTree(root);
  }

  private void initdb() throws IOException {
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
    Path pwfile = root.resolve("pwfile");
    Files.writeString(pwfile, password + "\n", StandardCharsets.US_ASCII);
    chownToRunAs(root);
    chownToRunAs(pwfile);
    run(
        List.of(
            bin.resolve("initdb").toString(),
            "-D", data.toString(),
            "-U", USER,
            "--pwfile=" + pwfile,
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync"),
        60);
    Files.deleteIfExists(pwfile);
  }

  private void startServer() {
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int candidate = port != 0 ? port : freePort();
      String options =
          "-c listen_addresses=127.0.0.1 -c port=" + candidate
              + " -c unix_socket_directories=" + root
              + " -c fsync=off -c full_page_writes=off -c synchronous_commit=on"
              + " -c shared_buffers=16MB -c max_connections=200"
              + " -c log_min_messages=warning";
      try {
        run(
            List.of(
                bin.resolve("pg_ctl").toString(),
                "-D", data.toString(),
                "-l", root.resolve("server.log").toString(),
                "-o", options,
                "-w", "-t", "60",
                "start"),
            90);
        port = candidate;
        running = true;
        return;
      } catch (IOException e) {
        last = e;
        if (port != 0) {
          break; // a restart keeps its port, so a taken port is an error, not a retry
        }
      }
    }
    throw new UncheckedIOException("cannot start PostgreSQL under " + root, last);
  }

  private void pgCtl(String... args) {
    List<String> command = new ArrayList<>();
    command.add(bin.resolve("pg_ctl").toString());
    command.add("-D");
    command.add(data.toString());
    command.add("-w");
    command.addAll(List.of(args));
    try {
      run(command, 60);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void run(List<String> command, int timeoutSeconds) throws IOException {
    List<String> full = new ArrayList<>();
    if (isRoot()) {
      full.addAll(
          List.of(
              "setpriv",
              "--reuid=" + RUN_AS_ID,
              "--regid=" + RUN_AS_ID,
              "--clear-groups",
              "--"));
    }
    full.addAll(command);
    Path output = Files.createTempFile("brine-pg-cmd", ".log");
    try {
      Process p =
          new ProcessBuilder(full)
              .directory(Path.of("/").toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(command.get(0) + " did not finish in " + timeoutSeconds + " s");
      }
      if (p.exitValue() != 0) {
        String log = Files.readString(output, StandardCharsets.UTF_8);
        Path serverLog = root.resolve("server.log");
        if (Files.isReadable(serverLog)) {
          log += "\n--- server.log ---\n" + Files.readString(serverLog, StandardCharsets.UTF_8);
        }
        throw new IOException(
            String.join(" ", command) + " exited " + p.exitValue() + ":\n" + log);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command.get(0), e);
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static boolean isRoot() {
    return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
  }

  private static void chownToRunAs(Path path) throws IOException {
    if (isRoot()) {
      Files.setAttribute(path, "unix:uid", RUN_AS_ID);
      Files.setAttribute(path, "unix:gid", RUN_AS_ID);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The newest {@code /usr/lib/postgresql/<version>/bin}, or {@code BRINE_TEST_PG_BIN}. */
  private static Path binaries() throws IOException {
    String override = System.getenv("BRINE_TEST_PG_BIN");
    if (override != null && !override.isBlank()) {
      return Path.of(override);
    }
    Path base = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(base)) {
      throw new IOException(
          "PostgreSQL is not installed (no " + base + "); run scripts/ensure-postgresql.sh");
    }
    try (Stream<Path> versions = Files.list(base)) {
      return versions
          .filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
          .max(Comparator.comparingInt(PostgresServer::versionNumber))
          .map(v -> v.resolve("bin"))
          .orElseThrow(() -> new IOException("no initdb under " + base));
    }
  }

  private static int versionNumber(Path versionDir) {
    try {
      return Integer.parseInt(versionDir.getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: /tmp is cleaned by the machine
    }
  }

  /** One database on a {@link PostgresServer}. */
  public record Database(PostgresServer server, String name) {
    /** {@code jdbc:postgresql://127.0.0.1:<port>/<name>} (user and password apart). */
    public String jdbcUrl() {
      return server.jdbcUrl(name);
    }

    /**
     * The libpq URL OpenBao's {@code connection_url} takes: {@code
     * postgres://brine:<password>@127.0.0.1:<port>/<name>?sslmode=disable}.
     */
    public String connectionUrl() {
      return "postgres://" + USER + ":" + server.password + "@127.0.0.1:" + server.port + "/"
          + name + "?sslmode=disable";
    }

    public Connection connect() throws SQLException {
      return server.connect(name);
    }
  }
}
