package dev.beametl.transforms.json;

import dev.beametl.transforms.records.RecordPosition;
import dev.beametl.transforms.records.RecordReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Streams the records of one JSON file as text, one at a time, whichever layout the file has:
 * <ul>
 *   <li>{@link Layout#ARRAY}: {@code [{...}, {...}]};
 *   <li>{@link Layout#WRAPPED}: {@code {"travel_data": [{...}, ...]}}, the array under a given key
 *       (matched case-insensitively) that comes first in the object;
 *   <li>{@link Layout#LINES}: one JSON value per line (JSON lines); anything that is neither of the above.
 * </ul>
 * Memory is bounded by the record limit, never the file. Records are only delimited here (by
 * bracket depth outside strings), not parsed, so a malformed record does not stop the records after
 * it (a streaming JSON parser cannot go on after a syntax error). Damage is returned as a record
 * with a {@link Problem}, never thrown: a file with no JSON at all, a file cut off inside a record
 * or before its array is closed, content after the array, a record longer than the limit, bytes
 * that are not UTF-8.
 *
 * <p>The file is delimited as bytes (every delimiter is ASCII, which never occurs inside a UTF-8
 * multi-byte sequence) and each record decoded on its own, so {@link #position()} is an exact byte
 * offset: a reader {@link #resume resumed} there reads the same records, with the same numbers, as
 * one that read on.
 */
public final class JsonRecordReader implements RecordReader<JsonRecordReader.Position, JsonRecordReader.Record> {
  public enum Layout {
    ARRAY,
    WRAPPED,
    LINES
  }

  /** What is wrong with a record, when it cannot be taken as it is. */
  public enum Problem {
    EMPTY("empty_file", "the file holds no JSON"),
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

  /**
   * A record: its 1-based number in the file (0 for {@link Problem#EMPTY}, which is the whole file),
   * the line it starts on, its text, and its problem if any.
   */
  public record Record(long number, long line, String text, @Nullable Problem problem) implements Serializable {}

  /**
   * Where a reader is between two records: the byte offset of what it reads next, the records and
   * the line so far, the file's layout, and whether nothing is left to read.
   */
  public record Position(long offset, long records, long line, Layout layout, boolean end) implements RecordPosition {}

  public static final int DEFAULT_MAX_RECORD_BYTES = 1 << 20;
  private static final int KEPT_OF_TOO_LONG = 4096;
  private static final int BUFFER_BYTES = 1 << 16;
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private final InputStream in;
  private final byte[] buffer = new byte[BUFFER_BYTES];
  private int pos;
  private int limit;
  /** The file offset of {@code buffer[0]}. */
  private long bufferOffset;
  private long line;
  private final int maxRecordBytes;
  private byte[] text = new byte[256];
  private int textLength;
  private Layout layout = Layout.LINES;
  private long records;
  private boolean done;

  private JsonRecordReader(InputStream in, int maxRecordBytes, long offset, long records, long line, Layout layout, boolean done) {
    this.in = in;
    this.maxRecordBytes = maxRecordBytes;
    this.bufferOffset = offset;
    this.records = records;
    this.line = line;
    this.layout = layout;
    this.done = done;
  }

  /** Opens a reader over a file's bytes from its start (a UTF-8 BOM is skipped); the stream is closed with the reader. */
  public static JsonRecordReader open(InputStream in, String arrayKey) throws IOException {
    return open(in, arrayKey, DEFAULT_MAX_RECORD_BYTES);
  }

  public static JsonRecordReader open(InputStream in, String arrayKey, int maxRecordBytes) throws IOException {
    JsonRecordReader records = new JsonRecordReader(in, maxRecordBytes, 0, 0, 1, Layout.LINES, false);
    records.detectLayout(arrayKey);
    return records;
  }

  /** Goes on from {@code at}, a {@link #position()} of an earlier reader of the same file; {@code in} starts at its offset. */
  public static JsonRecordReader resume(InputStream in, Position at, int maxRecordBytes) {
    return new JsonRecordReader(in, maxRecordBytes, at.offset(), at.records(), at.line(), at.layout(), at.end());
  }

  public Layout layout() {
    return layout;
  }

  /** Where this reader is: just after the last record returned (or the layout's opening). */
  @Override
  public Position position() {
    return new Position(bufferOffset + pos, records, line, layout, done);
  }

  /** The next record, or null at the end of the file. */
  @Override
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
    if (limit >= BOM.length && Arrays.equals(buffer, 0, BOM.length, BOM, 0, BOM.length)) {
      pos = BOM.length;
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
            && new String(buffer, keyStart + 1, keyEnd - keyStart - 1, StandardCharsets.UTF_8).equalsIgnoreCase(arrayKey)
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
    textLength = 0;
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
      tooLong |= !append(c);
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
    textLength = 0;
    boolean tooLong = false;
    for (int c = read(); c >= 0; c = read()) {
      tooLong |= !append(c);
    }
    return record(startLine, Problem.TRAILING_CONTENT);
  }

  private @Nullable Record nextLine() throws IOException {
    while (peek() >= 0) {
      long startLine = line;
      textLength = 0;
      boolean tooLong = false;
      boolean blank = true;
      for (int c = read(); c >= 0 && c != '\n'; c = read()) {
        tooLong |= !append(c);
        blank &= isWhitespace((byte) c);
      }
      if (!blank) {
        return record(startLine, tooLong ? Problem.TOO_LONG : null);
      }
    }
    done = true;
    // A file with no record at all is reported once, as the whole file.
    return records == 0 ? new Record(0, 1, "", Problem.EMPTY) : null;
  }

  private Record record(long startLine, @Nullable Problem problem) {
    String value;
    try {
      value = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(text, 0, textLength)).toString();
    } catch (CharacterCodingException e) {
      // A record cut at the limit may end inside a character: that alone is not bad encoding.
      if (problem == null) {
        problem = Problem.INVALID_ENCODING;
      }
      value = new String(text, 0, textLength, StandardCharsets.UTF_8);
    }
    value = value.strip();
    if (problem == Problem.TOO_LONG && value.length() > KEPT_OF_TOO_LONG) {
      value = value.substring(0, KEPT_OF_TOO_LONG);
    }
    return new Record(++records, startLine, value, problem);
  }

  /** Appends unless the record is already at the limit; false when the byte was dropped. */
  private boolean append(int c) {
    if (textLength >= maxRecordBytes) {
      return false;
    }
    if (textLength == text.length) {
      text = Arrays.copyOf(text, Math.min(maxRecordBytes, text.length * 2));
    }
    text[textLength++] = (byte) c;
    return true;
  }

  private void skipWhitespace() throws IOException {
    for (int c = peek(); c >= 0 && isWhitespace((byte) c); c = peek()) {
      read();
    }
  }

  private int peek() throws IOException {
    if (pos == limit && !fill()) {
      return -1;
    }
    return buffer[pos] & 0xFF;
  }

  private int read() throws IOException {
    if (pos == limit && !fill()) {
      return -1;
    }
    int c = buffer[pos++] & 0xFF;
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
    bufferOffset += limit;
    pos = 0;
    limit = n;
    return true;
  }

  private static boolean isWhitespace(byte c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
