package io.brine.bench.swarm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * A run's figures as a table for the terminal and as JSON for docs/performance.md. A figure that
 * was not measured says so in the table and is absent from the JSON: never a 0 that could be read
 * as a result.
 */
final class SwarmReport {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String ROW = "%-44s %s%n";

  private SwarmReport() {}

  static String table(SwarmOptions o, Swarm.Result r) {
    StringBuilder t = new StringBuilder();
    row(t, "minions", r.minions());
    row(t, "masters", o.masters().size() == 1 ? "1" : o.masters().size() + " (failover lists)");
    row(t, "keys made", r.keysMade() + " (made this run, not timed)");
    row(
        t,
        "master key pinned in every minion",
        r.pinned() ? "yes (--master-pub)" : "no (first contact)");
    row(
        t,
        "swarm's own code warmed before the storm",
        r.swarmWarmupSeconds() == null
            ? "no (--warmup N to do it)"
            : fmt("%d minions, twice, in %.1f s", o.warmup(), r.swarmWarmupSeconds()));
    row(t, "authenticated", r.authenticated());
    row(t, "auth storm (all hold a session)", fmt("%.2f s", r.authStormSeconds()));
    if (o.masters().size() > 1) {
      row(t, "minions per master after the storm", r.byMaster());
    }
    row(t, "seal-status during the storm", latencies(r.sealStatusInStorm()));
    row(t, "swarm CPU per handshake (its own)", perHandshake(r.swarmStormCpuSeconds(), r.minions()));
    masterRows(t, o, r);
    row(t, "test.ping jobs complete", r.pingsComplete() + " of " + o.pings());
    if (!r.pingSeconds().isEmpty()) {
      row(t, "test.ping to all, p50", fmt("%.3f s", r.percentile(50)));
      row(t, "test.ping to all, p99", fmt("%.3f s", r.percentile(99)));
    }
    if (r.masterCpuPerPingSeconds() != null) {
      row(t, "master CPU per test.ping job", fmt("%.3f s", r.masterCpuPerPingSeconds()));
    }
    stateRows(t, o, r);
    reconnectRows(t, o, r);
    rotationRows(t, o, r);
    restartRows(t, o, r);
    killActiveRows(t, o, r);
    row(
        t,
        "publications opened / dropped by the minions",
        r.publicationsOpened() + " / " + r.publicationsDropped());
    row(t, "swarm JVM heap used", usedHeapMiB() + " MiB");
    return t.toString();
  }

  private static void masterRows(StringBuilder t, SwarmOptions o, Swarm.Result r) {
    MasterCost m = r.master();
    if (m == null) {
      row(
          t,
          "master CPU, heap, RSS (figures 1 and 5)",
          notMeasured(o.masterPidFile() != null, "--master-pid-file"));
      return;
    }
    row(t, "master CPU during the storm", fmt("%.2f s", m.stormCpuSeconds()));
    row(t, "master CPU per handshake", fmt("%.2f ms", m.cpuPerHandshakeSeconds() * 1e3));
    row(
        t,
        fmt("RSA-OAEP private op, %d bits, swarm JVM", m.rsaOp().bits()),
        fmt("%.3f ms CPU (%s)", m.rsaOp().cpuSeconds() * 1e3, m.rsaOp().provider()));
    row(
        t,
        fmt("openssl speed rsa%d, one private op", m.rsaOp().bits()),
        m.rsaOp().opensslSeconds() == null
            ? "not measured (no openssl)"
            : fmt("%.3f ms", m.rsaOp().opensslSeconds() * 1e3));
    row(t, "figure 1: handshake CPU in JVM RSA private ops", fmt("%.1f", m.handshakeInRsaOps()));
    if (m.handshakeInOpensslOps() != null) {
      row(
          t,
          "figure 1: handshake CPU in openssl RSA private ops",
          fmt("%.1f", m.handshakeInOpensslOps()));
    }
    row(t, "master live heap before the storm", fmt("%.1f MiB", m.heapBeforeBytes() / 1048576.0));
    row(
        t,
        "master live heap, all connected and idle",
        fmt("%.1f MiB", m.heapIdleBytes() / 1048576.0));
    row(t, "figure 5: master heap per idle minion", fmt("%.1f KiB", m.heapPerIdleMinionKiB()));
    row(t, "master RSS, all connected and idle", fmt("%.0f MiB", m.rssIdleBytes() / 1048576.0));
  }

