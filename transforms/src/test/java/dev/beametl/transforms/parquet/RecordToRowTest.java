package dev.beametl.transforms.parquet;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.hamcrest.Matchers.nullValue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.LocalDate;
import org.apache.avro.LogicalTypes;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class RecordToRowTest {
  static final Schema TYPED =
      Schema.builder()
          .addInt64Field("id")
          .addNullableDateTimeField("pulled")
          .addNullableField("day", FieldType.logicalType(SqlTypes.DATE))
          .addNullableDoubleField("price")
          .addNullableBooleanField("bookable")
          .addNullableStringField("note")
          .build();
  static final RecordToRow CONVERTER = RecordToRow.to(TYPED).withTimestampFormat("uuuuMMdd'T'HHmmss").withDateFormat("uuuu-MM-dd");

  /** A scraper-like record: every column optional, the given Avro type for each value. */
  static GenericRecord record(Object id, Object pulled, Object day, Object price, Object bookable) {
    org.apache.avro.Schema schema =
        SchemaBuilder.record("r").fields()
            .name("id").type(optional(id)).withDefault(null)
            .name("pulled").type(optional(pulled)).withDefault(null)
            .name("day").type(optional(day)).withDefault(null)
            .name("price").type(optional(price)).withDefault(null)
            .name("bookable").type(optional(bookable)).withDefault(null)
            .name("extra").type(optional("x")).withDefault(null)
            .endRecord();
    GenericRecord r = new GenericData.Record(schema);
    r.put("id", id);
    r.put("pulled", pulled);
    r.put("day", day);
    r.put("price", price);
    r.put("bookable", bookable);
    r.put("extra", "ignored");
    return r;
  }

  private static org.apache.avro.Schema optional(Object sample) {
    org.apache.avro.Schema type;
    if (sample instanceof Long) {
      type = org.apache.avro.Schema.create(org.apache.avro.Schema.Type.LONG);
    } else if (sample instanceof Integer) {
      type = org.apache.avro.Schema.create(org.apache.avro.Schema.Type.INT);
    } else if (sample instanceof Double) {
      type = org.apache.avro.Schema.create(org.apache.avro.Schema.Type.DOUBLE);
    } else if (sample instanceof Boolean) {
      type = org.apache.avro.Schema.create(org.apache.avro.Schema.Type.BOOLEAN);
    } else if (sample instanceof GenericData.Fixed f) {
      type = f.getSchema();
    } else {
      type = org.apache.avro.Schema.create(org.apache.avro.Schema.Type.STRING);
    }
    return org.apache.avro.Schema.createUnion(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.NULL), type);
  }

  private static Row row(GenericRecord record) {
    RecordToRow.Result result = CONVERTER.convert(record);
    if (result.row() == null) {
      throw new AssertionError("rejected: " + result.problem());
    }
    return result.row();
  }

  private static String problem(GenericRecord record) {
    RecordToRow.Problem p = CONVERTER.convert(record).problem();
    return p == null ? "none" : p.column() + ":" + p.reason() + ":" + p.detail();
  }

  @Test
  void parsesScraperTextIncludingHourZero() {
    Row row = row(record(6774081L, "20220501T001502", "2022-05-08", 183.0, true));

    assertThat(row.getInt64("id"), is(6774081L));
    assertThat(row.getDateTime("pulled"), is(Instant.parse("2022-05-01T00:15:02Z")));
    assertThat(row.<LocalDate>getLogicalTypeValue("day", LocalDate.class), is(LocalDate.of(2022, 5, 8)));
    assertThat(row.getDouble("price"), is(183.0));
    assertThat(row.getBoolean("bookable"), is(true));
    assertThat("a column the file lacks is null", row.getString("note"), nullValue());
  }

  @Test
  void takesWholeNumbersStoredAsDoublesOrText() {
    assertThat(row(record(6774081.0, null, null, null, null)).getInt64("id"), is(6774081L));
    assertThat(row(record("6774081", null, null, null, null)).getInt64("id"), is(6774081L));
    assertThat(row(record(7, null, null, null, null)).getInt64("id"), is(7L));
    assertThat(row(record(1L, null, null, "12.5", "FALSE")).getDouble("price"), is(12.5));
  }

  @Test
  void rejectsWhatDoesNotFitNamingTheColumn() {
    assertThat(problem(record(4.5, null, null, null, null)), is("id:unparsable_value:4.5 is not a whole number"));
    assertThat(problem(record(null, null, null, null, null)), is("id:missing_value:no value"));
    assertThat(problem(record(1L, "20220501T240000", null, null, null)), is("pulled:unparsable_value:'20220501T240000' is not a timestamp like uuuuMMdd'T'HHmmss"));
    assertThat(problem(record(1L, "20220231T100000", null, null, null)), is("pulled:unparsable_value:'20220231T100000' is not a timestamp like uuuuMMdd'T'HHmmss"));
    assertThat(problem(record(1L, "2022-05-01 10:00:00", null, null, null)), is("pulled:unparsable_value:'2022-05-01 10:00:00' is not a timestamp like uuuuMMdd'T'HHmmss"));
    assertThat(problem(record(1L, null, "2022-02-30", null, null)), is("day:unparsable_value:'2022-02-30' is not a date like uuuu-MM-dd"));
    assertThat(problem(record(1L, null, null, null, 1L)), is("bookable:wrong_type:1 cannot be read as true or false"));
    assertThat("not Infinity", problem(record(1L, null, null, "1e309", null)), startsWith("price:unparsable_value:"));
    assertThat("not zero", problem(record(1L, null, null, "-1e-400", null)), startsWith("price:unparsable_value:"));
  }

  @Test
  void readsParquetTimestampsDatesAndSparkInt96() {
    long millis = Instant.parse("2022-05-01T00:15:02.123Z").getMillis();
    org.apache.avro.Schema schema =
        SchemaBuilder.record("t").fields()
            .name("id").type().longType().noDefault()
            .name("pulled").type(LogicalTypes.timestampMillis().addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.LONG))).noDefault()
            .name("day").type(LogicalTypes.date().addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.INT))).noDefault()
            .endRecord();
    GenericRecord typed = new GenericData.Record(schema);
    typed.put("id", 1L);
    typed.put("pulled", millis);
    typed.put("day", (int) LocalDate.of(2022, 5, 8).toEpochDay());

    Row row = row(typed);
    assertThat(row.getDateTime("pulled"), is(new Instant(millis)));
    assertThat(row.<LocalDate>getLogicalTypeValue("day", LocalDate.class), is(LocalDate.of(2022, 5, 8)));

    // INT96: nanos of the day then the Julian day, little-endian.
    ByteBuffer int96 = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    int96.putLong((15 * 60 + 2) * 1_000_000_000L + 123_000_000L).putInt((int) (LocalDate.of(2022, 5, 1).toEpochDay() + 2_440_588L));
    GenericData.Fixed fixed = new GenericData.Fixed(org.apache.avro.Schema.createFixed("INT96", null, null, 12), int96.array());
    assertThat(row(record(1L, fixed, null, null, null)).getDateTime("pulled"), is(new Instant(millis)));
    assertThat("a date stored as a timestamp", row(record(1L, null, fixed, null, null)).<LocalDate>getLogicalTypeValue("day", LocalDate.class), is(LocalDate.of(2022, 5, 1)));
  }

  @Test
  void reportsMissingAndUnknownColumns() {
    org.apache.avro.Schema file = record(1L, null, null, null, null).getSchema();
    assertThat(CONVERTER.missingColumns(file), contains("note"));
    assertThat(CONVERTER.unknownColumns(file), contains("extra"));
  }
}
