package io.brine.master;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The queued jobs' hand-off: in order, and the submitter waits when the backlog is full. */
class BoundedDeliveriesTest {
  @Test
  void aFullBacklogMakesTheSubmitterWait_andNothingIsDroppedOrReordered() throws Exception {
    ExecutorService deliveries = MasterDaemon.boundedDeliveries();
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> ran = new CopyOnWriteArrayList<>();
    AtomicInteger submitted = new AtomicInteger();
    Thread poller =
        new Thread(
            () -> {
              deliveries.execute(
                  () -> {
                    try {
                      release.await();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
              for (int i = 0; i < 1000; i++) {
                int n = i;
                deliveries.execute(() -> ran.add(n));
                submitted.incrementAndGet();
              }
            });
    poller.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (poller.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(poller.getState()).as("the poller waits for room").isEqualTo(Thread.State.WAITING);
    assertThat(submitted.get()).isBetween(256, 257);

    release.countDown();
    poller.join(10_000);
    deliveries.shutdown();
    assertThat(deliveries.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ran).hasSize(1000);
    for (int i = 0; i < 1000; i++) {
      assertThat(ran.get(i)).isEqualTo(i);
    }
  }
}
