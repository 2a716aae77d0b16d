package dev.beametl.transforms.aggregate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.beametl.transforms.csv.CsvColumnTypes.Column;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.junit.jupiter.api.Test;

class AggregateSpecTest {
  static final List<String> HEADER = List.of("Region", "zip", "year", "units", "price", "label", "day");

  @Test
  void parsesMeasuresAndNamesTheirColumns() {
    AggregateSpec spec = AggregateSpec.parse(" region , year ", "units:MIN, price:avg,label:count_distinct,*:count");

    assertThat(spec.keys(), contains("region", "year"));
    assertThat(spec.measures().stream().map(Measure::output).toList(), contains("units_min", "price_avg", "label_count_distinct", "count"));
    assertThat(spec.columns(), contains("region", "year", "units", "price", "label"));
  }

  @Test
  void badSpecsAreClearErrors() {
    assertThat(error(() -> AggregateSpec.parse("dp", "memory:median")), containsString("unknown function 'median' in measure 'memory:median'"));
    assertThat(error(() -> AggregateSpec.parse("dp", "memory")), containsString("is not <column>:<function>"));
    assertThat(error(() -> AggregateSpec.parse("dp", "")), containsString("no measures given"));
    assertThat(error(() -> AggregateSpec.parse("dp", "memory:max,MEMORY:max")), containsString("output column MEMORY_max (measure MEMORY:max) would appear twice"));
    assertThat(error(() -> AggregateSpec.parse("dp,dp", "memory:max")), containsString("group key dp is given twice"));
    assertThat(error(() -> AggregateSpec.parse("dp", "*:max")), containsString("'*' only takes count"));
    assertThat(error(() -> AggregateSpec.parseTypes("memory:int")), containsString("is not <column>:long|double|string"));
    assertThat(
        error(() -> AggregateSpec.parse("region", "weight:max,units:sum").matchedTo(HEADER, "f.csv")),
        is("columns [weight] are not in the header of f.csv: " + HEADER));
  }

  @Test
  void typesComeFromTheSampleUnlessDeclared() {
    AggregateSpec spec =
        AggregateSpec.parse("region,zip,year", "units:sum,price:max,label:max,day:count_distinct,units:count")
            .matchedTo(HEADER, "f.csv");
    Map<String, Column> sampled =
        Map.of(
            "Region", new Column(10, 0, 0),
            "zip", new Column(10, 9, 10), // 0123-style codes: not integers
            "year", new Column(10, 10, 10),
            "units", new Column(10, 9, 9), // one bad value: still a number column, the value is rejected
            "price", new Column(10, 4, 9), // mostly numbers
            "label", new Column(10, 0, 1), // mostly text: min/max compare text
            "day", new Column(0, 0, 0)); // nothing sampled

    Schema inferred = spec.inputSchema(sampled, Map.of());
    assertThat(types(inferred), contains("Region:STRING", "zip:STRING", "year:INT64", "units:DOUBLE", "price:DOUBLE", "label:STRING", "day:STRING"));

    Schema declared = spec.inputSchema(sampled, AggregateSpec.parseTypes("UNITS:long,day:double"));
    assertThat(types(declared), contains("Region:STRING", "zip:STRING", "year:INT64", "units:INT64", "price:DOUBLE", "label:STRING", "day:DOUBLE"));
    assertThat(
        types(spec.outputSchema(declared)),
        contains("Region:STRING", "zip:STRING", "year:INT64", "units_sum:INT64", "price_max:DOUBLE", "label_max:STRING", "day_count_distinct:INT64", "units_count:INT64"));
  }

  @Test
  void typesThatCannotWorkAreClearErrors() {
    AggregateSpec spec = AggregateSpec.parse("region", "label:avg").matchedTo(HEADER, "f.csv");
    Map<String, Column> sampled = Map.of();

    assertThat(error(() -> spec.inputSchema(sampled, Map.of("nope", TypeName.INT64))), containsString("typed columns [nope] are neither"));
    assertThat(
        error(() -> spec.outputSchema(spec.inputSchema(sampled, Map.of("label", TypeName.STRING)))),
        containsString("label:avg needs a numeric column, but label is STRING"));
    assertThat(
        error(() -> spec.outputSchema(spec.inputSchema(sampled, Map.of("Region", TypeName.DOUBLE)))),
        containsString("group key Region is DOUBLE: group by long or string columns"));
  }

  private static List<String> types(Schema schema) {
    return schema.getFields().stream().map(f -> f.getName() + ":" + f.getType().getTypeName()).toList();
  }

  private static String error(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }
}