  private static void stateRows(StringBuilder t, SwarmOptions o, Swarm.Result r) {
    StatePhase.Result s = r.state();
    if (s == null) {
      // Not asked for: "not measured" is kept for a phase that was asked for and did not finish.
      row(t, "state.apply to all", "not run (--state SLS runs it)");
      return;
    }
    for (int i = 0; i < s.seconds().size(); i++) {
      String cpu =
          s.masterCpuSeconds().isEmpty()
              ? ""
              : fmt(", master CPU %.2f s", s.masterCpuSeconds().get(i));
      row(
          t,
          "state.apply " + s.sls() + " to all, run " + (i + 1) + (i == 0 ? " (cold)" : ""),
          fmt("%.2f s%s, %d failed", s.seconds().get(i), cpu, s.failedReturns().get(i)));
    }
    if (s.seconds().size() < o.stateRuns()) {
      row(t, "state.apply runs complete", s.seconds().size() + " of " + o.stateRuns());
    }
    if (s.firstFailure() != null) {
      row(t, "state.apply, first failed return", s.firstFailure());
    }
  }

  private static void reconnectRows(StringBuilder t, SwarmOptions o, Swarm.Result r) {
    ReconnectPhase re = r.reconnect();
    if (re == null) {
      row(t, "reconnect storm (warm master)", notMeasured(o.reconnect(), "--reconnect"));
      return;
    }
    row(
        t,
        "reconnect storm (warm master)",
        re.back() + " of " + re.minions() + fmt(" in %.2f s", re.stormSeconds()));
    if (re.masterCpuSeconds() != null) {
      row(
          t,
          "master CPU per handshake, warm",
          fmt("%.2f ms", re.masterCpuSeconds() / re.minions() * 1e3));
    }
    RsaPrivateOpCost rsaOp = r.master() == null ? null : r.master().rsaOp();
    Double ratio = re.handshakeInRsaOps(rsaOp);
    if (ratio != null) {
      row(t, "figure 1 on the warm master, JVM ops", fmt("%.1f", ratio));
    }
    Double openssl = re.handshakeInOpensslOps(rsaOp);
    if (openssl != null) {
      row(t, "figure 1 on the warm master, openssl ops", fmt("%.1f", openssl));
    }
    row(t, "swarm CPU per handshake, warm", perHandshake(re.swarmCpuSeconds(), re.minions()));
  }

  private static void rotationRows(StringBuilder t, SwarmOptions o, Swarm.Result r) {
    RotationPhase.Result rot = r.rotation();
    if (rot == null) {
      row(t, "rotation", notMeasured(o.rotation(), "--rotation"));
      return;
    }
    String moved = rot.epochsMoved() + " of " + rot.minions();
    row(
        t,
        "rotation: minions on the new publish key",
        rot.allMovedSeconds() == null
            ? moved + ", not all within the limit"
            : moved + fmt(" in %.2f s after the delete", rot.allMovedSeconds()));
    row(
        t,
        "rotation: job published during it",
        rot.jobReturned() + " of " + rot.jobExpected() + " returned, lost " + rot.lost());
    row(t, "seal-status during the rotation", latencies(rot.sealStatus()));
  }

  private static void restartRows(StringBuilder t, SwarmOptions o, Swarm.Result r) {
    RestartPhase.Result re = r.restart();
    if (re == null) {
      row(t, "restart", notMeasured(o.restartCommand() != null, "--restart-command"));
      return;
    }
    String back = re.back() + " of " + re.minions();
    row(
        t,
        "restart: minions with a new session",
        re.allBackSeconds() == null
            ? back + ", not all within the limit"
            : back + fmt(" in %.2f s after the kill", re.allBackSeconds()));
    row(t, "restart: kill + start + unseal", fmt("%.2f s", re.commandSeconds()));
  }

