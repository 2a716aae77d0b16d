package dev.beametl.transforms.csv;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.junit.jupiter.api.Test;

class CsvRowParserExtraColumnsTest {
  static final Schema SCHEMA = Schema.builder().addNullableStringField("dp").addNullableInt64Field("memory").build();

  @Test
  void extraColumnsAreRefusedByDefault() {
    assertThat(CsvRowParser.of(SCHEMA, "parse").bind(List.of("id", "memory", "dp")).headerProblem(), is("unknown columns [id]"));
  }

  @Test
  void allowedExtraColumnsMayEvenRepeatButBoundOnesMayNot() {
    CsvRowParser parser = CsvRowParser.of(SCHEMA, "parse").allowingExtraColumns();

    assertThat(parser.bind(List.of("id", "Memory", "x", "dp", "x")).headerProblem(), is(nullValue()));
    assertThat(parser.bind(List.of("dp", "memory", "DP")).headerProblem(), is("duplicate columns [DP]"));
    assertThat(parser.bind(List.of("id", "dp")).headerProblem(), is("missing columns [memory]"));
  }
}
