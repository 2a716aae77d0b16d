package dev.beametl.transforms.csv;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads one CSV file the way real files come: RFC 4180 quoting (commas, doubled quotes and line
 * breaks inside quotes), an optional UTF-8 BOM, LF or CRLF, with or without a final newline.
 * The first record is the header. Bytes that are not UTF-8 become U+FFFD and the record is
 * flagged, so the caller can reject it instead of loading mangled text.
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

  static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).build();
  private static final char BOM = '\uFEFF';
  private static final char REPLACEMENT = '\uFFFD';

  private final CSVParser parser;
  private final Iterator<CSVRecord> records;
  private final List<String> header;
  private final boolean headerBadEncoding;
  private long lastLine;
  private boolean done;

  private CsvFileReader(CSVParser parser) {
    this.parser = parser;
    this.records = parser.iterator();
    CSVRecord first = nextOrNull();
    List<String> names = new ArrayList<>();
    boolean bad = false;
    if (first != null) {
      for (String name : first) {
        names.add(name.trim());
        bad |= name.indexOf(REPLACEMENT) >= 0;
      }
    }
    this.header = List.copyOf(names);
    this.headerBadEncoding = bad;
    this.lastLine = parser.getCurrentLineNumber();
  }

  /** Opens a reader over a UTF-8 stream; the stream is closed with the reader. */
  public static CsvFileReader open(InputStream in) throws IOException {
    BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(
                in,
                StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)),
            1 << 16);
    reader.mark(1);
    if (reader.read() != BOM) {
      reader.reset();
    }
    return new CsvFileReader(FORMAT.parse(reader));
  }

  /** Header names, trimmed, in file order; empty for an empty file. */
  public List<String> header() {
    return header;
  }

  public boolean headerBadEncoding() {
    return headerBadEncoding;
  }

  /** The next data record, or null at the end of the file. */
  public @Nullable Record next() {
    if (done) {
      return null;
    }
    long startLine = lastLine + 1;
    try {
      CSVRecord r = nextOrNull();
      if (r == null) {
        done = true;
        return null;
      }
      List<String> values = r.toList();
      boolean bad = false;
      for (String v : values) {
        bad |= v.indexOf(REPLACEMENT) >= 0;
      }
      lastLine = parser.getCurrentLineNumber();
      return new Record(r.getRecordNumber() - 1, startLine, values, bad, null);
    } catch (UncheckedIOException e) {
      done = true;
      String reason = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
      return new Record(parser.getRecordNumber(), startLine, List.of(), false, reason);
    }
  }

  private @Nullable CSVRecord nextOrNull() {
    return records.hasNext() ? records.next() : null;
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
