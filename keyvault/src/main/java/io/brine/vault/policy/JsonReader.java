package io.brine.vault.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.policy.SyntaxNode.Entry;
import io.brine.vault.policy.SyntaxNode.Position;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a policy's JSON form into the same {@link SyntaxNode} tree as {@link HclReader}, with
 * positions from Jackson's streaming parser. Nesting is bounded by {@link
 * PolicyParser#MAX_NESTING}; trailing content after the document is an error.
 */
final class JsonReader {
  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonReader() {}

  static SyntaxNode.ObjectValue read(String text) throws InvalidRequestException {
    try (JsonParser parser = FACTORY.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new InvalidRequestException(position(parser) + ": a JSON policy is one object");
      }
      SyntaxNode.ObjectValue document = object(parser, 1);
      if (parser.nextToken() != null) {
        throw new InvalidRequestException(
            position(parser) + ": unexpected content after the policy's closing '}'");
      }
      return document;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : new Position(at.getLineNr(), at.getColumnNr()) + ": ";
      throw new InvalidRequestException(where + "malformed JSON: " + summary(e));
    } catch (IOException e) {
      throw new InvalidRequestException("malformed JSON policy");
    }
  }

  /** Jackson's message up to where it starts describing its source, on one line. */
  private static String summary(JsonProcessingException e) {
    String what = String.valueOf(e.getOriginalMessage());
    for (String tail : new String[] {"\n", " (start marker", " at [Source"}) {
      int cut = what.indexOf(tail);
      if (cut >= 0) {
        what = what.substring(0, cut);
      }
    }
    String quoted = QuotedText.of(what);
    return quoted.substring(1, quoted.lastIndexOf('"'));
  }

  private static SyntaxNode value(JsonParser parser, int depth)
      throws IOException, InvalidRequestException {
    Position at = position(parser);
    JsonToken token = parser.currentToken();
    if (token == null) {
      throw new InvalidRequestException(at + ": the input ends inside the policy");
    }
    switch (token) {
      case START_OBJECT:
        return object(parser, depth);
      case START_ARRAY:
        return list(parser, depth);
      case VALUE_STRING:
        return new SyntaxNode.Str(parser.getText(), at);
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return new SyntaxNode.Num(parser.getText(), at);
      case VALUE_TRUE:
      case VALUE_FALSE:
        return new SyntaxNode.Bool(token == JsonToken.VALUE_TRUE, at);
      default:
        throw new InvalidRequestException(at + ": expected a value, found " + parser.getText());
    }
  }

  private static SyntaxNode.ObjectValue object(JsonParser parser, int depth)
      throws IOException, InvalidRequestException {
    Position start = position(parser);
    checkDepth(start, depth);
    List<Entry> entries = new ArrayList<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      Position at = position(parser);
      String key = parser.currentName();
      parser.nextToken();
      entries.add(new Entry(List.of(key), at, value(parser, depth + 1)));
    }
    return new SyntaxNode.ObjectValue(entries, start);
  }

  private static SyntaxNode.ListValue list(JsonParser parser, int depth)
      throws IOException, InvalidRequestException {
    Position start = position(parser);
    checkDepth(start, depth);
    List<SyntaxNode> items = new ArrayList<>();
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      items.add(value(parser, depth + 1));
    }
    return new SyntaxNode.ListValue(items, start);
  }

  private static void checkDepth(Position at, int depth) throws InvalidRequestException {
    if (depth > PolicyParser.MAX_NESTING) {
      throw new InvalidRequestException(
          at + ": nested deeper than " + PolicyParser.MAX_NESTING + " levels");
    }
  }

  private static Position position(JsonParser parser) {
    JsonLocation at = parser.currentTokenLocation();
    return new Position(at.getLineNr(), at.getColumnNr());
  }
}