  private static void killActiveRows(StringBuilder t, SwarmOptions o, Swarm.Result r) {
    KillActivePhase.Result k = r.killActive();
    if (k == null) {
      if (o.masters().size() > 1) { // a single master has no active to kill: no row at all
        row(
            t,
            "kill -9 of the active master",
            notMeasured(!o.killActivePidFiles().isEmpty(), "--kill-active"));
      }
      return;
    }
    row(t, "kill -9: minions on the killed master", k.moved() + " of " + k.minions());
    row(t, "kill -9: until another master is active", seconds(k.newActiveSeconds()));
    row(t, "kill -9: until every minion holds a session", seconds(k.sessionsSeconds()));
    row(
        t,
        "kill -9: until a test.ping has all returns",
        seconds(k.jobsSeconds()) + " (" + k.pingsTried() + " published)");
    row(
        t,
        "kill -9: test.ping in flight at the kill",
        k.inFlightReturned() + " of " + k.inFlightExpected() + " returned");
  }

  private static String seconds(Double s) {
    return s == null ? "not within the limit" : fmt("%.2f s", s);
  }

  static String jsonText(SwarmOptions o, Swarm.Result r) throws JsonProcessingException {
    return JSON.writeValueAsString(json(o, r));
  }

  static ObjectNode json(SwarmOptions o, Swarm.Result r) {
    ObjectNode node = JSON.createObjectNode();
    node.put("minions", r.minions());
    node.put("keysize", o.keysize());
    node.put("master_key_pinned", r.pinned());
    node.put("swarm_warmup_minions", r.swarmWarmupSeconds() == null ? 0 : o.warmup());
    if (r.swarmWarmupSeconds() != null) {
      node.put("swarm_warmup_seconds", r.swarmWarmupSeconds());
    }
    node.put("authenticated", r.authenticated());
    node.put("auth_storm_seconds", r.authStormSeconds());
    latencies(node.putObject("seal_status_storm"), r.sealStatusInStorm());
    node.put("swarm_storm_cpu_seconds", r.swarmStormCpuSeconds());
    MasterCost m = r.master();
    if (m != null) {
      node.put("master_storm_cpu_seconds", m.stormCpuSeconds());
      node.put("master_cpu_per_handshake_ms", m.cpuPerHandshakeSeconds() * 1e3);
      node.put("rsa_private_op_bits", m.rsaOp().bits());
      node.put("rsa_private_op_cpu_ms", m.rsaOp().cpuSeconds() * 1e3);
      node.put("figure1_handshake_cpu_in_rsa_private_ops", m.handshakeInRsaOps());
      node.put("crypto_provider", m.rsaOp().provider());
      if (m.rsaOp().opensslSeconds() != null) {
        node.put("openssl_rsa_private_op_ms", m.rsaOp().opensslSeconds() * 1e3);
        node.put("figure1_handshake_cpu_in_openssl_rsa_ops", m.handshakeInOpensslOps());
      }
      node.put("master_heap_before_bytes", m.heapBeforeBytes());
      node.put("master_heap_idle_bytes", m.heapIdleBytes());
      node.put("figure5_master_heap_per_idle_minion_kib", m.heapPerIdleMinionKiB());
      node.put("master_rss_idle_mib", m.rssIdleBytes() / 1048576.0);
    }
    node.put("pings", o.pings());
    node.put("pings_complete", r.pingsComplete());
    if (!r.pingSeconds().isEmpty()) {
      node.put("ping_p50_seconds", r.percentile(50));
      node.put("ping_p99_seconds", r.percentile(99));
    }
    r.pingSeconds().forEach(node.putArray("ping_seconds")::add);
    if (r.masterCpuPerPingSeconds() != null) {
      node.put("master_cpu_per_ping_seconds", r.masterCpuPerPingSeconds());
    }
    StatePhase.Result state = r.state();
    if (state != null) {
      ObjectNode n = node.putObject("state_apply");
      n.put("sls", state.sls());
      n.put("runs", o.stateRuns());
      state.seconds().forEach(n.putArray("seconds")::add);
      state.masterCpuSeconds().forEach(n.putArray("master_cpu_seconds")::add);
      state.failedReturns().forEach(n.putArray("failed_returns")::add);
    }
    ReconnectPhase reconnect = r.reconnect();
    if (reconnect != null) {
      ObjectNode n = node.putObject("reconnect");
      n.put("minions", reconnect.minions());
      n.put("back", reconnect.back());
      n.put("storm_seconds", reconnect.stormSeconds());
      n.put("swarm_cpu_seconds", reconnect.swarmCpuSeconds());
      if (reconnect.masterCpuSeconds() != null) {
        n.put("master_cpu_seconds", reconnect.masterCpuSeconds());
        n.put(
            "master_cpu_per_handshake_ms",
            reconnect.masterCpuSeconds() / reconnect.minions() * 1e3);
      }
      Double ratio = reconnect.handshakeInRsaOps(m == null ? null : m.rsaOp());
      if (ratio != null) {
        n.put("figure1_handshake_cpu_in_rsa_private_ops", ratio);
      }
      Double openssl = reconnect.handshakeInOpensslOps(m == null ? null : m.rsaOp());
      if (openssl != null) {
        n.put("figure1_handshake_cpu_in_openssl_rsa_ops", openssl);
      }
    }
    RotationPhase.Result rot = r.rotation();
    if (rot != null) {
      ObjectNode n = node.putObject("rotation");
      n.put("minions", rot.minions());
      n.put("epochs_moved", rot.epochsMoved());
      if (rot.allMovedSeconds() != null) {
        n.put("all_moved_seconds", rot.allMovedSeconds());
      }
      n.put("job_expected", rot.jobExpected());
      n.put("job_returned", rot.jobReturned());
      n.put("job_lost", rot.lost());
      latencies(n.putObject("seal_status"), rot.sealStatus());
    }
    RestartPhase.Result re = r.restart();
    if (re != null) {
      ObjectNode n = node.putObject("restart");
      n.put("minions", re.minions());
      n.put("back", re.back());
      if (re.allBackSeconds() != null) {
        n.put("all_back_seconds", re.allBackSeconds());
      }
      n.put("command_seconds", re.commandSeconds());
    }
    KillActivePhase.Result k = r.killActive();
    if (k != null) {
      ObjectNode n = node.putObject("kill_active");
      n.put("minions", k.minions());
      n.put("moved", k.moved());
      putSeconds(n, "new_active_seconds", k.newActiveSeconds());
      putSeconds(n, "sessions_seconds", k.sessionsSeconds());
      putSeconds(n, "jobs_seconds", k.jobsSeconds());
      n.put("pings_tried", k.pingsTried());
      n.put("in_flight_expected", k.inFlightExpected());
      n.put("in_flight_returned", k.inFlightReturned());
    }
    node.put("masters", o.masters().size());
    node.put("publications_opened", r.publicationsOpened());
    node.put("publications_dropped", r.publicationsDropped());
    r.byMaster().forEach(node.putObject("minions_by_master")::put);
    return node;
  }

