package io.brine.minion.functions.builtin;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.DurationText;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code network.ping host [timeout] [return_boolean=False]}: as Salt's, the output of {@code ping
 * [-W timeout] -c 4 host} (Salt's command line) with ping's exit status as retcode, or with
 * return_boolean just whether it succeeded. The host must look like a host name or an address (it goes on a command line). ping
 * runs for at most 30 s.
 *
 * <p>Where there is no ping (minimal containers), four TCP connections to port {@value #TCP_PORT}
 * (ssh, which a managed host most likely lets through) stand in, one a second, each waited for
 * timeout seconds (2 by default): a connection made or refused means the host answered, none means
 * the probe was lost. The output says so and counts like ping's summary; retcode 0 when any answer
 * came, 1 when none, 2 for an unknown host (ping's codes).
 */
public final class NetworkPing implements MinionFunction {
  static final int TCP_PORT = 22;
  static final Duration PING_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,252}");
  private static final int PROBES = 4;

  private final List<Path> searchPath;
  private final int tcpPort;

  public NetworkPing() {
    this(pathDirectories(), TCP_PORT);
  }

  /** For tests: where ping is looked for, and the fallback's port. */
  NetworkPing(List<Path> searchPath, int tcpPort) {
    this.searchPath = List.copyOf(searchPath);
    this.tcpPort = tcpPort;
  }

  @Override
  public String name() {
    return "network.ping";
  }

  @Override
  public String doc() {
    return "Pings a host 4 times (ping -c 4; 4 TCP connects to port 22 where ping is absent).";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
    Arguments a =
        Arguments.parse(call, name(), List.of("host", "timeout", "return_boolean"), Set.of());
    String host = a.requiredString("host");
    if (!HOST.matcher(host).matches()) {
      throw new FunctionException(name() + ": 'host' is not a host name or an IP address: " + host);
    }
    Optional<Duration> timeout = timeout(a);
    boolean asBoolean = a.bool("return_boolean", false);
    Optional<Path> ping = ping();
    FunctionOutput out = ping.isPresent() ? runPing(ping.get(), host, timeout) : tcp(host, timeout);
    return asBoolean ? FunctionOutput.ok(out.retcode() == 0) : out;
  }

  /** Salt's timeout: false or absent for none, else whole seconds for ping's -W. */
  private Optional<Duration> timeout(Arguments a) throws FunctionException {
    Optional<Object> given = a.get("timeout");
    if (given.isEmpty()
        || Boolean.FALSE.equals(given.get())
        || String.valueOf(given.get()).strip().toLowerCase(Locale.ROOT).equals("false")) {
      return Optional.empty();
    }
    double seconds = a.requiredNumber("timeout");
    if (seconds < 1 || seconds > 30 || seconds != Math.rint(seconds)) {
      throw new FunctionException(name() + ": 'timeout' must be whole seconds from 1 to 30");
    }
    return Optional.of(Duration.ofSeconds((long) seconds));
  }

  private Optional<Path> ping() {
    for (Path dir : searchPath) {
      Path p = dir.resolve("ping");
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private FunctionOutput runPing(Path ping, String host, Optional<Duration> timeout)
      throws InterruptedException {
    // The host is checked to hold no shell character; the path is quoted.
    String cmd =
        "'"
            + ping.toString().replace("'", "'\\''")
            + "' "
            + timeout.map(t -> "-W " + t.toSeconds() + " ").orElse("")
            + "-c 4 "
            + host;
    ShellCommand.Result r =
        ShellCommand.run(
            new ShellCommand.Options(cmd, Path.of("/"), Map.of(), Optional.of(PING_TIMEOUT)),
            64 * 1024);
    return new FunctionOutput(r.combined(), r.retcode());
  }

  private FunctionOutput tcp(String host, Optional<Duration> timeout) throws InterruptedException {
    Duration wait = timeout.orElse(Duration.ofSeconds(2));
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      return new FunctionOutput("ping: " + host + ": Name or service not known", 2);
    }
    List<String> lines = new ArrayList<>();
    lines.add(
        "PING "
            + host
            + " ("
            + address.getHostAddress()
            + "): no ping command on this minion; "
            + PROBES
            + " TCP connects to port "
            + tcpPort
            + " instead");
    int received = 0;
    for (int i = 1; i <= PROBES; i++) {
      if (i > 1) {
        Thread.sleep(1000);
      }
      long start = System.nanoTime();
      String answer;
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(address, tcpPort), (int) wait.toMillis());
        answer = "open";
      } catch (ConnectException e) {
        answer = "refused";
      } catch (IOException e) {
        answer = null;
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException();
      }
      double ms = (System.nanoTime() - start) / 1e6;
      if (answer != null) {
        received++;
        lines.add(
            String.format(
                Locale.ROOT,
                "answer from %s: tcp_seq=%d port %d %s time=%.2f ms",
                address.getHostAddress(),
                i,
                tcpPort,
                answer,
                ms));
      } else {
        lines.add(
            "no answer from "
                + address.getHostAddress()
                + ": tcp_seq="
                + i
                + " timed out after "
                + DurationText.of(wait));
      }
    }
    lines.add("");
    lines.add("--- " + host + " tcp ping statistics ---");
    lines.add(
        PROBES
            + " packets transmitted, "
            + received
            + " received, "
            + (PROBES - received) * 100 / PROBES
            + "% packet loss");
    return new FunctionOutput(String.join("\n", lines), received > 0 ? 0 : 1);
  }

  private static List<Path> pathDirectories() {
    List<Path> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(File.pathSeparator)) {
        if (!d.isEmpty()) {
          dirs.add(Path.of(d));
        }
      }
    }
    // ping often lives in sbin, which a service's PATH may lack.
    dirs.add(Path.of("/usr/sbin"));
    dirs.add(Path.of("/sbin"));
    dirs.add(Path.of("/usr/bin"));
    dirs.add(Path.of("/bin"));
    return dirs;
  }
}
