package dev.beametl.transforms.csv;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import dev.beametl.transforms.rejects.Reject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;

/**
 * The parser reads numbers and timestamps from a field's bytes; {@link CsvRowParser#valueOf} reads
 * them from its text. On random texts near every edge (signs, lengths at the digit limits,
 * whitespace, Unicode digits, impossible dates), both must give the same value or both refuse it.
 */
class CsvRowParserBytesTest {
  private static final Schema SCHEMA = CsvRowParserTest.SCHEMA;
  private static final String[] PIECES = {
    "0", "1", "7", "9", "12", "999999999", "2147483647", "2147483648", "-", "+", ".", "e", "E", "5", "00",
    " ", "\t", "\u0663", "\uFF11", "x", "é", "1e309", "-0", "123456789012345678", "9223372036854775807",
    "9223372036854775808", "1234567890123456", "true", "FALSE",
  };
  private static final String[] TIMESTAMPS = {
    "2020-06-01 00:05:09", "2020-02-30 10:00:00", "2019-02-29 00:00:00", "2020-13-01 00:00:00", "2020-06-01 24:00:00",
    "2020-06-01 00:60:00", "2020-06-01 00:05:09.125", "2020-06-01T00:05:09", "2020-06-0a 00:05:09", "0000-01-01 00:00:00",
    "9999-12-31 23:59:59", "2020-6-01 00:05:09", "\u0662020-06-01 00:05:09",
  };

  @Test
  void theBytesPathGivesTheTextPathsValues() {
    Random random = new Random(20261203);
    CsvRowParser.Binding binding = CsvRowParser.of(SCHEMA, "parse").bind(CsvRowParserTest.HEADER);
    for (int n = 0; n < 200_000; n++) {
      List<String> values = new ArrayList<>();
      for (int f = 0; f < SCHEMA.getFieldCount(); f++) {
        values.add(SCHEMA.getField(f).getName().equals("at") && random.nextBoolean() ? pad(random, TIMESTAMPS[random.nextInt(TIMESTAMPS.length)]) : text(random));
      }
      KV<Row, Reject> outcome = binding.parse("f.csv", CsvFileReader.Record.of(1, 2, values, false, null));
      String expectedColumn = null;
      List<Object> expected = new ArrayList<>();
      for (int f = 0; f < SCHEMA.getFieldCount() && expectedColumn == null; f++) {
        try {
          expected.add(CsvRowParser.valueOf(SCHEMA.getField(f).getType(), values.get(f)));
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
          expectedColumn = SCHEMA.getField(f).getName();
        }
      }
      if (expectedColumn != null) {
        assertThat(values.toString(), outcome.getValue() == null ? null : outcome.getValue().column, is(expectedColumn));
      } else {
        assertThat(values.toString(), outcome.getKey() == null ? null : outcome.getKey().getValues(), is(expected));
      }
    }
  }

  private static String text(Random random) {
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(4); i >= 0; i--) {
      text.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return pad(random, text.toString());
  }

  private static String pad(Random random, String text) {
    return random.nextInt(8) == 0 ? " " + text + (random.nextBoolean() ? "\t" : "") : text;
  }
}
