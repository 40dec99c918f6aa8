package io.brine.minion.functions.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.TestContext;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** status.uptime, status.loadavg, status.meminfo and disk.usage, on this machine's /proc and df. */
class StatusAndDiskTest {
  @TempDir Path dir;

  private final TestContext ctx = new TestContext(Path.of("/nonexistent"));

  @Test
  @SuppressWarnings("unchecked")
  void uptime_hasSaltsKeys_consistentWithProcUptime() throws Exception {
    long procSeconds =
        (long) Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);

    Map<String, Object> up = (Map<String, Object>) new StatusUptime().call(ctx.call()).value();

    assertThat(up.keySet()).containsSubsequence("seconds", "since_iso", "since_t", "days", "time");
    long seconds = (Long) up.get("seconds");
    assertThat(seconds).isBetween(procSeconds, procSeconds + 60);
    assertThat(up.get("days")).isEqualTo(seconds / 86_400);
    assertThat(up.get("time")).isEqualTo((seconds % 86_400) / 3600 + ":" + (seconds % 3600) / 60);
    assertThat((Long) up.get("since_t"))
        .isBetween(
            System.currentTimeMillis() / 1000 - seconds - 60,
            System.currentTimeMillis() / 1000 - seconds + 1);
    assertThat(LocalDateTime.parse((String) up.get("since_iso"))).isNotNull();
    assertThat(up.get("users")).as("who -s runs here").isInstanceOf(Integer.class);
  }

  @Test
  void uptime_ofAnUnreadableFile_isAnError() throws Exception {
    FunctionOutput out = new StatusUptime(dir.resolve("none")).call(ctx.call());
    assertThat(out.retcode()).isEqualTo(1);
    assertThat((String) out.value())
        .startsWith("ERROR: cannot read the uptime from " + dir.resolve("none"));
    assertThatThrownBy(() -> new StatusUptime().call(ctx.call("x")))
        .isInstanceOf(FunctionException.class)
        .hasMessage("status.uptime takes no positional arguments, 1 given");
  }

  @Test
  void isoformat_isPythons() {
    assertThat(StatusUptime.isoformat(0.0)).matches("19(69|70)-[0-9-]{5}T[0-9:]{8}");
    assertThat(StatusUptime.isoformat(1.25)).endsWith(".250000");
  }

  @Test
  @SuppressWarnings("unchecked")
  void loadavg_isThreeNumbers_fromProcLoadavg() throws Exception {
    Map<String, Object> avg = (Map<String, Object>) new StatusLoadavg().call(ctx.call()).value();

    assertThat(avg.keySet()).containsExactly("1-min", "5-min", "15-min");
    avg.values().forEach(v -> assertThat((Double) v).isGreaterThanOrEqualTo(0.0));
  }

  @Test
  @SuppressWarnings("unchecked")
  void meminfo_isProcMeminfo_asSaltShapesIt() throws Exception {
    Map<String, Object> mem = (Map<String, Object>) new StatusMeminfo().call(ctx.call()).value();

    Map<String, String> total = (Map<String, String>) mem.get("MemTotal");
    assertThat(total.get("unit")).isEqualTo("kB");
    assertThat(Long.parseLong(total.get("value"))).isGreaterThan(0);
    assertThat(mem).containsKey("MemFree");
    assertThat(StatusMeminfo.parse("MemTotal:  16 kB\nHugePages_Total:       0\nnonsense\n"))
        .isEqualTo(
            Map.of(
                "MemTotal",
                Map.of("value", "16", "unit", "kB"),
                "HugePages_Total",
                Map.of("value", "0")));
  }

  @Test
  @SuppressWarnings("unchecked")
  void diskUsage_listsTheRootFilesystem_asDfDoes() throws Exception {
    Map<String, Object> usage = (Map<String, Object>) new DiskUsage().call(ctx.call()).value();

    assertThat(usage).containsKey("/");
    Map<String, String> root = (Map<String, String>) usage.get("/");
    assertThat(root.keySet())
        .containsExactly("filesystem", "1K-blocks", "used", "available", "capacity");
    assertThat(root.get("capacity")).matches("[0-9]+%");
    FileStore store = Files.getFileStore(Path.of("/"));
    assertThat(Long.parseLong(root.get("1K-blocks"))).isEqualTo(store.getTotalSpace() / 1024);

    Map<String, Object> inodes = (Map<String, Object>) new DiskUsage().call(ctx.call("i")).value();
    assertThat(inodes).containsKey("/");
    assertThatThrownBy(() -> new DiskUsage().call(ctx.call("h; rm -rf /")))
        .hasMessage("disk.usage: invalid flag passed to disk.usage (letters only)");
  }

  @Test
  void diskUsage_parsing_gluesNamesWithSpaces_andWrappedLines() {
    String df =
        "Filesystem 1024-blocks Used Available Capacity Mounted on\n"
            + "map auto_home 0 0 0 100% /home\n"
            + "/dev/mapper/a-very-long-name\n 100 40 60 40% /mnt/my disk\n";
    assertThat(DiskUsage.parse(df))
        .isEqualTo(
            Map.of(
                "/home",
                Map.of(
                    "filesystem",
                    "map auto_home",
                    "1K-blocks",
                    "0",
                    "used",
                    "0",
                    "available",
                    "0",
                    "capacity",
                    "100%"),
                "/mnt/my disk",
                Map.of(
                    "filesystem",
                    "/dev/mapper/a-very-long-name",
                    "1K-blocks",
                    "100",
                    "used",
                    "40",
                    "available",
                    "60",
                    "capacity",
                    "40%")));
  }
}
