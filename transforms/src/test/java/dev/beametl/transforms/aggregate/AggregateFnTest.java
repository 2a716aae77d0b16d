package dev.beametl.transforms.aggregate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.CombineFnTester;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;

class AggregateFnTest {
  static final Schema INPUT =
      Schema.builder().addNullableInt64Field("units").addNullableDoubleField("price").addNullableStringField("product").build();
  static final AggregateSpec SPEC =
      AggregateSpec.parse(
          "",
          "units:min,units:max,units:sum,units:avg,units:count,units:count_distinct,"
              + "price:min,price:max,price:sum,price:avg,product:min,product:max,product:count_distinct,*:count");

  static AggregateFn fn() {
    return AggregateFn.of(SPEC, INPUT);
  }

  static Row row(Long units, Double price, String product) {
    return Row.withSchema(INPUT).addValues(units, price, product).build();
  }

  static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 40; i++) {
      rows.add(row(i % 5 == 0 ? null : i % 7, i % 3 == 0 ? null : i * 0.1, i % 4 == 0 ? null : "p" + (i % 6)));
    }
    return rows;
  }

  @Test
  void anySplitAndMergeOrderGivesTheSameMeasures() {
    // units: 32 values (every i not divisible by 5) of i % 7; price: i*0.1 for i not divisible by 3.
    List<Row> rows = rows();
    Row expected = fn().apply(rows);
    assertThat(expected.getInt64("units_count"), is(32L));
    assertThat(expected.getInt64("units_count_distinct"), is(7L));
    assertThat(expected.getInt64("units_min"), is(0L));
    assertThat(expected.getInt64("units_max"), is(6L));
    assertThat(expected.getString("product_min"), is("p0"));
    assertThat(expected.getInt64("product_count_distinct"), is(6L));
    assertThat(expected.getInt64("count"), is(40L));
    CombineFnTester.testCombineFn(fn(), rows, expected);
  }

  @Test
  void accumulatorsSurviveTheirCoder() throws Exception {
    AggregateFn fn = fn();
    Coder<AggregateFn.Accumulator> coder = fn.getAccumulatorCoder(CoderRegistry.createDefault(), RowCoder.of(INPUT));
    AggregateFn.Accumulator stats = fn.createAccumulator();
    for (Row r : rows()) {
      stats = fn.addInput(stats, r);
    }
    AggregateFn.Accumulator copy = CoderUtils.clone(coder, stats);
    assertThat(fn.extractOutput(copy), is(fn.extractOutput(stats)));
  }

  @Test
  void emptyGroupsGiveZeroCountsAndNullValues() {
    Row out = fn().apply(List.of(row(null, null, null)));
    assertThat(out.getInt64("units_count"), is(0L));
    assertThat(out.getInt64("units_count_distinct"), is(0L));
    assertThat(out.getValue("units_sum"), is((Object) null));
    assertThat(out.getValue("price_avg"), is((Object) null));
    assertThat(out.getValue("product_max"), is((Object) null));
    assertThat(out.getInt64("count"), is(1L));
  }

  @Test
  void doubleSumsKeepSmallValuesNextToLargeOnes() {
    Row out = fn().apply(List.of(row(null, 1e16, null), row(null, 1.0, null), row(null, 1.0, null), row(null, -1e16, null)));
    assertThat(out.getDouble("price_sum"), is(2.0)); // a plain double sum gives 0.0 or 4.0
  }

  /** Neumaier's compensation loses the 2^-53 (1 + 2^-53 rounds to 1), so it gave 1.0; the exact sum rounds up. */
  @Test
  void doubleSumsAreTheExactSumRoundedOnceInAnySplit() {
    List<Row> rows = new ArrayList<>();
    Stream.of(0x1p100, 1.0, 0x1p-53, 0x1p-200, -0x1p100).forEach(v -> rows.add(row(null, v, null)));
    Row expected = fn().apply(rows);
    assertThat(expected.getDouble("price_sum"), is(Math.nextUp(1.0)));
    CombineFnTester.testCombineFn(fn(), rows, expected);
  }

  @Test
  void longSumOverflowIsAClearError() {
    ArithmeticException e =
        assertThrows(ArithmeticException.class, () -> fn().apply(List.of(row(Long.MAX_VALUE, null, null), row(1L, null, null))));
    assertThat(e.getMessage(), containsString("sum of column units overflows"));
  }
}
