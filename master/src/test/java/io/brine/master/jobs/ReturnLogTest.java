package io.brine.master.jobs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The line reading and tail repair under {@link JobCache}'s returns log, at buffer edges. */
class ReturnLogTest {
  @TempDir Path tmp;

  private List<String> lines(Path file, int max) throws IOException {
    List<String> seen = new ArrayList<>();
    assertThat(ReturnLog.forEachLine(file, max, line -> seen.add(new String(line, UTF_8))))
        .isTrue();
    return seen;
  }

  @Test
  void linesAcrossTheReadBuffer_areWhole_andAnUnfinishedLastLineIsNotOne() throws IOException {
    String a = "a".repeat(70_000); // longer than one 64 KiB read
    String b = "b".repeat(65_535);
    Path file = Files.writeString(tmp.resolve("log"), a + "\n" + b + "\n\nc\nunfinished");

    assertThat(lines(file, 1 << 20)).containsExactly(a, b, "", "c");
    assertThat(ReturnLog.count(file)).isEqualTo(4);
  }

  @Test
  void aLineOverTheLimitIsSkipped_andTheNextIsRead() throws IOException {
    String big = "x".repeat(200_000);
    Path file = Files.writeString(tmp.resolve("log"), "first\n" + big + "\nlast\n");

    assertThat(lines(file, 100_000)).containsExactly("first", "last");
  }

  @Test
  void aMissingFileOrALinkIsNoLog() throws IOException {
    Path missing = tmp.resolve("missing");
    Path link = Files.createSymbolicLink(tmp.resolve("link"), Files.writeString(tmp.resolve("real"), "x\n"));

    assertThat(ReturnLog.forEachLine(missing, 10, line -> {})).isFalse();
    assertThat(ReturnLog.forEachLine(link, 10, line -> {})).isFalse();
    assertThat(ReturnLog.count(missing)).isEqualTo(-1);
    assertThat(ReturnLog.count(link)).isEqualTo(-1);
  }

  @Test
  void repairTail_cutsAnUnfinishedLineLongerThanTheBuffer() throws IOException {
    Path file = Files.writeString(tmp.resolve("log"), "one\ntwo\n" + "t".repeat(150_000));
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      assertThat(ReturnLog.repairTail(channel)).isEqualTo(150_000);
      assertThat(channel.position()).isEqualTo(8);
    }
    assertThat(Files.readString(file)).isEqualTo("one\ntwo\n");
  }

  @Test
  void repairTail_leavesAWholeLogAlone_andEmptiesOneWithNoWholeLine() throws IOException {
    Path whole = Files.writeString(tmp.resolve("whole"), "one\n");
    Path torn = Files.writeString(tmp.resolve("torn"), "no newline at all");
    try (FileChannel w = FileChannel.open(whole, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileChannel t = FileChannel.open(torn, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      assertThat(ReturnLog.repairTail(w)).isZero();
      assertThat(w.position()).isEqualTo(4);
      assertThat(ReturnLog.repairTail(t)).isEqualTo(17);
    }
    assertThat(Files.readString(whole)).isEqualTo("one\n");
    assertThat(torn).isEmptyFile();
  }
}
