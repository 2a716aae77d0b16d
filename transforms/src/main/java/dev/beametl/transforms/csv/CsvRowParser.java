package dev.beametl.transforms.csv;

import dev.beametl.transforms.records.RecordParser;
import dev.beametl.transforms.records.SourceColumns;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rows.Timestamps;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns CSV records into {@link Row}s of a declared schema. Columns are bound by header name
 * (case-insensitive), so column order in the file does not matter; empty fields are nulls.
 * Anything that does not fit becomes a {@link Reject} naming the column and the reason. A column
 * the schema does not know is a header error, unless it was declared with
 * {@link #withIgnoredColumns}.
 *
 * <p>Supported field types: INT32, INT64, DOUBLE, STRING, BOOLEAN and DATETIME
 * ({@code yyyy-MM-dd HH:mm:ss[.fraction]}, read as UTC).
 */
public final class CsvRowParser implements Serializable {
  private static final Logger LOG = LoggerFactory.getLogger(CsvRowParser.class);


  private final Schema dataSchema;
  private final Schema outputSchema;
  private final boolean sourceColumns;
  private final String step;
  /** Lower-case names of file columns that are allowed and skipped. */
  private final Set<String> ignoredColumns;
  /** Any column the schema does not name is skipped. */
  private final boolean extraColumnsAllowed;
  /** The type of each field of {@code dataSchema}, looked up once instead of per value. */
  private final TypeName[] types;

  private CsvRowParser(
      Schema dataSchema, boolean sourceColumns, String step, Set<String> ignoredColumns, boolean extraColumnsAllowed) {
    this.dataSchema = dataSchema;
    this.sourceColumns = sourceColumns;
    this.step = step;
    this.ignoredColumns = ignoredColumns;
    this.extraColumnsAllowed = extraColumnsAllowed;
    this.outputSchema = sourceColumns ? SourceColumns.addedTo(dataSchema) : dataSchema;
    this.types = dataSchema.getFields().stream().map(f -> f.getType().getTypeName()).toArray(TypeName[]::new);
  }

  /** A parser for {@code schema}; rejects are attributed to {@code step}. */
  public static CsvRowParser of(Schema schema, String step) {
    return new CsvRowParser(schema, false, step, Set.of(), false);
  }

  /** Also adds {@code source_file} and {@code source_record} to every row: its lineage, and a natural key. */
  public CsvRowParser withSourceColumns() {
    return new CsvRowParser(dataSchema, true, step, ignoredColumns, extraColumnsAllowed);
  }

  /** Files may have columns the schema does not name; they are skipped (the field count is still checked). */
  public CsvRowParser allowingExtraColumns() {
    return new CsvRowParser(dataSchema, sourceColumns, step, ignoredColumns, true);
  }

  /**
   * File columns (matched case-insensitively) that are dropped instead of being a header error.
   * They may also be absent: files of older layouts without them still bind.
   */
  public CsvRowParser withIgnoredColumns(String... columns) {
    Set<String> names = Arrays.stream(columns).map(c -> c.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    for (String name : names) {
      if (dataSchema.getFieldNames().stream().anyMatch(f -> f.equalsIgnoreCase(name))) {
        throw new IllegalArgumentException("column " + name + " is in the schema; it cannot also be ignored");
      }
    }
    return new CsvRowParser(dataSchema, sourceColumns, step, names, extraColumnsAllowed);
  }

  public Schema outputSchema() {
    return outputSchema;
  }

  /** The columns of one file, bound to the schema; or the reason the header does not fit. */
  public final class Binding implements RecordParser<CsvFileReader.Record> {
    private final int[] columnOfField;
    private final int width;
    private final @Nullable String headerProblem;

    private Binding(int[] columnOfField, int width, @Nullable String headerProblem) {
      this.columnOfField = columnOfField;
      this.width = width;
      this.headerProblem = headerProblem;
    }

    /** Why every record of this file is rejected, or null when the header is good. */
    public @Nullable String headerProblem() {
      return headerProblem;
    }

    /** Parses one record: a row or a reject, exactly one of the two non-null. */
    @Override
    public KV<Row, Reject> parse(String source, CsvFileReader.Record record) {
      if (record.malformed() != null) {
        return KV.of(null, reject("malformed_csv", null, record.malformed(), source, record, record.originalText()));
      }
      // The original text is rebuilt only for a reject: most records never need it.
      if (headerProblem != null) {
        return KV.of(null, reject("bad_header", null, headerProblem, source, record, record.originalText()));
      }
      if (record.badEncoding()) {
        return KV.of(null, reject("invalid_encoding", null, "bytes that are not valid UTF-8", source, record, record.originalText()));
      }
      if (record.size() != width) {
        String reason = record.size() < width ? "missing_field" : "extra_field";
        String detail = String.format("expected %d fields, found %d", width, record.size());
        return KV.of(null, reject(reason, null, detail, source, record, record.originalText()));
      }
      Object[] fields = new Object[outputSchema.getFieldCount()];
      byte[] bytes = record.bytes();
      for (int i = 0; i < columnOfField.length; i++) {
        int column = columnOfField[i];
        try {
          fields[i] = cast(types[i], bytes, record.start(column), record.end(column));
        } catch (IllegalArgumentException | DateTimeException e) {
          Schema.Field field = dataSchema.getField(i);
          String text = record.value(column);
          String detail =
              e instanceof OutOfRangeException ? e.getMessage() : String.format("'%s' is not a valid %s", text, typeName(field.getType()));
          return KV.of(null, reject("unparsable_value", field.getName(), detail, source, record, record.originalText()));
        }
      }
      if (sourceColumns) {
        fields[fields.length - 2] = source;
        fields[fields.length - 1] = record.number();
      }
      return KV.of(Row.withSchema(outputSchema).attachValues(Arrays.asList(fields)), null);
    }
  }

  /** Binds the header of {@code source}, logging once when every record of that file will be rejected. */
  public Binding bind(CsvFileReader reader, String source) {
    Binding binding = bind(reader.header());
    if (binding.headerProblem() != null && !reader.header().isEmpty()) {
      LOG.error("{}: header does not fit, every record is rejected: {}", source, binding.headerProblem());
    }
    return binding;
  }

  /**
   * Binds a file's header to the schema: every field needs exactly one column, and no column may be
   * unknown unless {@link #allowingExtraColumns()}.
   */
  public Binding bind(List<String> header) {
    Map<String, Integer> columns = new HashMap<>();
    List<String> duplicates = new ArrayList<>();
    for (int i = 0; i < header.size(); i++) {
      String name = header.get(i).toLowerCase(Locale.ROOT);
      if (columns.putIfAbsent(name, i) != null && (!extraColumnsAllowed || hasFieldIgnoringCase(name))) {
        duplicates.add(header.get(i));
      }
    }
    int[] columnOfField = new int[dataSchema.getFieldCount()];
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < columnOfField.length; i++) {
      Integer column = columns.remove(dataSchema.getField(i).getName().toLowerCase(Locale.ROOT));
      columnOfField[i] = column == null ? -1 : column;
      if (column == null) {
        missing.add(dataSchema.getField(i).getName());
      }
    }
    List<String> unknown =
        header.stream()
            .filter(h -> !extraColumnsAllowed && columns.containsKey(h.toLowerCase(Locale.ROOT)) && !ignoredColumns.contains(h.toLowerCase(Locale.ROOT)))
            .toList();
    List<String> problems = new ArrayList<>();
    if (header.isEmpty()) {
      problems.add("no header row");
    }
    if (!missing.isEmpty()) {
      problems.add("missing columns " + missing);
    }
    if (!unknown.isEmpty()) {
      problems.add("unknown columns " + unknown);
    }
    if (!duplicates.isEmpty()) {
      problems.add("duplicate columns " + duplicates);
    }
    return new Binding(columnOfField, header.size(), problems.isEmpty() ? null : String.join("; ", problems));
  }

  private boolean hasFieldIgnoringCase(String lowerCaseName) {
    return dataSchema.getFieldNames().stream().anyMatch(f -> f.toLowerCase(Locale.ROOT).equals(lowerCaseName));
  }

  /** Whether {@code text} is a valid value of {@code type} as this parser reads it (blank text is a null, so it fits). */
  public static boolean fits(FieldType type, String text) {
    try {
      cast(type.getTypeName(), text);
      return true;
    } catch (IllegalArgumentException | DateTimeException e) {
      return false;
    }
  }

  /**
   * {@code text} as a value of {@code type}, read as a CSV field is (blank text is null).
   *
   * @throws IllegalArgumentException or {@link DateTimeException} when it is not one
   */
  public static @Nullable Object valueOf(FieldType type, String text) {
    return cast(type.getTypeName(), text);
  }

  private Reject reject(
      String reason, @Nullable String column, @Nullable String detail, String source, CsvFileReader.Record record, String original) {
    return new Reject(step, reason, column, detail, source, record.number(), original);
  }

  /**
   * The value of the field {@code bytes[from, to)} (UTF-8). Numbers and timestamps in plain ASCII
   * are read from the bytes; a string, and any text those readers do not take, is decoded and
   * goes through {@link #cast(TypeName, String)}, so both ways give the same values and errors.
   * CSV to Rows, one thread: 1.61x on raw taxi files, 1.27x on loans, against a String per field
   * typed from its text (bench/run-fast-paths --parts=csv-rows, docs/reading-csv.md).
   */
  private static @Nullable Object cast(TypeName type, byte[] bytes, int from, int to) {
    int start = from;
    int end = to;
    // What String.trim removes: the bytes of U+0000 to U+0020 are those chars, and no other byte decodes to one.
    while (start < end && (bytes[start] & 0xff) <= ' ') {
      start++;
    }
    while (end > start && (bytes[end - 1] & 0xff) <= ' ') {
      end--;
    }
    if (start == end) {
      return null;
    }
    Object value =
        switch (type) {
          case INT64 -> asciiInteger(bytes, start, end, 18);
          case INT32 -> {
            Long n = asciiInteger(bytes, start, end, 9);
            yield n == null ? null : (Object) n.intValue();
          }
          case DOUBLE -> {
            double d = plainDecimal(bytes, start, end);
            yield Double.isNaN(d) ? null : (Object) d;
          }
          case DATETIME -> {
            Long millis = plainDateTimeMillis(bytes, start, end);
            yield millis == null ? null : new Instant(millis);
          }
          default -> null;
        };
    return value != null ? value : cast(type, new String(bytes, from, to - from, StandardCharsets.UTF_8));
  }

  /**
   * {@code [+-]digits} with 1 to {@code maxDigits} digits (so it cannot overflow), as {@code
   * Long.parseLong} reads it; null for any other text.
   */
  private static @Nullable Long asciiInteger(byte[] bytes, int from, int to, int maxDigits) {
    int i = from;
    boolean negative = bytes[i] == '-';
    if (negative || bytes[i] == '+') {
      i++;
    }
    if (i == to || to - i > maxDigits) {
      return null;
    }
    long n = 0;
    for (; i < to; i++) {
      int digit = bytes[i] - '0';
      if (digit < 0 || digit > 9) {
        return null;
      }
      n = n * 10 + digit;
    }
    return negative ? -n : n;
  }

  private static @Nullable Object cast(TypeName type, String text) {
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      return null;
    }
    switch (type) {
      case STRING:
        return text;
      case INT32:
        return Integer.parseInt(trimmed);
      case INT64:
        return Long.parseLong(trimmed);
      case DOUBLE:
        return parseDecimal(trimmed);
      case BOOLEAN:
        if (trimmed.equalsIgnoreCase("true")) {
          return true;
        }
        if (trimmed.equalsIgnoreCase("false")) {
          return false;
        }
        throw new IllegalArgumentException(trimmed);
      case DATETIME:
        return new Instant(parseDateTimeMillis(trimmed));
      default:
        throw new UnsupportedOperationException("CSV columns of type " + type + " are not supported");
    }
  }

  /**
   * {@code yyyy-MM-dd HH:mm:ss[.fraction]} as UTC epoch millis. The common fraction-less form
   * skips the formatter: its digits go to {@code LocalDateTime.of}, which refuses a date that does
   * not exist as the strict formatter does, 15x faster (bench/run-fast-paths --parts=timestamps).
   */
  public static long parseDateTimeMillis(String s) {
    Long plain = s.length() == 19 ? plainDateTimeMillis(s.getBytes(StandardCharsets.ISO_8859_1), 0, 19) : null;
    if (plain != null) {
      return plain;
    }
    return LocalDateTime.parse(s, Timestamps.SECONDS_AND_FRACTION).toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  /**
   * {@code bytes[from, to)} as {@code yyyy-MM-dd HH:mm:ss} in UTC epoch millis; null for any other
   * form. A date or time that does not exist throws, as the strict formatter does.
   */
  private static @Nullable Long plainDateTimeMillis(byte[] b, int from, int to) {
    if (to - from != 19
        || b[from + 4] != '-' || b[from + 7] != '-' || b[from + 10] != ' ' || b[from + 13] != ':' || b[from + 16] != ':') {
      return null;
    }
    int year = digits(b, from, 4);
    int month = digits(b, from + 5, 2);
    int day = digits(b, from + 8, 2);
    int hour = digits(b, from + 11, 2);
    int minute = digits(b, from + 14, 2);
    int second = digits(b, from + 17, 2);
    if ((year | month | day | hour | minute | second) < 0) {
      return null;
    }
    return LocalDateTime.of(year, month, day, hour, minute, second).toEpochSecond(ZoneOffset.UTC) * 1000;
  }

  /** The number written by {@code count} ASCII digits from {@code from}, or -1 when one is not a digit. */
  private static int digits(byte[] b, int from, int count) {
    int n = 0;
    for (int i = from; i < from + count; i++) {
      int digit = b[i] - '0';
      if (digit < 0 || digit > 9) {
        return -1;
      }
      n = n * 10 + digit;
    }
    return n;
  }

  /**
   * Plain decimal notation only: Java would also accept "1d", "NaN" or hex, which no CSV means. A
   * value a double cannot hold is refused rather than turned into Infinity ({@code 1e309}) or into
   * zero ({@code 1e-400}). The one decimal parser of every text input.
   */
  public static double parseDecimal(String s) {
    // A char past Latin-1 becomes '?', which the plain reader refuses: the check below then sees the char.
    double plain = plainDecimal(s.getBytes(StandardCharsets.ISO_8859_1), 0, s.length());
    if (!Double.isNaN(plain)) {
      return plain;
    }
    boolean nonZeroDigit = false;
    boolean inExponent = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
        throw new NumberFormatException(s);
      }
      inExponent |= c == 'e' || c == 'E';
      nonZeroDigit |= !inExponent && c >= '1' && c <= '9';
    }
    double value = Double.parseDouble(s);
    if (Double.isInfinite(value) || (value == 0 && nonZeroDigit)) {
      throw new OutOfRangeException(s);
    }
    return value;
  }

  /** 10^0 to 10^15, each exactly a double. */
  private static final double[] POWERS_OF_TEN = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

  /**
   * The value of {@code [+-]digits[.digits]} with at most 15 digits, NaN for any other text (which
   * {@link Double#parseDouble} then reads). The digits as a whole number {@code m} and the power
   * {@code 10^k} of the fraction's length are both exact doubles, so IEEE division rounds {@code m
   * / 10^k} to the nearest double exactly as {@code parseDouble} rounds the decimal: the same bits,
   * in a quarter of the time (docs/reading-csv.md, "Numbers").
   */
  private static double plainDecimal(byte[] s, int from, int to) {
    int i = from;
    boolean negative = false;
    if (to > from && (s[from] == '-' || s[from] == '+')) {
      negative = s[from] == '-';
      i++;
    }
    long digits = 0;
    int count = 0;
    int fraction = -1;
    for (; i < to; i++) {
      byte c = s[i];
      if (c >= '0' && c <= '9') {
        if (++count > 15) {
          return Double.NaN;
        }
        digits = digits * 10 + (c - '0');
        if (fraction >= 0) {
          fraction++;
        }
      } else if (c == '.' && fraction < 0) {
        fraction = 0;
      } else {
        return Double.NaN;
      }
    }
    if (count == 0) {
      return Double.NaN;
    }
    double value = fraction > 0 ? digits / POWERS_OF_TEN[fraction] : digits;
    return negative ? -value : value;
  }

  /** A well-formed number that a double cannot hold. */
  static final class OutOfRangeException extends NumberFormatException {
    OutOfRangeException(String text) {
      super(String.format("'%s' is out of the range of a number (magnitudes from about 4.9e-324 to 1.8e308, or 0)", text));
    }
  }

  private static String typeName(FieldType type) {
    return switch (type.getTypeName()) {
      case INT32 -> "integer";
      case INT64 -> "long integer";
      case DOUBLE -> "number";
      case DATETIME -> "timestamp (yyyy-MM-dd HH:mm:ss)";
      default -> type.getTypeName().name().toLowerCase(Locale.ROOT);
    };
  }

}
