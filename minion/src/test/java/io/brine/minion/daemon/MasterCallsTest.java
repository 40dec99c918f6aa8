package io.brine.minion.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.protocol.job.JobJson;
import io.brine.protocol.job.SessionCall;
import io.brine.protocol.job.SessionReply;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The minion's calls to its master, on a real Netty event loop, the link a recording lambda. */
class MasterCallsTest {
  private final EventLoop loop = new DefaultEventLoop();
  private final MasterCalls calls = new MasterCalls(loop);
  private final List<SessionCall> sent = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  private void onLoop(Runnable r) throws Exception {
    loop.submit(r).get(5, TimeUnit.SECONDS);
  }

  private void ready() throws Exception {
    onLoop(() -> calls.ready(plaintext -> {
      try {
        sent.add(SessionCall.parse(plaintext));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }));
  }

  private CompletableFuture<SessionReply> call(String kind) throws Exception {
    CompletableFuture<SessionReply> reply = calls.call(kind, JobJson.MAPPER.createObjectNode());
    onLoop(() -> {}); // the call is queued or sent once the loop ran it
    return reply;
  }

  @Test
  void callsWait_untilASessionIsReady_thenGoOutInOrder_andRepliesPairByRid() throws Exception {
    CompletableFuture<SessionReply> first = call(SessionCall.RETURN);
    CompletableFuture<SessionReply> second = call(SessionCall.FILE_STAT);
    assertThat(sent).isEmpty();

    ready();

    assertThat(sent).extracting(SessionCall::kind).containsExactly("return", "file.stat");
    long firstRid = sent.get(0).rid();
    long secondRid = sent.get(1).rid();
    onLoop(() -> calls.replied(SessionReply.error(secondRid, "no such file")));
    onLoop(() -> calls.replied(SessionReply.ok(firstRid)));
    assertThat(first).succeedsWithin(Duration.ofSeconds(1)).matches(SessionReply::isOk);
    assertThat(second).succeedsWithin(Duration.ofSeconds(1)).extracting(SessionReply::error)
        .isEqualTo("no such file");
  }

  @Test
  void aLostConnection_failsTheCallsOut_butKeepsThoseNotYetSent() throws Exception {
    ready();
    CompletableFuture<SessionReply> out = call(SessionCall.RETURN);
    onLoop(calls::paused);
    CompletableFuture<SessionReply> waiting = call(SessionCall.RETURN);

    onLoop(calls::connectionLost);

    assertThat(out).failsWithin(Duration.ofSeconds(1)).withThrowableOfType(
        java.util.concurrent.ExecutionException.class).withCauseInstanceOf(IOException.class);
    assertThat(waiting).isNotDone();
    ready();
    assertThat(sent).hasSize(2);
    long rid = sent.get(1).rid();
    onLoop(() -> calls.replied(SessionReply.ok(rid)));
    assertThat(waiting).succeedsWithin(Duration.ofSeconds(1));
  }

  @Test
  void aReplyForNoCall_isIgnored() throws Exception {
    boolean[] matched = {true};
    onLoop(() -> matched[0] = calls.replied(SessionReply.ok(999)));

    assertThat(matched[0]).isFalse();
  }
}
