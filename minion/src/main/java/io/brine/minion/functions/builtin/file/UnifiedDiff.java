package io.brine.minion.functions.builtin.file;

import java.util.ArrayList;
import java.util.List;

/**
 * The unified diff Salt's file.replace returns (Python's difflib.unified_diff with no file names:
 * "--- ", "+++ ", hunks with three lines of context). The edit script is found cheaply: the common
 * head and tail are trimmed, and what is left in between is compared line by line when both sides
 * have as many lines (a regex replacement that keeps the line count, the usual case), or taken as
 * one change otherwise. The result is always a correct diff, though not always the shortest one
 * difflib would find. A diff longer than {@code maxChars} is cut at a line and marked.
 */
public final class UnifiedDiff {
  static final String TRUNCATED = "[diff truncated]\n";
  private static final int CONTEXT = 3;

  private record Op(char tag, String line) {}

  private UnifiedDiff() {}

  public static String of(String before, String after, int maxChars) {
    if (before.equals(after)) {
      return "";
    }
    List<String> a = lines(before);
    List<String> b = lines(after);
    List<Op> ops = script(a, b);
    StringBuilder out = new StringBuilder("--- \n+++ \n");
    List<Integer> changes = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i).tag != ' ') {
        changes.add(i);
      }
    }
    int ai = 0; // a-line number at ops index i
    int bi = 0;
    int i = 0;
    int c = 0;
    while (c < changes.size()) {
      int start = Math.max(changes.get(c) - CONTEXT, 0);
      int end = changes.get(c);
      // Join changes whose gap of equal lines is at most twice the context.
      while (c + 1 < changes.size() && changes.get(c + 1) - end <= 2 * CONTEXT + 1) {
        end = changes.get(++c);
      }
      end = Math.min(end + CONTEXT + 1, ops.size());
      c++;
      for (; i < start; i++) {
        ai += ops.get(i).tag != '+' ? 1 : 0;
        bi += ops.get(i).tag != '-' ? 1 : 0;
      }
      int aLen = 0;
      int bLen = 0;
      for (int j = start; j < end; j++) {
        aLen += ops.get(j).tag != '+' ? 1 : 0;
        bLen += ops.get(j).tag != '-' ? 1 : 0;
      }
      out.append("@@ -")
          .append(range(ai, aLen))
          .append(" +")
          .append(range(bi, bLen))
          .append(" @@\n");
      for (int j = start; j < end; j++) {
        Op op = ops.get(j);
        String line = op.line.endsWith("\n") ? op.line : op.line + "\n";
        if (out.length() + line.length() + 1 > maxChars) {
          return out.append(TRUNCATED).toString();
        }
        out.append(op.tag).append(line);
      }
    }
    return out.toString();
  }

  /** difflib's _format_range_unified: "start,length", the length left out when it is 1. */
  private static String range(int start, int length) {
    int beginning = start + 1;
    if (length == 1) {
      return Integer.toString(beginning);
    }
    if (length == 0) {
      beginning--;
    }
    return beginning + "," + length;
  }

  private static List<Op> script(List<String> a, List<String> b) {
    int head = 0;
    while (head < a.size() && head < b.size() && a.get(head).equals(b.get(head))) {
      head++;
    }
    int tail = 0;
    while (tail < a.size() - head
        && tail < b.size() - head
        && a.get(a.size() - 1 - tail).equals(b.get(b.size() - 1 - tail))) {
      tail++;
    }
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < head; i++) {
      ops.add(new Op(' ', a.get(i)));
    }
    int aEnd = a.size() - tail;
    int bEnd = b.size() - tail;
    if (aEnd - head == bEnd - head) {
      int i = head;
      while (i < aEnd) {
        if (a.get(i).equals(b.get(i))) {
          ops.add(new Op(' ', a.get(i++)));
          continue;
        }
        int j = i;
        while (j < aEnd && !a.get(j).equals(b.get(j))) {
          j++;
        }
        for (int k = i; k < j; k++) {
          ops.add(new Op('-', a.get(k)));
        }
        for (int k = i; k < j; k++) {
          ops.add(new Op('+', b.get(k)));
        }
        i = j;
      }
    } else {
      for (int i = head; i < aEnd; i++) {
        ops.add(new Op('-', a.get(i)));
      }
      for (int i = head; i < bEnd; i++) {
        ops.add(new Op('+', b.get(i)));
      }
    }
    for (int i = aEnd; i < a.size(); i++) {
      ops.add(new Op(' ', a.get(i)));
    }
    return ops;
  }

  /** Lines with their newlines, as Python's readlines() gives them. */
  static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        out.add(text.substring(start, i + 1));
        start = i + 1;
      }
    }
    if (start < text.length()) {
      out.add(text.substring(start));
    }
    return out;
  }
}
