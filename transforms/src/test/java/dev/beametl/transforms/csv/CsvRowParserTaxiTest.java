package dev.beametl.transforms.csv;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.beametl.transforms.rejects.Reject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** Ignored columns and timestamps, as the taxi layout needs them. */
class CsvRowParserTaxiTest {
  static final Schema SCHEMA =
      Schema.builder().addNullableInt64Field("vendorid").addNullableField("pickup", Schema.FieldType.DATETIME).build();

  @Test
  void anUnknownColumnIsAHeaderErrorUnlessIgnored() {
    CsvRowParser strict = CsvRowParser.of(SCHEMA, "parse");
    assertThat(strict.bind(List.of("VendorID", "pickup", "congestion_surcharge")).headerProblem(), containsString("unknown columns [congestion_surcharge]"));

    CsvRowParser lenient = strict.withIgnoredColumns("Congestion_Surcharge");
    assertThat(lenient.bind(List.of("VendorID", "pickup", "congestion_surcharge")).headerProblem(), nullValue());
    // Older files without the column bind too.
    assertThat(lenient.bind(List.of("VendorID", "pickup")).headerProblem(), nullValue());
    assertThat(lenient.bind(List.of("VendorID", "pickup", "other")).headerProblem(), containsString("unknown columns [other]"));
  }

  @Test
  void aSchemaColumnCannotBeIgnored() {
    assertThrows(IllegalArgumentException.class, () -> CsvRowParser.of(SCHEMA, "parse").withIgnoredColumns("VENDORID"));
  }

  @Test
  void timestampsParseAsUtcAndImpossibleOnesAreRejected() throws Exception {
    List<Object> out = parse("VendorID,pickup,congestion_surcharge\n2,2020-06-01 00:09:05,2.75\n1,2020-06-01 00:09:05.250,0\n1,2020-02-30 10:00:00,0\n1,2020-06-01T00:09:05,0\n");
    assertThat(((Row) out.get(0)).getDateTime("pickup"), is(Instant.parse("2020-06-01T00:09:05Z")));
    assertThat(((Row) out.get(1)).getDateTime("pickup"), is(Instant.parse("2020-06-01T00:09:05.250Z")));
    assertThat(((Reject) out.get(2)).column, is("pickup"));
    assertThat(((Reject) out.get(3)).detail, containsString("timestamp"));
  }

  private static List<Object> parse(String csv) throws Exception {
    CsvRowParser parser = CsvRowParser.of(SCHEMA, "parse").withIgnoredColumns("congestion_surcharge");
    List<Object> out = new ArrayList<>();
    try (CsvFileReader reader = CsvFileReader.open(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)))) {
      CsvRowParser.Binding binding = parser.bind(reader.header());
      for (CsvFileReader.Record r = reader.next(); r != null; r = reader.next()) {
        KV<Row, Reject> outcome = binding.parse("test.csv", r);
        out.add(outcome.getValue() == null ? outcome.getKey() : outcome.getValue());
      }
    }
    return out;
  }
}
