package io.brine.master.config;

import io.brine.vault.storage.postgresql.PostgresqlConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the vault keeps its bytes ({@code vault.storage}): a folder of its own (the default, at
 * {@code storage_dir}), or a PostgreSQL database with OpenBao's tables, which several masters may
 * share ({@code type: postgresql}).
 */
public sealed interface VaultStorage permits VaultStorage.Folder, VaultStorage.Postgresql {
  /** The storage's type as {@code sys/seal-status} reports it ({@code storage_type}). */
  String type();

  /** {@code type: file}, or no {@code storage:} at all: one folder, atomic writes. */
  record Folder(Path dir) implements VaultStorage {
    public Folder {
      Objects.requireNonNull(dir, "dir");
    }

    @Override
    public String type() {
      return "file";
    }
  }

  /** {@code type: postgresql}; its {@code toString} hides the URL's password. */
  record Postgresql(PostgresqlConfig config) implements VaultStorage {
    public Postgresql {
      Objects.requireNonNull(config, "config");
    }

    @Override
    public String type() {
      return "postgresql";
    }
  }
}
