package dev.beametl.transforms.parquet;

import dev.beametl.transforms.csv.CsvRowParser;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.LogicalType;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * Turns an Avro record read from Parquet into a {@link Row} of a declared schema, matching
 * columns by name. Types are taken leniently, because scraper output drifts between runs: whole
 * numbers may arrive as doubles ({@code 6774081.0}) or text, timestamps and dates as text in a
 * declared format, or as Parquet timestamps/dates (including Spark's legacy INT96). A value that
 * does not fit, or a null in a non-nullable column, is a {@link Problem} naming the column.
 *
 * <p>Supported field types: INT32, INT64, DOUBLE, BOOLEAN, STRING, DATETIME (UTC) and DATE
 * ({@link SqlTypes#DATE}). Text timestamps carry no zone and are read as UTC.
 *
 * <p>Avro records, not the direct Row decode of {@link ParquetFiles#forEachRow}: the files come
 * from elsewhere with types of their own (any Avro-mapped Parquet type, INT96, logical types), and
 * a reject's original is the record's Avro text, which the rejects files and their tests keep.
 */
public final class RecordToRow implements Serializable {
  private static final long NANOS_PER_MILLI = 1_000_000L;
  private static final long JULIAN_DAY_OF_EPOCH = 2_440_588L;
  private static final long MILLIS_PER_DAY = 86_400_000L;

  private final Schema schema;
  private final String timestampPattern;
  private final String datePattern;
  private transient @Nullable DateTimeFormatter timestampFormat;
  private transient @Nullable DateTimeFormatter dateFormat;

  private RecordToRow(Schema schema, String timestampPattern, String datePattern) {
    for (Schema.Field field : schema.getFields()) {
      if (!supported(field.getType())) {
        throw new IllegalArgumentException("column " + field.getName() + ": type " + field.getType() + " is not supported");
      }
    }
    this.schema = schema;
    this.timestampPattern = timestampPattern;
    this.datePattern = datePattern;
  }

  /** Rows of {@code schema}; text timestamps as {@code yyyy-MM-dd HH:mm:ss}, text dates as {@code yyyy-MM-dd}. */
  public static RecordToRow to(Schema schema) {
    return new RecordToRow(schema, "uuuu-MM-dd HH:mm:ss", "uuuu-MM-dd");
  }

  /** How DATETIME columns given as text are written (a {@link DateTimeFormatter} pattern, parsed strictly). */
  public RecordToRow withTimestampFormat(String pattern) {
    strict(pattern);
    return new RecordToRow(schema, pattern, datePattern);
  }

  /** How DATE columns given as text are written (a {@link DateTimeFormatter} pattern, parsed strictly). */
  public RecordToRow withDateFormat(String pattern) {
    strict(pattern);
    return new RecordToRow(schema, timestampPattern, pattern);
  }

  public Schema schema() {
    return schema;
  }

  /** Why one value could not be converted. */
  public record Problem(String column, String reason, String detail) {
    public static final String MISSING_VALUE = "missing_value";
    public static final String UNPARSABLE_VALUE = "unparsable_value";
    public static final String WRONG_TYPE = "wrong_type";
  }

  /** Exactly one of {@code row} and {@code problem} is set. */
  public record Result(@Nullable Row row, @Nullable Problem problem) {}

  /** The schema's columns the file does not have (they read as nulls). */
  public List<String> missingColumns(org.apache.avro.Schema fileSchema) {
    List<String> missing = new ArrayList<>();
    for (Schema.Field field : schema.getFields()) {
      if (fileSchema.getField(field.getName()) == null) {
        missing.add(field.getName());
      }
    }
    return missing;
  }

  /** The file's columns the schema does not have (they are not read). */
  public List<String> unknownColumns(org.apache.avro.Schema fileSchema) {
    List<String> unknown = new ArrayList<>();
    for (org.apache.avro.Schema.Field field : fileSchema.getFields()) {
      if (!schema.hasField(field.name())) {
        unknown.add(field.name());
      }
    }
    return unknown;
  }

  public Result convert(GenericRecord record) {
    List<Object> values = new ArrayList<>(schema.getFieldCount());
    for (Schema.Field field : schema.getFields()) {
      org.apache.avro.Schema.Field avroField = record.getSchema().getField(field.getName());
      Object raw = avroField == null ? null : record.get(avroField.pos());
      if (raw == null) {
        if (!field.getType().getNullable()) {
          return new Result(null, new Problem(field.getName(), Problem.MISSING_VALUE, "no value"));
        }
        values.add(null);
        continue;
      }
      try {
        values.add(convert(field.getType(), raw, nonNull(avroField.schema()).getLogicalType()));
      } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
        return new Result(null, new Problem(field.getName(), Problem.UNPARSABLE_VALUE, describe(raw) + " is not " + expected(field.getType())));
      } catch (ClassCastException | IllegalArgumentException e) {
        return new Result(null, new Problem(field.getName(), Problem.WRONG_TYPE, describe(raw) + " cannot be read as " + expected(field.getType())));
      }
    }
    return new Result(Row.withSchema(schema).addValues(values).build(), null);
  }

  private Object convert(FieldType type, Object raw, @Nullable LogicalType avroType) {
    if (isDate(type)) {
      return toDate(raw, avroType);
    }
    switch (type.getTypeName()) {
      case INT64:
        return wholeNumber(raw).longValueExact();
      case INT32:
        return wholeNumber(raw).intValueExact();
      case DOUBLE:
        return raw instanceof Number n ? n.doubleValue() : CsvRowParser.parseDecimal(text(raw).trim());
      case BOOLEAN:
        return toBoolean(raw);
      case STRING:
        return text(raw);
      case DATETIME:
        return toInstant(raw, avroType);
      default:
        throw new IllegalStateException("unsupported type " + type);
    }
  }

  private static BigDecimal wholeNumber(Object raw) {
    if (raw instanceof Long || raw instanceof Integer) {
      return BigDecimal.valueOf(((Number) raw).longValue());
    }
    if (raw instanceof Double || raw instanceof Float) {
      double d = ((Number) raw).doubleValue();
      if (!Double.isFinite(d)) {
        throw new NumberFormatException(String.valueOf(d));
      }
      return new BigDecimal(d).setScale(0, java.math.RoundingMode.UNNECESSARY);
    }
    return new BigDecimal(text(raw).trim()).setScale(0, java.math.RoundingMode.UNNECESSARY);
  }

  private static boolean toBoolean(Object raw) {
    if (raw instanceof Boolean b) {
      return b;
    }
    String t = text(raw).trim().toLowerCase(Locale.ROOT);
    if (t.equals("true")) {
      return true;
    }
    if (t.equals("false")) {
      return false;
    }
    throw new NumberFormatException(t);
  }

  private Instant toInstant(Object raw, @Nullable LogicalType avroType) {
    if (raw instanceof GenericFixed fixed && fixed.bytes().length == 12) {
      return fromInt96(fixed.bytes());
    }
    if (raw instanceof Long l && avroType != null) {
      switch (avroType.getName()) {
        case "timestamp-millis":
        case "local-timestamp-millis":
          return new Instant(l);
        case "timestamp-micros":
        case "local-timestamp-micros":
          return new Instant(Math.floorDiv(l, 1000L));
        default:
          break;
      }
    }
    if (raw instanceof Integer days && avroType != null && avroType.getName().equals("date")) {
      return new Instant(days * MILLIS_PER_DAY);
    }
    LocalDateTime t = LocalDateTime.parse(text(raw).trim(), timestampFormat());
    return new Instant(t.toInstant(ZoneOffset.UTC).toEpochMilli());
  }

  private LocalDate toDate(Object raw, @Nullable LogicalType avroType) {
    if (raw instanceof Integer days && avroType != null && avroType.getName().equals("date")) {
      return LocalDate.ofEpochDay(days);
    }
    if (raw instanceof Long || raw instanceof GenericFixed) {
      // A table that stored dates as timestamps (the old job did): the UTC date of that instant.
      Instant instant = toInstant(raw, avroType);
      return LocalDate.ofEpochDay(Math.floorDiv(instant.getMillis(), MILLIS_PER_DAY));
    }
    return LocalDate.parse(text(raw).trim(), dateFormat());
  }

  /** Spark's INT96: nanoseconds of the day (8 bytes), then the Julian day (4 bytes), little-endian. */
  private static Instant fromInt96(byte[] bytes) {
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long nanosOfDay = buf.getLong();
    long julianDay = buf.getInt() & 0xFFFFFFFFL;
    return new Instant((julianDay - JULIAN_DAY_OF_EPOCH) * MILLIS_PER_DAY + nanosOfDay / NANOS_PER_MILLI);
  }

  private static String text(Object raw) {
    if (raw instanceof CharSequence || raw instanceof org.apache.avro.generic.GenericEnumSymbol) {
      return raw.toString();
    }
    if (raw instanceof ByteBuffer b) {
      return StandardCharsets.UTF_8.decode(b.duplicate()).toString();
    }
    throw new ClassCastException(raw.getClass().getName());
  }

  private DateTimeFormatter timestampFormat() {
    if (timestampFormat == null) {
      timestampFormat = strict(timestampPattern);
    }
    return timestampFormat;
  }

  private DateTimeFormatter dateFormat() {
    if (dateFormat == null) {
      dateFormat = strict(datePattern);
    }
    return dateFormat;
  }

  private static DateTimeFormatter strict(String pattern) {
    return DateTimeFormatter.ofPattern(pattern, Locale.ROOT).withResolverStyle(ResolverStyle.STRICT);
  }

  private String expected(FieldType type) {
    if (isDate(type)) {
      return "a date like " + datePattern;
    }
    switch (type.getTypeName()) {
      case INT64:
      case INT32:
        return "a whole number";
      case DOUBLE:
        return "a number";
      case BOOLEAN:
        return "true or false";
      case DATETIME:
        return "a timestamp like " + timestampPattern;
      default:
        return "text";
    }
  }

  private static String describe(Object raw) {
    String t = raw instanceof CharSequence ? "'" + raw + "'" : String.valueOf(raw);
    return t.length() > 80 ? t.substring(0, 80) + "..." : t;
  }

  private static org.apache.avro.Schema nonNull(org.apache.avro.Schema s) {
    if (s.getType() == org.apache.avro.Schema.Type.UNION) {
      for (org.apache.avro.Schema branch : s.getTypes()) {
        if (branch.getType() != org.apache.avro.Schema.Type.NULL) {
          return branch;
        }
      }
    }
    return s;
  }

  private static boolean isDate(FieldType type) {
    return type.getTypeName() == TypeName.LOGICAL_TYPE
        && SqlTypes.DATE.getIdentifier().equals(type.getLogicalType().getIdentifier());
  }

  private static boolean supported(FieldType type) {
    switch (type.getTypeName()) {
      case INT64:
      case INT32:
      case DOUBLE:
      case BOOLEAN:
      case STRING:
      case DATETIME:
        return true;
      default:
        return isDate(type);
    }
  }
}
