package io.brine.bench.swarm;

import io.brine.minion.daemon.MinionDaemon;
import java.util.List;

/**
 * The auth storm again, on a warm master: every minion closes and a new one with the same key and
 * id starts at once, as after a network outage between the fleet and a master that kept running.
 * The first storm meets a master whose JIT has compiled nothing yet (a flight recording of it
 * showed the C2 compiler at about a fifth of the master's CPU); this one shows what a handshake
 * costs once the code is compiled, so figure 1 is read here without the warm-up in it.
 *
 * @param minions how many minions reconnected
 * @param back how many of them hold a session again
 * @param stormSeconds from the first new minion's start to the last one's session
 * @param masterCpuSeconds the master's CPU over the same span, or null when not measured
 * @param swarmCpuSeconds the swarm JVM's own CPU over the same span
 */
record ReconnectPhase(
    int minions, int back, double stormSeconds, Double masterCpuSeconds, double swarmCpuSeconds) {

  /** What starts minion {@code i} anew and what waits for them; the swarm's own storm code. */
  interface Storm {
    MinionDaemon start(int i) throws Exception;

    int awaitAuthenticated(List<MinionDaemon> daemons);
  }

  /** The master's CPU per handshake in this storm, in RSA private operations of {@code rsaOp}. */
  Double handshakeInRsaOps(RsaPrivateOpCost rsaOp) {
    return masterCpuSeconds == null || rsaOp == null
        ? null
        : rsaOp.inJvmOps(masterCpuSeconds / minions);
  }

  /** The same in {@code openssl speed}'s operations; null without a reading or openssl. */
  Double handshakeInOpensslOps(RsaPrivateOpCost rsaOp) {
    return masterCpuSeconds == null || rsaOp == null
        ? null
        : rsaOp.inOpensslOps(masterCpuSeconds / minions);
  }

  /**
   * Closes every daemon in {@code daemons} and replaces it, in place, by a new one started by
   * {@code storm}.
   *
   * @param master the master's process, or null: no CPU reading
   */
  static ReconnectPhase run(List<MinionDaemon> daemons, Storm storm, MasterProcessStats master)
      throws Exception {
    daemons.forEach(MinionDaemon::close);
    double cpuBefore = master == null ? 0 : master.cpuSeconds();
    double swarmBefore = SwarmCpu.seconds();
    long start = System.nanoTime();
    List<MinionDaemon> started = ParallelStarts.startAll(daemons.size(), storm::start);
    for (int i = 0; i < daemons.size(); i++) {
      daemons.set(i, started.get(i));
    }
    int back = storm.awaitAuthenticated(daemons);
    double seconds = (System.nanoTime() - start) / 1e9;
    Double cpu = master == null ? null : master.cpuSeconds() - cpuBefore;
    double swarmCpu = SwarmCpu.seconds() - swarmBefore;
    return new ReconnectPhase(daemons.size(), back, seconds, cpu, swarmCpu);
  }
}
