package io.brine.cli.audit;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Columns under headings underlined with dashes, four spaces apart, as bao's list commands print
 * them ({@code Path    Type    Description} over {@code ----    ----    -----------}). The last
 * column is not padded, so no line ends in spaces.
 */
final class Columns {
  private static final int GAP = 4;

  private final List<String[]> rows = new ArrayList<>();

  Columns(String... headings) {
    rows.add(headings.clone());
    String[] dashes = new String[headings.length];
    for (int i = 0; i < headings.length; i++) {
      dashes[i] = "-".repeat(headings[i].length());
    }
    rows.add(dashes);
  }

  Columns row(String... cells) {
    if (cells.length != rows.get(0).length) {
      throw new IllegalArgumentException(
          cells.length + " cells for " + rows.get(0).length + " columns");
    }
    rows.add(cells.clone());
    return this;
  }

  void print(PrintWriter out) {
    int columns = rows.get(0).length;
    int[] width = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(row[i]);
        if (i < columns - 1) {
          line.append(" ".repeat(width[i] - row[i].length() + GAP));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
