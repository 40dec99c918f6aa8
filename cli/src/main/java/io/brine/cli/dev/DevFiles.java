package io.brine.cli.dev;

import io.brine.common.files.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files of a dev master and its minion under one folder: their configs, an autosign file that
 * accepts the local minion alone, a file root with a file to fetch and a first state, and a pillar
 * root whose pillar reads a secret from the vault (the dev-only policy {@link #PILLAR_POLICY}
 * lets the local minion's pillar read {@code secret/*}).
 */
record DevFiles(Path dir, Path masterConfig, String minionId) {
  /** The policy dev mode binds to its minion's pillar: read on secret/*. Dev only. */
  static final String PILLAR_POLICY = "dev-pillar";

  static final String PILLAR_POLICY_TEXT =
      "# brine dev only: the local minion's pillar may read every secret.\n"
          + "path \"secret/data/*\" {\n  capabilities = [\"read\"]\n}\n";

  /** The example secret the dev pillar reads (its value is made at start). */
  static final String EXAMPLE_SECRET = "dev/db";

  static DevFiles write(Path dir, String apiAddr, int retPort, String minionId)
      throws IOException {
    Path master = Files.createDirectories(dir.resolve("master"));
    Path srv = Files.createDirectories(dir.resolve("srv"));
    Path pillar = Files.createDirectories(dir.resolve("pillar"));
    Files.writeString(
        srv.resolve("hello.txt"), "Hello from the brine dev master's file server.\n");
    Files.writeString(srv.resolve("top.sls"), "base:\n  '*':\n    - motd\n");
    Files.writeString(
        srv.resolve("motd.sls"),
        "# brine dev: a first state. brine run '*' state.apply test=True shows what it would do.\n"
            + "motd:\n"
            + "  file.managed:\n"
            + "    - name: " + dir.resolve("minion").resolve("motd") + "\n"
            + "    - makedirs: True\n"
            + "    - mode: '0644'\n"
            + "    - contents: |\n"
            + "        {{ pillar['greeting'] }}\n"
            + "        This is {{ grains['id'] }}, on {{ grains['os'] }}.\n");
    Files.writeString(pillar.resolve("top.sls"), "base:\n  '*':\n    - dev\n");
    Files.writeString(
        pillar.resolve("dev.sls"),
        "# brine dev: compiled on the master for each minion, sent to it alone.\n"
            + "greeting: Hello from the dev master's pillar.\n"
            + "db:\n"
            + "  # From the vault's KV engine, allowed by the dev-only policy " + PILLAR_POLICY
            + ".\n"
            + "  password: {{ vault_secret('" + EXAMPLE_SECRET + "', 'password') }}\n");
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
            + "pillar_roots:\n  base:\n    - " + pillar + "\n"
            + "# Dev only: the local minion's pillar may read secret/* (see the policy).\n"
            + "pillar_secret_policies:\n  '" + minionId + "':\n    - " + PILLAR_POLICY + "\n"
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
