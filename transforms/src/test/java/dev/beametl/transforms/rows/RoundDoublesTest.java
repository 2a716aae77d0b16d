package dev.beametl.transforms.rows;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;

class RoundDoublesTest {

  @Test
  void roundsHalfUpOnTheDecimalValue() {
    assertThat(RoundDoubles.round(15823.99905, 2), is(15824.0));
    assertThat(RoundDoubles.round(2.675, 2), is(2.68));
    assertThat(RoundDoubles.round(1.005, 2), is(1.01));
    assertThat(RoundDoubles.round(-2.675, 2), is(-2.68));
    assertThat(RoundDoubles.round(8854.505, 2), is(8854.51));
    assertThat(RoundDoubles.round(0.0, 2), is(0.0));
    assertThat(RoundDoubles.round(Double.NaN, 2), is(Double.NaN));
  }


  @Test
  void aValueThatNeedsNoRoundingIsTheSameAsRoundedTheLongWay() {
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 200_000; i++) {
      int decimals = random.nextInt(7);
      double value =
          switch (random.nextInt(4)) {
            case 0 -> java.math.BigDecimal.valueOf(random.nextLong() % 10_000_000_000L, decimals).doubleValue();
            case 1 -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(16));
            case 2 -> Double.longBitsToDouble(random.nextLong());
            default -> (random.nextInt(2_000_001) - 1_000_000) / 100.0 + (random.nextBoolean() ? 0.005 : 0);
          };
      int scale = random.nextInt(6);
      double expected =
          Double.isNaN(value) || Double.isInfinite(value)
              ? value
              : java.math.BigDecimal.valueOf(value).setScale(scale, java.math.RoundingMode.HALF_UP).doubleValue();
      assertThat(value + " to " + scale, Double.doubleToLongBits(RoundDoubles.round(value, scale)), is(Double.doubleToLongBits(expected)));
    }
    assertThat(Double.doubleToLongBits(RoundDoubles.round(-0.0, 2)), is(Double.doubleToLongBits(0.0)));
  }

  @Test
  void roundsOnlyDoubleFieldsAndKeepsNulls() {
    Schema schema = Schema.builder().addNullableDoubleField("d").addNullableInt32Field("i").addNullableStringField("s").build();
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollection<Row> out =
        p.apply(
                Create.of(
                        Row.withSchema(schema).addValues(2.675, 5, "2.675").build(),
                        Row.withSchema(schema).addValues(null, null, null).build())
                    .withRowSchema(schema))
            .apply(RoundDoubles.halfUp(2));
    PAssert.that(out)
        .containsInAnyOrder(
            Row.withSchema(schema).addValues(2.68, 5, "2.675").build(),
            Row.withSchema(schema).addValues(null, null, null).build());
    p.run().waitUntilFinish();
  }
}
