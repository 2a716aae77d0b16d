package dev.beametl.transforms.csv;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads one CSV file the way real files come: RFC 4180 quoting (commas, doubled quotes and line
 * breaks inside quotes), an optional UTF-8 BOM, LF or CRLF, with or without a final newline.
 * The first record is the header. Bytes that are not UTF-8 become U+FFFD and the record is
 * flagged, so the caller can reject it instead of loading mangled text.
 *
 * <p>The tokenizer works on a large char buffer and creates only the field strings: it is the
 * inner loop of every CSV pipeline. Empty lines are skipped; a quote that never closes, or text
 * after a closing quote, makes the rest of the file one malformed record.
 */
public final class CsvFileReader implements Closeable {

  /**
   * A data record: its 1-based number among the data records, the line it starts on, and its
   * fields. {@code malformed} is set (and {@code values} empty) when the rest of the file could not
   * be parsed, e.g. a quote that is never closed.
   */
  public record Record(
      long number, long line, List<String> values, boolean badEncoding, @Nullable String malformed) {

    /** The record as CSV text, for rejects. */
    public String originalText() {
      return FORMAT.format(values.toArray()).stripTrailing();
    }
  }

  /** For {@link Record#originalText()}: records are read as RFC 4180 and written back the same way. */
  static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).build();
  private static final char BOM = '\uFEFF';
  private static final char REPLACEMENT = '\uFFFD';

  private final Reader reader;
  private final char[] buf = new char[1 << 16];
  private int pos;
  private int lim;
  private final StringBuilder field = new StringBuilder();
  private final List<String> header;
  private final boolean headerBadEncoding;
  /** Line breaks consumed so far (a CRLF is one). */
  private long lines;
  private long records;
  private boolean done;

  private CsvFileReader(Reader reader) throws IOException {
    this.reader = reader;
    if (fill() && buf[0] == BOM) {
      pos = 1;
    }
    List<String> names = new ArrayList<>();
    boolean bad = false;
    try {
      List<String> first = readRecord(8);
      if (first != null) {
        for (String name : first) {
          names.add(name.trim());
          bad |= name.indexOf(REPLACEMENT) >= 0;
        }
      }
    } catch (MalformedCsvException e) {
      // A header that never closes its quote: the file has no records either.
      names.clear();
      done = true;
    }
    this.header = List.copyOf(names);
    this.headerBadEncoding = bad;
  }

  /** Opens a reader over a UTF-8 stream; the stream is closed with the reader. */
  public static CsvFileReader open(InputStream in) throws IOException {
    return new CsvFileReader(
        new InputStreamReader(
            in,
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)));
  }

  /** Header names, trimmed, in file order; empty for an empty file. */
  public List<String> header() {
    return header;
  }

  public boolean headerBadEncoding() {
    return headerBadEncoding;
  }

  /**
   * The next data record, or null at the end of the file.
   *
   * @throws UncheckedIOException when the file cannot be read (not for bad CSV: that is a record)
   */
  public @Nullable Record next() {
    if (done) {
      return null;
    }
    long startLine = lines + 1;
    try {
      List<String> values = readRecord(Math.max(header.size(), 8));
      if (values == null) {
        done = true;
        return null;
      }
      records++;
      boolean bad = false;
      for (String v : values) {
        bad |= v.indexOf(REPLACEMENT) >= 0;
      }
      return new Record(records, startLine, values, bad, null);
    } catch (MalformedCsvException e) {
      done = true;
      return new Record(records + 1, startLine, List.of(), false, e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** RFC 4180 quoting breaks the rest of the file: it cannot be read record by record any more. */
  private static final class MalformedCsvException extends Exception {
    MalformedCsvException(String message, long line) {
      super(message + " (line " + line + ")");
    }
  }

  /** Refills the buffer when it is used up; false at the end of the input. */
  private boolean fill() throws IOException {
    if (pos < lim) {
      return true;
    }
    int n = reader.read(buf, 0, buf.length);
    while (n == 0) {
      n = reader.read(buf, 0, buf.length);
    }
    pos = 0;
    lim = Math.max(n, 0);
    return n > 0;
  }

  /** The fields of the next record, skipping empty lines; null at the end of the input. */
  private @Nullable List<String> readRecord(int width) throws IOException, MalformedCsvException {
    while (true) {
      if (!fill()) {
        return null;
      }
      char c = buf[pos];
      if (c != '\n' && c != '\r') {
        break;
      }
      endOfLine();
    }
    List<String> values = new ArrayList<>(width);
    while (true) {
      if (!fill()) {
        values.add("");
        return values;
      }
      if (buf[pos] == '"') {
        pos++;
        values.add(quoted());
        if (!fill()) {
          return values;
        }
        char c = buf[pos];
        if (c == ',') {
          pos++;
          continue;
        }
        if (c == '\n' || c == '\r') {
          endOfLine();
          return values;
        }
        throw new MalformedCsvException("invalid char between encapsulated token and delimiter", lines + 1);
      }
      field.setLength(0);
      int start = pos;
      while (true) {
        if (pos == lim) {
          field.append(buf, start, pos - start);
          if (!fill()) {
            values.add(field.toString());
            return values;
          }
          start = pos;
        }
        char c = buf[pos];
        if (c == ',' || c == '\n' || c == '\r') {
          values.add(field.length() == 0 ? new String(buf, start, pos - start) : field.append(buf, start, pos - start).toString());
          if (c == ',') {
            pos++;
            break;
          }
          endOfLine();
          return values;
        }
        pos++;
      }
    }
  }

  /** A quoted field after its opening quote, up to and including its closing quote. */
  private String quoted() throws IOException, MalformedCsvException {
    field.setLength(0);
    char prev = 0;
    while (true) {
      if (!fill()) {
        throw new MalformedCsvException("EOF reached before encapsulated token finished", lines + 1);
      }
      int start = pos;
      while (pos < lim && buf[pos] != '"') {
        char c = buf[pos++];
        if (c == '\r' || (c == '\n' && prev != '\r')) {
          lines++;
        }
        prev = c;
      }
      field.append(buf, start, pos - start);
      if (pos == lim) {
        continue;
      }
      pos++;
      prev = '"';
      if (fill() && buf[pos] == '"') {
        field.append('"');
        pos++;
        continue;
      }
      return field.toString();
    }
  }

  /** Consumes one LF, CR or CRLF. */
  private void endOfLine() throws IOException {
    char c = buf[pos++];
    lines++;
    if (c == '\r' && fill() && buf[pos] == '\n') {
      pos++;
    }
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