  private static void putSeconds(ObjectNode node, String name, Double seconds) {
    if (seconds != null) {
      node.put(name, seconds);
    }
  }

  private static void latencies(ObjectNode node, Latencies l) {
    node.put("answered", l.count());
    node.put("failed", l.failed());
    if (l.count() > 0) {
      node.put("p50_ms", l.p50() * 1e3);
      node.put("p99_ms", l.p99() * 1e3);
      node.put("max_ms", l.max() * 1e3);
    }
  }

  private static String latencies(Latencies l) {
    String counts = l.count() + " answered, " + l.failed() + " failed";
    if (l.count() == 0) {
      return "none answered (" + l.failed() + " failed)";
    }
    return fmt("p50 %.1f / p99 %.1f / max %.1f ms (", l.p50() * 1e3, l.p99() * 1e3, l.max() * 1e3)
        + counts
        + ")";
  }

  /** Why a phase has no figures: its option was not given, or the storm left minions out. */
  private static String notMeasured(boolean asked, String option) {
    return asked
        ? "not measured (not every minion authenticated)"
        : "not measured (no " + option + ")";
  }

  private static void row(StringBuilder t, String label, Object value) {
    t.append(String.format(Locale.ROOT, ROW, label, value));
  }

  private static String perHandshake(double cpuSeconds, int minions) {
    return fmt("%.2f ms (%.1f s in all)", cpuSeconds / minions * 1e3, cpuSeconds);
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  private static long usedHeapMiB() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
  }
}
