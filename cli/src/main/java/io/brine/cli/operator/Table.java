package io.brine.cli.operator;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Two aligned columns, as {@code bao} prints them; optionally under a "Key / Value" heading. */
public final class Table {
  private static final int GAP = 4;

  private final List<String[]> rows = new ArrayList<>();

  /** A table under the heading "Key / Value", as {@code bao status} prints. */
  public static Table withHeading() {
    return new Table().row("Key", "Value").row("---", "-----");
  }

  public static Table plain() {
    return new Table();
  }

  public Table row(String key, Object value) {
    rows.add(new String[] {key, String.valueOf(value)});
    return this;
  }

  public void print(PrintWriter out) {
    int width = 0;
    for (String[] row : rows) {
      width = Math.max(width, row[0].length());
    }
    for (String[] row : rows) {
      out.println(row[0] + " ".repeat(width - row[0].length() + GAP) + row[1]);
    }
  }
}
