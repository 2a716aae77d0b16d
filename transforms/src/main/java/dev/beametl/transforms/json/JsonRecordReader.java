package dev.beametl.transforms.json;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Streams the records of one JSON file as text, one at a time, whichever layout the file has:
 * <ul>
 *   <li>{@link Layout#ARRAY}: {@code [{...}, {...}]};
 *   <li>{@link Layout#WRAPPED}: {@code {"travel_data": [{...}, ...]}}, the array under a given key
 *       (matched case-insensitively) that comes first in the object;
 *   <li>{@link Layout#LINES}: one JSON value per line (JSON lines); anything that is neither of the above.
 * </ul>
 * Memory is bounded by the longest record, never the file. Records are only delimited here (by
 * bracket depth outside strings), not parsed, so a malformed record does not stop the records after
 * it. Damage is returned as a record with a {@link Problem}, never thrown: a file cut off inside a
 * record or before its array is closed, content after the array, a record longer than the limit,
 * bytes that are not UTF-8.
 */
public final class JsonRecordReader implements Closeable {
  public enum Layout {
    ARRAY,
    WRAPPED,
    LINES
  }

  /** What is wrong with a record, when it cannot be taken as it is. */
  public enum Problem {
    TRUNCATED("truncated_json", "the file ends inside this record or before its array is closed"),
    TOO_LONG("record_too_long", "the record is longer than the limit; only its start is kept"),
    TRAILING_CONTENT("trailing_content", "content after the end of the array"),
    INVALID_ENCODING("invalid_encoding", "bytes that are not valid UTF-8");

    public final String reason;
    public final String description;

    Problem(String reason, String description) {
      this.reason = reason;
      this.description = description;
    }
  }

  /** A record: its 1-based number in the file, the line it starts on, its text, and its problem if any. */
  public record Record(long number, long line, String text, @Nullable Problem problem) {}

  public static final int DEFAULT_MAX_RECORD_CHARS = 1 << 20;
  private static final int KEPT_OF_TOO_LONG = 4096;
  private static final int BUFFER_CHARS = 1 << 16;
  private static final char BOM = '\uFEFF';
  private static final char REPLACEMENT = '\uFFFD';

  private final Reader in;
  private final char[] buffer = new char[BUFFER_CHARS];
  private int pos;
  private int limit;
  private long line = 1;
  private final int maxRecordChars;
  private final StringBuilder text = new StringBuilder();
  private Layout layout = Layout.LINES;
  private long records;
  private boolean done;

  private JsonRecordReader(Reader in, int maxRecordChars) {
    this.in = in;
    this.maxRecordChars = maxRecordChars;
  }

  /** Opens a reader over a UTF-8 stream (a BOM is skipped); the stream is closed with the reader. */
  public static JsonRecordReader open(InputStream in, String arrayKey) throws IOException {
    return open(in, arrayKey, DEFAULT_MAX_RECORD_CHARS);
  }

  public static JsonRecordReader open(InputStream in, String arrayKey, int maxRecordChars) throws IOException {
    Reader reader =
        new InputStreamReader(
            in,
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE));
    JsonRecordReader records = new JsonRecordReader(reader, maxRecordChars);
    records.detectLayout(arrayKey);
    return records;
  }

  public Layout layout() {
    return layout;
  }

  /** The next record, or null at the end of the file. */
  public @Nullable Record next() throws IOException {
    if (done) {
      return null;
    }
    return layout == Layout.LINES ? nextLine() : nextElement();
  }

  /** Looks at the start of the file (up to one buffer) without consuming more than the layout's opening. */
  private void detectLayout(String arrayKey) throws IOException {
    while (limit < buffer.length) {
      int n = in.read(buffer, limit, buffer.length - limit);
      if (n < 0) {
        break;
      }
      limit += n;
    }
    if (limit > 0 && buffer[0] == BOM) {
      pos = 1;
    }
    int i = skipWhitespace(pos);
    if (i < limit && buffer[i] == '[') {
      layout = Layout.ARRAY;
      consumeTo(i + 1);
    } else if (i < limit && buffer[i] == '{') {
      int keyStart = skipWhitespace(i + 1);
      if (keyStart < limit && buffer[keyStart] == '"') {
        int keyEnd = keyStart + 1;
        while (keyEnd < limit && buffer[keyEnd] != '"' && buffer[keyEnd] != '\\') {
          keyEnd++;
        }
        int colon = skipWhitespace(keyEnd + 1);
        int open = skipWhitespace(colon + 1);
        if (keyEnd < limit
            && buffer[keyEnd] == '"'
            && new String(buffer, keyStart + 1, keyEnd - keyStart - 1).equalsIgnoreCase(arrayKey)
            && colon < limit
            && buffer[colon] == ':'
            && open < limit
            && buffer[open] == '[') {
          layout = Layout.WRAPPED;
          consumeTo(open + 1);
        }
      }
    }
  }

  private int skipWhitespace(int i) {
    while (i < limit && isWhitespace(buffer[i])) {
      i++;
    }
    return i;
  }

  private void consumeTo(int newPos) {
    for (int i = pos; i < newPos; i++) {
      if (buffer[i] == '\n') {
        line++;
      }
    }
    pos = newPos;
  }

  private Record nextElement() throws IOException {
    while (true) {
      skipWhitespace();
      int c = peek();
      if (c < 0) {
        done = true;
        return new Record(++records, line, "", Problem.TRUNCATED);
      }
      if (c == ',') {
        read(); // an empty element (",,", or a trailing comma) holds no record
        continue;
      }
      if (c == ']') {
        read();
        done = true;
        return afterArray();
      }
      return element();
    }
  }

  /** One array element, up to the comma or bracket that ends it at depth 0 outside strings. */
  private Record element() throws IOException {
    long startLine = line;
    text.setLength(0);
    boolean tooLong = false;
    boolean inString = false;
    boolean escaped = false;
    int depth = 0;
    while (true) {
      int c = peek();
      if (c < 0) {
        // A complete value at the end is still a record; the missing ']' is reported next.
        boolean complete = depth == 0 && !inString;
        done = !complete;
        return record(startLine, tooLong ? Problem.TOO_LONG : complete ? null : Problem.TRUNCATED);
      }
      if (!inString && depth == 0 && (c == ',' || c == ']')) {
        return record(startLine, tooLong ? Problem.TOO_LONG : null);
      }
      read();
      tooLong |= !append((char) c);
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if ((c == '}' || c == ']') && depth > 0) {
        depth--;
      }
    }
  }

  /** After the records' array: only whitespace may follow (for WRAPPED, the closing brace). */
  private @Nullable Record afterArray() throws IOException {
    skipWhitespace();
    if (layout == Layout.WRAPPED && peek() == '}') {
      read();
      skipWhitespace();
    }
    if (peek() < 0) {
      return null;
    }
    long startLine = line;
    text.setLength(0);
    for (int c = read(); c >= 0; c = read()) {
      append((char) c);
    }
    return record(startLine, Problem.TRAILING_CONTENT);
  }

  private @Nullable Record nextLine() throws IOException {
    while (peek() >= 0) {
      long startLine = line;
      text.setLength(0);
      boolean tooLong = false;
      boolean blank = true;
      for (int c = read(); c >= 0 && c != '\n'; c = read()) {
        tooLong |= !append((char) c);
        blank &= isWhitespace((char) c);
      }
      if (!blank) {
        return record(startLine, tooLong ? Problem.TOO_LONG : null);
      }
    }
    done = true;
    return null;
  }

  private Record record(long startLine, @Nullable Problem problem) {
    String value = text.toString().strip();
    if (problem == Problem.TOO_LONG && value.length() > KEPT_OF_TOO_LONG) {
      value = value.substring(0, KEPT_OF_TOO_LONG);
    }
    if (problem == null && value.indexOf(REPLACEMENT) >= 0) {
      problem = Problem.INVALID_ENCODING;
    }
    return new Record(++records, startLine, value, problem);
  }

  /** Appends unless the record is already at the limit; false when the character was dropped. */
  private boolean append(char c) {
    if (text.length() >= maxRecordChars) {
      return false;
    }
    text.append(c);
    return true;
  }

  private void skipWhitespace() throws IOException {
    for (int c = peek(); c >= 0 && isWhitespace((char) c); c = peek()) {
      read();
    }
  }

  private int peek() throws IOException {
    if (pos == limit && !fill()) {
      return -1;
    }
    return buffer[pos];
  }

  private int read() throws IOException {
    if (pos == limit && !fill()) {
      return -1;
    }
    char c = buffer[pos++];
    if (c == '\n') {
      line++;
    }
    return c;
  }

  private boolean fill() throws IOException {
    int n = in.read(buffer, 0, buffer.length);
    if (n <= 0) {
      return false;
    }
    pos = 0;
    limit = n;
    return true;
  }

  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
