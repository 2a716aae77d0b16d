package dev.beametl.transforms.csv;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.beametl.transforms.records.SourceColumns;
import dev.beametl.transforms.rejects.Reject;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class CsvRowParserTest {
  static final Schema SCHEMA =
      Schema.builder()
          .addNullableInt32Field("id")
          .addNullableDoubleField("amount")
          .addNullableStringField("name")
          .addNullableInt64Field("big")
          .addNullableBooleanField("flag")
          .addNullableDateTimeField("at")
          .build();
  static final List<String> HEADER = List.of("id", "amount", "name", "big", "flag", "at");

  /** The one outcome of a parse. */
  record Outcome(Row row, Reject reject) {
    Outcome(KV<Row, Reject> outcome) {
      this(outcome.getKey(), outcome.getValue());
    }
  }

  static Outcome parse(CsvRowParser.Binding binding, String... values) {
    return new Outcome(binding.parse("f.csv", CsvFileReader.Record.of(3, 4, List.of(values), false, null)));
  }

  static Outcome parse(String... values) {
    return parse(CsvRowParser.of(SCHEMA, "parse").bind(HEADER), values);
  }

  @Test
  void castsEveryTypeAndEmptyIsNull() {
    Row row = parse("7", "15823.99905", "Ann", "9000000000", "TRUE", "2020-06-01 00:05:09").row;
    assertThat(row.getInt32("id"), is(7));
    assertThat(row.getDouble("amount"), is(15823.99905));
    assertThat(row.getString("name"), is("Ann"));
    assertThat(row.getInt64("big"), is(9_000_000_000L));
    assertThat(row.getBoolean("flag"), is(true));
    assertThat(row.getDateTime("at"), is(Instant.parse("2020-06-01T00:05:09Z")));
    assertThat(parse("7", "1", "", "", "", "2020-02-29 23:59:59.125").row.getDateTime("at"), is(Instant.parse("2020-02-29T23:59:59.125Z")));

    Row empty = parse("", " ", "", "", "", "").row;
    for (int i = 0; i < SCHEMA.getFieldCount(); i++) {
      assertThat(empty.getValue(i), nullValue());
    }
  }

  @Test
  void columnsAreBoundByNameInAnyOrderAndCase() {
    CsvRowParser.Binding binding =
        CsvRowParser.of(SCHEMA, "parse").bind(List.of("NAME", "Id", "at", "flag", "big", "Amount"));
    assertThat(binding.headerProblem(), nullValue());
    Row row = parse(binding, "Bo", "3", "", "false", "1", "2.5").row;
    assertThat(row.getInt32("id"), is(3));
    assertThat(row.getString("name"), is("Bo"));
    assertThat(row.getDouble("amount"), is(2.5));
  }

  @Test
  void anUnparsableValueRejectsTheRowNamingTheColumn() {
    for (String[] bad :
        new String[][] {
          {"x1", "1", "", "", "", ""}, {"1.5", "1", "", "", "", ""},
          {"1", "12k", "", "", "", ""}, {"1", "NaN", "", "", "", ""}, {"1", "1d", "", "", "", ""},
          {"1", "1", "", "1e99999999999999999999", "", ""}, {"1", "1", "", "", "yes", ""},
          {"1", "1", "", "", "", "2020-13-01 00:00:00"},
          // A day that does not exist is refused with or without a fraction, not moved to the 29th.
          {"1", "1", "", "", "", "2020-02-30 00:00:00"}, {"1", "1", "", "", "", "2020-02-30 00:00:00.5"}
        }) {
      Reject reject = parse(bad).reject;
      assertThat(String.join(",", bad), reject, notNullValue());
      assertThat(reject.reason, is("unparsable_value"));
      assertThat(reject.column, notNullValue());
      assertThat(reject.source, is("f.csv"));
      assertThat(reject.record, is(3L));
      assertThat(reject.original, is(String.join(",", bad)));
    }
    assertThat(parse("1", "12k", "", "", "", "").reject.column, is("amount"));
  }

  @Test
  void aNumberADoubleCannotHoldIsRejectedNotTurnedIntoInfinityOrZero() {
    for (String text : List.of("1e309", "-1e309", "1e-400", "-1e-400", "0.0000001e-330")) {
      Reject reject = parse("1", text, "", "", "", "").reject;
      assertThat(text, reject, notNullValue());
      assertThat(reject.reason, is("unparsable_value"));
      assertThat(reject.column, is("amount"));
      assertThat(reject.detail, containsString("out of the range"));
    }
    for (String text : List.of("0", "-0.0", "0e-400", "1.7976931348623157e308", "4.9e-324", "1e-310")) {
      assertThat(text, parse("1", text, "", "", "", "").row, notNullValue());
    }
    assertThat(CsvRowParser.fits(Schema.FieldType.DOUBLE, "1e309"), is(false));
  }

  @Test
  void raggedRowsAreRejected() {
    assertThat(parse("1", "2").reject.reason, is("missing_field"));
    assertThat(parse("1", "2", "a", "3", "true", "", "extra").reject.reason, is("extra_field"));
    assertThat(parse("1", "2", "a", "3", "true", "", "extra").reject.detail, is("expected 6 fields, found 7"));
  }

  @Test
  void headerProblemsAreNamed() {
    CsvRowParser parser = CsvRowParser.of(SCHEMA, "parse");
    String problem = parser.bind(List.of("id", "amount", "name", "big", "flag", "when")).headerProblem();
    assertThat(problem, containsString("missing columns [at]"));
    assertThat(problem, containsString("unknown columns [when]"));
    assertThat(parser.bind(List.of("id", "ID", "amount", "name", "big", "flag", "at")).headerProblem(), containsString("duplicate columns [ID]"));
    Outcome out = parse(parser.bind(List.of("id")), "1");
    assertThat(out.reject.reason, is("bad_header"));
  }

  @Test
  void malformedAndBadlyEncodedRecordsAreRejected() {
    CsvRowParser.Binding binding = CsvRowParser.of(SCHEMA, "parse").bind(HEADER);
    Outcome malformed = new Outcome(binding.parse("f.csv", CsvFileReader.Record.of(9, 10, List.of(), false, "EOF in quotes")));
    assertThat(malformed.reject.reason, is("malformed_csv"));
    Outcome encoding = new Outcome(binding.parse("f.csv", CsvFileReader.Record.of(1, 2, List.of("1", "1", "caf\uFFFD", "", "", ""), true, null)));
    assertThat(encoding.reject.reason, is("invalid_encoding"));
  }

  @Test
  void sourceColumnsCarryTheLineage() {
    CsvRowParser parser = CsvRowParser.of(SCHEMA, "parse").withSourceColumns();
    Row row = parse(parser.bind(HEADER), "1", "", "", "", "", "").row;
    assertThat(row.getString(SourceColumns.FILE), is("f.csv"));
    assertThat(row.getInt64(SourceColumns.RECORD), is(3L));
  }
}
