package io.brine.bench.swarm;

import java.io.IOException;
import java.security.GeneralSecurityException;

/**
 * What the auth storm cost the master process (issue 7's figures 1 and 5).
 *
 * @param minions how many minions made the storm
 * @param rsaOp one RSA private-key operation in the swarm's JVM, the yardstick of figure 1
 * @param stormCpuSeconds the master's user and system CPU seconds from the first minion's start to
 *     the last one's session
 * @param heapBeforeBytes the master's live heap before the storm
 * @param heapIdleBytes its live heap with all minions connected and idle
 * @param rssIdleBytes its resident set then
 */
record MasterCost(
    int minions,
    RsaPrivateOpCost rsaOp,
    double stormCpuSeconds,
    long heapBeforeBytes,
    long heapIdleBytes,
    long rssIdleBytes) {

  double cpuPerHandshakeSeconds() {
    return stormCpuSeconds / minions;
  }

  /** Figure 1: a handshake's CPU on the master in this JVM's RSA private operations. */
  double handshakeInRsaOps() {
    return rsaOp.inJvmOps(cpuPerHandshakeSeconds());
  }

  /** Figure 1 against {@code openssl speed}'s operation (issue 16's goal); null without openssl. */
  Double handshakeInOpensslOps() {
    return rsaOp.inOpensslOps(cpuPerHandshakeSeconds());
  }

  /** Figure 5. */
  double heapPerIdleMinionKiB() {
    return (heapIdleBytes - heapBeforeBytes) / 1024.0 / minions;
  }

  /**
   * Takes the "before" readings. The RSA yardstick and the heap reading (whose full GC costs the
   * master CPU) come first, so the CPU reading taken last counts nothing but the storm.
   */
  static Meter beforeStorm(MasterProcessStats master, int masterKeyBits)
      throws IOException, InterruptedException, GeneralSecurityException {
    RsaPrivateOpCost rsaOp = RsaPrivateOpCost.measure(masterKeyBits);
    long heapBefore = master.liveHeapBytes();
    return new Meter(master, rsaOp, heapBefore, master.cpuSeconds());
  }

  /** The readings taken before the storm, waiting for the ones after it. */
  static final class Meter {
    private final MasterProcessStats master;
    private final RsaPrivateOpCost rsaOp;
    private final long heapBefore;
    private final double cpuBefore;

    private Meter(
        MasterProcessStats master, RsaPrivateOpCost rsaOp, long heapBefore, double cpuBefore) {
      this.master = master;
      this.rsaOp = rsaOp;
      this.heapBefore = heapBefore;
      this.cpuBefore = cpuBefore;
    }

    /** Call as soon as every minion holds a session: the CPU reading comes first. */
    MasterCost afterStorm(int minions) throws IOException, InterruptedException {
      double stormCpu = master.cpuSeconds() - cpuBefore;
      long heapIdle = master.liveHeapBytes();
      return new MasterCost(minions, rsaOp, stormCpu, heapBefore, heapIdle, master.rssBytes());
    }
  }
}
