package io.brine.vault.policy;

import java.util.List;

/**
 * A parsed policy document before its meaning is checked: the common shape of the HCL and the JSON
 * form, each node knowing where it began so that every complaint can say "line L, column C".
 */
sealed interface SyntaxNode
    permits SyntaxNode.Str,
        SyntaxNode.Num,
        SyntaxNode.Bool,
        SyntaxNode.ListValue,
        SyntaxNode.ObjectValue {

  Position position();

  /** "a string", "a list", ...: for messages such as "expected a list, found a string". */
  String kind();

  /** 1-based line and column of a node's first character. */
  record Position(int line, int column) {
    @Override
    public String toString() {
      return "line " + line + ", column " + column;
    }
  }

  record Str(String value, Position position) implements SyntaxNode {
    @Override
    public String kind() {
      return "a string";
    }
  }

  /** A number, kept as written: policies only ever compare it as text. */
  record Num(String text, Position position) implements SyntaxNode {
    @Override
    public String kind() {
      return "a number";
    }
  }

  record Bool(boolean value, Position position) implements SyntaxNode {
    @Override
    public String kind() {
      return "a boolean";
    }
  }

  record ListValue(List<SyntaxNode> items, Position position) implements SyntaxNode {
    public ListValue {
      items = List.copyOf(items);
    }

    @Override
    public String kind() {
      return "a list";
    }
  }

  /**
   * An object or a block body. An HCL block {@code path "secret/a" { ... }} is one entry with the
   * keys {@code [path, secret/a]}; every other entry has one key.
   */
  record ObjectValue(List<Entry> entries, Position position) implements SyntaxNode {
    public ObjectValue {
      entries = List.copyOf(entries);
    }

    @Override
    public String kind() {
      return "an object";
    }
  }

  record Entry(List<String> keys, Position position, SyntaxNode value) {
    public Entry {
      keys = List.copyOf(keys);
    }
  }
}
