package dev.beametl.transforms.csv;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import dev.beametl.transforms.records.RecordPosition;
import dev.beametl.transforms.records.RecordReader;
import org.apache.commons.csv.CSVFormat;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads one CSV file the way real files come: RFC 4180 quoting (commas, doubled quotes and line
 * breaks inside quotes), an optional UTF-8 BOM, LF or CRLF, with or without a final newline.
 * The first record is the header. Bytes that are not UTF-8 become U+FFFD and the record is
 * flagged, so the caller can reject it instead of loading mangled text.
 *
 * <p>The tokenizer works on bytes (every delimiter is ASCII, so it never cuts a UTF-8 character)
 * in a large buffer and copies each record's field bytes into one array, decoded only on demand:
 * it is the inner loop of every CSV pipeline. Empty lines are skipped. A record whose quote never
 * closes, or that has text after a closing quote, is returned as malformed with its first physical line as its text, and reading
 * resumes on the next physical line: one bad quote costs one record, not the rest of the file.
 *
 * <p>A file can be read in ranges: {@link #skip()} walks the records by the same rules without
 * building them, and {@link #position()} gives the exact state to resume from, so a reader opened
 * with {@link #openRange} returns the same records, numbers and lines as the whole-file read.
 */
public final class CsvFileReader implements RecordReader<CsvFileReader.Position, CsvFileReader.Record> {

  /**
   * A data record: its 1-based number among the data records, the line it starts on, and its
   * fields. {@code malformed} is set (and there are no fields) when its quoting is broken; then
   * {@code malformedLine} is the record's first physical line, as read.
   *
   * <p>The fields are kept as their UTF-8 bytes, one array per record, and decoded on demand:
   * a typed parser reads numbers and timestamps from the bytes, so most fields never become a
   * String (a String per field was 2.3 GB of garbage per 5M taxi rows; CSV to Rows is 1.27-1.61x
   * faster for it, bench/run-fast-paths --parts=csv-rows).
   */
  public static final class Record {
    private final long number;
    private final long line;
    private final byte[] bytes;
    /** Where each field starts and ends in {@code bytes} (there may be bytes between two fields). */
    private final int[] starts;
    private final int[] ends;
    private final boolean badEncoding;
    private final @Nullable String malformed;
    private final @Nullable String malformedLine;

    private Record(
        long number, long line, byte[] bytes, int[] starts, int[] ends, boolean badEncoding, @Nullable String malformed, @Nullable String malformedLine) {
      this.number = number;
      this.line = line;
      this.bytes = bytes;
      this.starts = starts;
      this.ends = ends;
      this.badEncoding = badEncoding;
      this.malformed = malformed;
      this.malformedLine = malformedLine;
    }

    /** A record of the given fields, as the reader would have read them (for tests of what consumes records). */
    public static Record of(long number, long line, List<String> values, boolean badEncoding, @Nullable String malformed) {
      byte[][] fields = values.stream().map(v -> v.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
      byte[] bytes = new byte[Arrays.stream(fields).mapToInt(f -> f.length).sum()];
      int[] starts = new int[fields.length];
      int[] ends = new int[fields.length];
      int length = 0;
      for (int i = 0; i < fields.length; i++) {
        System.arraycopy(fields[i], 0, bytes, length, fields[i].length);
        starts[i] = length;
        length += fields[i].length;
        ends[i] = length;
      }
      return new Record(number, line, bytes, starts, ends, badEncoding, malformed, null);
    }

    public long number() {
      return number;
    }

    public long line() {
      return line;
    }

    /** Set when some field's bytes are not UTF-8 (decoded, they hold U+FFFD). */
    public boolean badEncoding() {
      return badEncoding;
    }

    public @Nullable String malformed() {
      return malformed;
    }

    public @Nullable String malformedLine() {
      return malformedLine;
    }

    public int size() {
      return ends.length;
    }

    /** The UTF-8 bytes of the fields; field {@code i} is {@code bytes()[start(i), end(i))}. */
    public byte[] bytes() {
      return bytes;
    }

    public int start(int field) {
      return starts[field];
    }

    public int end(int field) {
      return ends[field];
    }

    public String value(int field) {
      return new String(bytes, starts[field], ends[field] - starts[field], StandardCharsets.UTF_8);
    }

    public List<String> values() {
      String[] values = new String[ends.length];
      for (int i = 0; i < values.length; i++) {
        values[i] = value(i);
      }
      return Collections.unmodifiableList(Arrays.asList(values));
    }

    /** The record as CSV text, for rejects; a malformed record's first physical line. */
    public String originalText() {
      if (malformed != null) {
        return malformedLine == null ? "" : malformedLine;
      }
      return FORMAT.format(values().toArray()).stripTrailing();
    }

    @Override
    public String toString() {
      return "Record[number=" + number + ", line=" + line + ", values=" + values() + (malformed == null ? "" : ", malformed=" + malformed) + "]";
    }
  }

  /**
   * Where a record starts (the byte offset just after the previous record), with the number of
   * data records and line breaks before it: all a reader needs to resume there.
   */
  public record Position(long offset, long records, long lines) implements RecordPosition {}

  /** The bytes of a file, from any offset: a malformed record is re-read from its start to recover. */
  @FunctionalInterface
  public interface ByteSource {
    InputStream openAt(long offset) throws IOException;
  }

  /** For {@link Record#originalText()}: records are read as RFC 4180 and written back the same way. */
  static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).build();
  private static final char REPLACEMENT = '\uFFFD';

  private final ByteSource source;
  private InputStream in;
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
  private static final long RETURNS = 0x0D0D0D0D0D0D0D0DL;
  private static final long QUOTES = 0x2222222222222222L;
  private final byte[] buf = new byte[1 << 16];
  /** File offset of {@code buf[0]}. */
  private long bufStart;
  private int pos;
  private int lim;
  /**
   * Where the current record's bytes are: while it lies in the buffer and has no doubled quote
   * ({@code direct}), {@code buf} from {@link #recordPos}, its fields between their quotes and
   * delimiters; else {@link #recordBytes}, where its bytes are copied (the buffer's part of it when
   * the buffer is refilled, then each field's content, doubled quotes undone). Fields are kept as
   * offsets into that, so a typical record is one copy, not one per field.
   */
  private boolean direct;
  private int recordPos;
  private byte[] recordBytes = new byte[1024];
  private int recordLength;
  private int[] fieldStarts = new int[32];
  private int[] fieldEnds = new int[32];
  private int fieldCount;
  /** Set by {@link #quoted()}: where the quoted field's content ends. */
  private int quotedEnd;
  /** The OR of the current record's bytes: negative when one of them is not ASCII. */
  private int byteBits;
  /** When false ({@link #skip()}), records are walked but no field is built. */
  private boolean keep = true;
  private final List<String> header;
  private final boolean headerBadEncoding;
  /** Line breaks consumed so far (a CRLF is one). */
  private long lines;
  private long records;
  /** A record that would start at or after this offset belongs to the next range. */
  private final long end;
  private boolean done;
  /** Set by {@link #recover}: why the record just read is malformed, and its first physical line (null when skipping). */
  private @Nullable String malformed;
  private @Nullable String lastMalformedLine;

  private CsvFileReader(ByteSource source, Position start, long end, @Nullable List<String> header, boolean headerBadEncoding)
      throws IOException {
    this.source = source;
    this.end = end;
    this.in = source.openAt(start.offset());
    this.bufStart = start.offset();
    this.records = start.records();
    this.lines = start.lines();
    if (header != null) {
      this.header = List.copyOf(header);
      this.headerBadEncoding = headerBadEncoding;
      return;
    }
    skipBom();
    List<String> names = new ArrayList<>();
    boolean bad = false;
    boolean read = readRecord();
    if (malformed != null) {
      // A header with broken quoting binds no column: its records are rejected for the bad header.
      malformed = null;
    } else if (read) {
      for (int i = 0; i < fieldCount; i++) {
        String name = fieldValue(i);
        names.add(name.trim());
        bad |= name.indexOf(REPLACEMENT) >= 0;
      }
    }
    direct = false;
    this.header = List.copyOf(names);
    this.headerBadEncoding = bad;
  }

  /** Reads a whole file from its source (which is closed with the reader). */
  public static CsvFileReader open(ByteSource source) throws IOException {
    return new CsvFileReader(source, new Position(0, 0, 0), Long.MAX_VALUE, null, false);
  }

  /** Reads bytes held in memory. */
  public static CsvFileReader open(byte[] bytes) throws IOException {
    return open(offset -> {
      InputStream in = new ByteArrayInputStream(bytes);
      in.skipNBytes(offset);
      return in;
    });
  }

  /**
   * Reads a stream that cannot be re-read: recovery from a malformed record works only while its
   * start is still in the buffer (64 KiB). For files, use {@link #open(ByteSource)}.
   */
  public static CsvFileReader open(InputStream stream) throws IOException {
    boolean[] opened = {false};
    return open(
        offset -> {
          if (opened[0]) {
            throw new IOException("cannot re-read a stream to resume after a malformed record at byte " + offset);
          }
          opened[0] = true;
          return stream;
        });
  }

  /**
   * Reads the records of a file that start at or after {@code start} and before {@code end}, with
   * the file's header as read by a whole-file reader; {@code start} must come from {@link #position()}.
   */
  public static CsvFileReader openRange(ByteSource source, List<String> header, boolean headerBadEncoding, Position start, long end)
      throws IOException {
    return new CsvFileReader(source, start, end, header, headerBadEncoding);
  }

  /** Header names, trimmed, in file order; empty for an empty file. */
  public List<String> header() {
    return header;
  }

  public boolean headerBadEncoding() {
    return headerBadEncoding;
  }

  /** Where the next record starts. */
  @Override
  public Position position() {
    return new Position(offset(), records, lines);
  }

  /**
   * The next data record, or null at the end of the file (or of the range).
   *
   * @throws UncheckedIOException when the file cannot be read (not for bad CSV: that is a record)
   */
  @Override
  public @Nullable Record next() {
    keep = true;
    if (done || offset() >= end) {
      return null;
    }
    long startLine = lines + 1;
    try {
      if (!readRecord()) {
        done = true;
        return null;
      }
      records++;
      if (malformed != null) {
        String line = lastMalformedLine;
        String problem = malformed;
        malformed = null;
        lastMalformedLine = null;
        return new Record(records, startLine, new byte[0], new int[0], new int[0], false, problem, line);
      }
      boolean bad = false;
      // Only a record with a byte that is not ASCII can hold bytes that are not UTF-8.
      for (int i = 0; byteBits < 0 && i < fieldCount && !bad; i++) {
        bad = fieldValue(i).indexOf(REPLACEMENT) >= 0;
      }
      Record record =
          new Record(records, startLine, recordCopy(), Arrays.copyOf(fieldStarts, fieldCount), Arrays.copyOf(fieldEnds, fieldCount), bad, null, null);
      direct = false;
      return record;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Walks past the next record without building it, by the same rules as {@link #next()}; false at the end. */
  public boolean skip() {
    keep = false;
    if (done || offset() >= end) {
      return false;
    }
    try {
      if (!skipInBuffer() && !readRecord()) {
        done = true;
        return false;
      }
      records++;
      malformed = null;
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Walks past the next record when it lies whole in the buffer and is well formed, by one scan
   * for its end (splitting 1M loans into ranges spent 11% of the run's CPU in the tokenizer);
   * false, with nothing consumed, for anything else (an empty line, broken quoting, a record
   * reaching past the buffer), which {@link #readRecord} then reads by the full rules.
   */
  private boolean skipInBuffer() throws IOException {
    int i = pos;
    if (i >= lim || buf[i] == '\n' || buf[i] == '\r') {
      return false;
    }
    long quotedLines = 0;
    boolean fieldStart = true;
    while (i < lim) {
      // Eight bytes at a time up to the next line break or quote: between them only a comma matters.
      int plain = plainBytes(i);
      if (plain > 0) {
        fieldStart = buf[i + plain - 1] == ',';
        i += plain;
        if (i >= lim) {
          break;
        }
      }
      byte c = buf[i];
      if (c == '\n' || c == '\r') {
        pos = i;
        lines += quotedLines;
        endOfLine();
        return true;
      }
      if (c == '"' && fieldStart) {
        byte prev = 0;
        for (i++; ; i++) {
          int quoted = plainBytes(i);
          if (quoted > 0) {
            prev = 0;
            i += quoted;
          }
          if (i >= lim) {
            return false;
          }
          c = buf[i];
          if (c == '"') {
            if (i + 1 < lim && buf[i + 1] == '"') {
              i++;
              prev = '"';
              continue;
            }
            break;
          }
          if (c == '\r' || (c == '\n' && prev != '\r')) {
            quotedLines++;
          }
          prev = c;
        }
        // After the closing quote: a delimiter, a line break, or (the general path's business) anything else.
        if (i + 1 >= lim || (buf[i + 1] != ',' && buf[i + 1] != '\n' && buf[i + 1] != '\r')) {
          return false;
        }
        i++;
        continue;
      }
      fieldStart = c == ',';
      i++;
    }
    return false;
  }

  /**
   * How many bytes from {@code i} on are neither a line break nor a quote, counted eight at a time
   * (a word's bytes compared all at once) while eight are left in the buffer: a multiple of 8, or
   * up to the first such byte. Planning ranges walks every byte of every file this way: the walk
   * of 303 MB of loans went from 1,076 to 2,164 MB/s, one thread
   * (bench/run-fast-paths --parts=csv, the skip sitting, medians of 5, load 1.1-1.5).
   */
  private int plainBytes(int i) {
    int from = i;
    while (i + 8 <= lim) {
      long word = (long) LONGS.get(buf, i);
      long special = matches(word, NEWLINES) | matches(word, RETURNS) | matches(word, QUOTES);
      if (special != 0) {
        return i - from + (Long.numberOfTrailingZeros(special) >>> 3);
      }
      i += 8;
    }
    return i - from;
  }

  /** The high bit of each byte of {@code word} equal to the byte repeated in {@code bytes} (the first one exact). */
  private static long matches(long word, long bytes) {
    long x = word ^ bytes;
    return (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
  }

  private long offset() {
    return bufStart + pos;
  }

  private void skipBom() throws IOException {
    while (lim < 3) {
      int n = in.read(buf, lim, buf.length - lim);
      if (n < 0) {
        break;
      }
      lim += n;
    }
    if (lim >= 3 && buf[0] == (byte) 0xEF && buf[1] == (byte) 0xBB && buf[2] == (byte) 0xBF) {
      pos = 3;
    }
  }

  /** Refills the buffer when it is used up; false at the end of the input. */
  private boolean fill() throws IOException {
    if (pos < lim) {
      return true;
    }
    if (direct) {
      toCopyMode(lim);
    }
    int n = in.read(buf, 0, buf.length);
    while (n == 0) {
      n = in.read(buf, 0, buf.length);
    }
    if (n < 0) {
      // The buffer stays as it was: a malformed record at the end can still be re-read from it.
      return false;
    }
    bufStart += lim;
    pos = 0;
    lim = n;
    return true;
  }

  /**
   * Reads the next record's fields (see {@link #direct}), skipping empty lines; false at the end
   * of the input. For a record with broken quoting, sets {@link #malformed}, positions the reader
   * on the line after the record's first one, and keeps no field.
   */
  private boolean readRecord() throws IOException {
    while (true) {
      if (!fill()) {
        return false;
      }
      byte c = buf[pos];
      if (c != '\n' && c != '\r') {
        break;
      }
      endOfLine();
    }
    long recordStart = offset();
    long recordLines = lines;
    direct = keep;
    recordPos = pos;
    recordLength = 0;
    fieldCount = 0;
    byteBits = 0;
    while (true) {
      if (!fill()) {
        endField(mark(), mark());
        return true;
      }
      if (buf[pos] == '"') {
        pos++;
        int fieldStart = mark();
        if (!quoted()) {
          recover(recordStart, recordLines,
              "EOF reached before encapsulated token finished: a quote in the record starting on line " + (recordLines + 1) + " never closes");
          return true;
        }
        endField(fieldStart, quotedEnd);
        if (!fill()) {
          return true;
        }
        byte c = buf[pos];
        if (c == ',') {
          pos++;
          continue;
        }
        if (c == '\n' || c == '\r') {
          endOfLine();
          return true;
        }
        recover(recordStart, recordLines,
            "invalid char between encapsulated token and delimiter on line " + (lines + 1) + ": a quote inside a quoted field must be doubled");
        return true;
      }
      int fieldStart = mark();
      int start = pos;
      while (true) {
        if (pos == lim) {
          append(start, pos);
          if (!fill()) {
            endField(fieldStart, mark());
            return true;
          }
          start = pos;
        }
        byte c = buf[pos];
        if (c == ',' || c == '\n' || c == '\r') {
          append(start, pos);
          endField(fieldStart, mark());
          if (c == ',') {
            pos++;
            break;
          }
          endOfLine();
          return true;
        }
        byteBits |= c;
        pos++;
      }
    }
  }

  /**
   * A quoted field after its opening quote, up to and including its closing quote; its content
   * ends at {@link #quotedEnd}. False when the input ends first.
   */
  private boolean quoted() throws IOException {
    byte prev = 0;
    while (true) {
      if (!fill()) {
        return false;
      }
      int start = pos;
      while (pos < lim && buf[pos] != '"') {
        byte c = buf[pos++];
        byteBits |= c;
        if (c == '\r' || (c == '\n' && prev != '\r')) {
          lines++;
        }
        prev = c;
      }
      append(start, pos);
      if (pos == lim) {
        continue;
      }
      int end = mark();
      pos++;
      prev = '"';
      if (fill() && buf[pos] == '"') {
        // A doubled quote is one quote of content: from here on the field is copied.
        if (direct) {
          toCopyMode(pos);
        }
        recordLength = end;
        append(pos, pos + 1);
        pos++;
        continue;
      }
      quotedEnd = end;
      return true;
    }
  }

  /** Where the byte at {@link #pos} goes in the current record's bytes (in copy mode, once what comes before it is appended). */
  private int mark() {
    return direct ? pos - recordPos : recordLength;
  }

  /** Copies the current record's bytes {@code buf[recordPos, upTo)} as they are; later bytes are appended. */
  private void toCopyMode(int upTo) {
    int n = upTo - recordPos;
    if (n > recordBytes.length) {
      recordBytes = Arrays.copyOf(recordBytes, Math.max(recordBytes.length * 2, n));
    }
    System.arraycopy(buf, recordPos, recordBytes, 0, n);
    recordLength = n;
    direct = false;
  }

  /**
   * Gives up on the record that starts at {@code recordStart}: its first physical line becomes
   * the malformed record's text and reading resumes on the line after it.
   */
  private void recover(long recordStart, long recordLines, String problem) throws IOException {
    direct = false;
    if (recordStart >= bufStart && recordStart <= bufStart + lim) {
      pos = (int) (recordStart - bufStart);
    } else {
      in.close();
      in = source.openAt(recordStart);
      bufStart = recordStart;
      pos = 0;
      lim = 0;
    }
    lines = recordLines;
    recordLength = 0;
    while (fill()) {
      int start = pos;
      while (pos < lim && buf[pos] != '\n' && buf[pos] != '\r') {
        pos++;
      }
      append(start, pos);
      if (pos < lim) {
        endOfLine();
        break;
      }
    }
    malformed = problem;
    lastMalformedLine = keep ? new String(recordBytes, 0, recordLength, StandardCharsets.UTF_8) : null;
    recordLength = 0;
    fieldCount = 0;
  }

  /** Appends {@code buf[from, to)} to the current record's bytes in copy mode (only when records are built). */
  private void append(int from, int to) {
    if (!keep || direct || to == from) {
      return;
    }
    int n = to - from;
    if (recordLength + n > recordBytes.length) {
      recordBytes = Arrays.copyOf(recordBytes, Math.max(recordBytes.length * 2, recordLength + n));
    }
    System.arraycopy(buf, from, recordBytes, recordLength, n);
    recordLength += n;
  }

  private void endField(int start, int end) {
    if (!keep) {
      return;
    }
    if (fieldCount == fieldEnds.length) {
      fieldStarts = Arrays.copyOf(fieldStarts, fieldCount * 2);
      fieldEnds = Arrays.copyOf(fieldEnds, fieldCount * 2);
    }
    fieldStarts[fieldCount] = start;
    fieldEnds[fieldCount++] = end;
  }

  /** The current record's field, decoded. */
  private String fieldValue(int field) {
    byte[] bytes = direct ? buf : recordBytes;
    int base = direct ? recordPos : 0;
    return new String(bytes, base + fieldStarts[field], fieldEnds[field] - fieldStarts[field], StandardCharsets.UTF_8);
  }

  /** The current record's bytes, up to the end of its last field, as a new array. */
  private byte[] recordCopy() {
    int length = fieldCount == 0 ? 0 : fieldEnds[fieldCount - 1];
    return direct ? Arrays.copyOfRange(buf, recordPos, recordPos + length) : Arrays.copyOf(recordBytes, length);
  }

  /** Consumes one LF, CR or CRLF. */
  private void endOfLine() throws IOException {
    byte c = buf[pos++];
    lines++;
    if (c == '\r' && fill() && buf[pos] == '\n') {
      pos++;
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
