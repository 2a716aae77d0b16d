package dev.beametl.transforms.aggregate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.beametl.transforms.aggregate.Measure.Function;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;

class AggregateTest {
  static final Schema TRIPS =
      Schema.builder()
          .addNullableInt64Field("zone")
          .addNullableStringField("kind")
          .addNullableDoubleField("fare")
          .addNullableInt64Field("passengers")
          .build();
  static final AggregateSpec TOTALS =
      AggregateSpec.groupBy("zone", "kind").count("trips").sum("fare", "fare_total").sum("passengers", "passengers_total");

  static Row trip(Long zone, String kind, Double fare, Long passengers) {
    return Row.withSchema(TRIPS).addValues(zone, kind, fare, passengers).build();
  }

  static Schema output(AggregateSpec spec) {
    return spec.outputSchema(TRIPS);
  }

  static Row out(Schema schema, Object... values) {
    return Row.withSchema(schema).addValues(values).build();
  }

  @Test
  void nullKeysAreGroupsOfTheirOwnAndSumsSkipNulls() {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollection<Row> totals =
        p.apply(
                Create.of(
                        trip(1L, "a", 2.5, 1L),
                        trip(1L, "a", null, 2L),
                        trip(null, "a", 1.0, null),
                        trip(null, "a", 0.25, null),
                        trip(1L, null, null, null),
                        trip(null, null, 4.0, 3L))
                    .withRowSchema(TRIPS))
            .apply(Aggregate.of(TOTALS));

    Schema schema = output(TOTALS);
    PAssert.that(totals)
        .containsInAnyOrder(
            out(schema, 1L, "a", 2L, 2.5, 3L),
            out(schema, null, "a", 2L, 1.25, null), // no passengers at all: a null sum, not 0
            out(schema, 1L, null, 1L, null, null),
            out(schema, null, null, 1L, 4.0, 3L));
    p.run().waitUntilFinish();
  }

  @Test
  void noKeysIsOneGroupWithEveryMeasure() {
    AggregateSpec spec =
        AggregateSpec.parse("", "fare:min,fare:max,fare:avg,fare:count,kind:count_distinct,kind:max,*:count");
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollection<Row> summary =
        p.apply(Create.of(trip(1L, "b", 3.0, 1L), trip(2L, "a", null, 1L), trip(3L, "b", 1.0, null)).withRowSchema(TRIPS))
            .apply(Aggregate.of(spec));

    PAssert.that(summary).containsInAnyOrder(out(output(spec), 1.0, 3.0, 2.0, 2L, 2L, "b", 3L));
    p.run().waitUntilFinish();
  }

  /**
   * 20,000 fares in cents over 60 groups, summed exactly whatever the bundles: one bundle, six
   * uneven ones, 40 after a shuffle, and a bundle bound so small that every bundle
   * hands its groups on many times. Each gives the exact decimal sum of the cents, as a double.
   */
  @Test
  void sumsAreExactHoweverTheRowsAreSplit() {
    Random random = new Random(7);
    List<Row> trips = new ArrayList<>();
    Map<List<Object>, BigDecimal> fares = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    Map<List<Object>, Long> counts = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    for (int i = 0; i < 20_000; i++) {
      long zone = random.nextInt(30);
      String kind = random.nextBoolean() ? "street" : "dispatch";
      BigDecimal cents = BigDecimal.valueOf(random.nextInt(200_000) - 20_000, 2); // some refunds
      trips.add(trip(zone, kind, cents.doubleValue(), 1L));
      List<Object> key = List.of(zone, kind);
      fares.merge(key, cents, BigDecimal::add);
      counts.merge(key, 1L, Long::sum);
    }
    AggregateSpec spec = AggregateSpec.groupBy("zone", "kind").count("trips").sum("fare", "fare_total").sumsRoundedTo(2);
    Schema schema = spec.outputSchema(TRIPS);
    List<Row> expected = new ArrayList<>();
    fares.forEach((key, sum) -> expected.add(out(schema, key.get(0), key.get(1), counts.get(key), sum.setScale(2, RoundingMode.UNNECESSARY).doubleValue())));

    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollection<Row> oneBundle = p.apply("OneBundle", Create.of(trips).withRowSchema(TRIPS));
    PCollectionList<Row> parts = PCollectionList.empty(p);
    for (int from = 0, part = 0; from < trips.size(); part++) {
      int to = Math.min(trips.size(), from + 1_000 * (part + 1));
      parts = parts.and(p.apply("Part" + part, Create.of(trips.subList(from, to)).withRowSchema(TRIPS)));
      from = to;
    }
    PCollection<Row> unevenBundles = parts.apply("Parts", Flatten.pCollections());
    // 40 shuffle keys, not one per row: the DirectRunner makes a bundle of each key.
    PCollection<Row> shuffledBundles =
        oneBundle
            .apply("Key", WithKeys.of((Row r) -> Math.floorMod(r.hashCode(), 40)).withKeyType(TypeDescriptors.integers()))
            .apply("Reshuffle", Reshuffle.of())
            .apply("Unkey", Values.create())
            .setRowSchema(TRIPS);

    PAssert.that(oneBundle.apply("FromOne", Aggregate.of(spec))).containsInAnyOrder(expected);
    PAssert.that(unevenBundles.apply("FromUneven", Aggregate.of(spec))).containsInAnyOrder(expected);
    PAssert.that(shuffledBundles.apply("FromShuffled", Aggregate.of(spec))).containsInAnyOrder(expected);
    PAssert.that(oneBundle.apply("HandingOnEvery7Groups", Aggregate.of(spec).withMaxGroupsPerBundle(7))).containsInAnyOrder(expected);
    p.run().waitUntilFinish();
  }

  @Test
  void aSpecThatDoesNotFitTheRowsFailsWhenThePipelineIsBuilt() {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollection<Row> trips = p.apply(Create.of(trip(1L, "a", 1.0, 1L)).withRowSchema(TRIPS));

    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, () -> trips.apply("Missing", Aggregate.of(AggregateSpec.groupBy("zone").sum("tip", "tips"))));
    assertThat(missing.getMessage(), containsString("no column tip in [zone, kind, fare, passengers]"));
    IllegalArgumentException text =
        assertThrows(
            IllegalArgumentException.class,
            () -> trips.apply("Text", Aggregate.of(AggregateSpec.groupBy("zone").with(Measure.of("kind", Function.SUM)))));
    assertThat(text.getMessage(), containsString("kind:sum needs a numeric column, but kind is STRING"));
  }
}
