package io.brine.cli.dev;

import io.brine.common.files.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files of a dev master and its minion under one folder: their configs, an autosign file that
 * accepts the local minion alone, and a file root with a file to fetch.
 */
record DevFiles(Path dir, Path masterConfig, String minionId) {
  static DevFiles write(Path dir, String apiAddr, int retPort, String minionId)
      throws IOException {
    Path master = Files.createDirectories(dir.resolve("master"));
    Path srv = Files.createDirectories(dir.resolve("srv"));
    Files.writeString(
        srv.resolve("hello.txt"), "Hello from the brine dev master's file server.\n");
    Path autosign = master.resolve("autosign.conf");
    Files.writeString(autosign, minionId + "\n");
    Path config = master.resolve("master.yaml");
    Files.writeString(
        config,
        "# brine dev mode: a throw-away master. Not for production.\n"
            + "pki_dir: " + master.resolve("pki") + "\n"
            + "cachedir: " + master.resolve("cache") + "\n"
            + "autosign_file: " + autosign + "\n"
            + "file_roots:\n  base:\n    - " + srv + "\n"
            + "keysize: 2048\n"
            + "interface: 127.0.0.1\n"
            + "ret_port: " + retPort + "\n"
            + "vault:\n"
            + "  storage_dir: " + master.resolve("vault") + "\n"
            + "  api_addr: " + apiAddr + "\n"
            // Declared, as OpenBao prefers: every request of the tour is recorded, and
            // `brine audit verify` can check the file.
            + "  audit:\n"
            + "    - type: file\n"
            + "      description: brine dev's audit log\n"
            + "      options: {file_path: " + master.resolve("audit.log") + "}\n");
    return new DevFiles(dir, config, minionId);
  }

  /** Writes the minion's config for a master listening on {@code masterPort}. */
  Path minionConfig(int masterPort) throws IOException {
    Path minion = Files.createDirectories(dir.resolve("minion"));
    Path config = minion.resolve("minion.yaml");
    Files.writeString(
        config,
        "# brine dev mode: the local minion.\n"
            + "master: 127.0.0.1\n"
            + "master_port: " + masterPort + "\n"
            + "id: " + minionId + "\n"
            + "pki_dir: " + minion.resolve("pki") + "\n"
            + "acceptance_wait_time: 1\n");
    return config;
  }

  static void deleteQuietly(Path dir) {
    try {
      DurableFiles.deleteTree(dir);
    } catch (IOException e) {
      System.err.println("brine dev: could not delete " + dir + ": " + e.getMessage());
    }
  }
}
