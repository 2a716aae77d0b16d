package dev.beametl.transforms.rows;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DropDuplicatesTest {
  static final Schema SCHEMA =
      Schema.builder().addInt64Field("id").addNullableDateTimeField("pulled").addNullableDoubleField("price").addStringField("source").build();
  static final Schema EXISTING = Schema.builder().addNullableInt64Field("id").addNullableDateTimeField("pulled").build();
  static final List<String> OUTPUT = Collections.synchronizedList(new ArrayList<>());

  static Row row(long id, String pulled, Double price, String source) {
    return Row.withSchema(SCHEMA).addValues(id, pulled == null ? null : Instant.parse(pulled), price, source).build();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 256})
  void keepsTheFirstRowOfEachNewKey(int buckets) {
    OUTPUT.clear();
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollection<Row> existing =
        p.apply("Existing", Create.of(Row.withSchema(EXISTING).addValues(1L, Instant.parse("2022-05-01T00:00:00Z")).build()).withRowSchema(EXISTING));
    p.apply(
            "Batch",
            Create.of(
                    row(1L, "2022-05-01T00:00:00Z", 10.0, "a"), // in the table already
                    row(2L, "2022-05-01T00:00:00Z", 20.0, "b"),
                    row(2L, "2022-05-01T00:00:00Z", 21.0, "a"), // same key, earlier source: kept
                    row(3L, null, 30.0, "c"),
                    row(3L, null, 31.0, "d"), // null keys are equal
                    row(4L, "2022-05-01T00:00:00Z", 40.0, "a"))
                .withRowSchema(SCHEMA))
        .apply(DropDuplicates.on(List.of("id", "pulled")).keepingFirstBy("source").against(existing).withBuckets(buckets))
        .apply(ParDo.of(new Collect()));

    PipelineResult result = p.run();
    result.waitUntilFinish();

    assertThat(OUTPUT, containsInAnyOrder("2/21.0", "3/30.0", "4/40.0"));
    assertThat(counter(result, "filtered"), is(3L));
    assertThat(counter(result, DropDuplicates.DUPLICATE_IN_BATCH), is(2L));
    assertThat(counter(result, DropDuplicates.DUPLICATE_IN_TABLE), is(1L));
  }

  @Test
  void keysAreUnambiguous() {
    Schema two = Schema.builder().addNullableStringField("a").addNullableStringField("b").addNullableDoubleField("d").build();
    List<String> key = List.of("a", "b", "d");
    assertThat(DropDuplicates.keyOf(Row.withSchema(two).addValues("a1", "", 1.0).build(), key), not(DropDuplicates.keyOf(Row.withSchema(two).addValues("a", "1", 1.0).build(), key)));
    assertThat(DropDuplicates.keyOf(Row.withSchema(two).addValues("~", null, 1.0).build(), key), not(DropDuplicates.keyOf(Row.withSchema(two).addValues(null, "~", 1.0).build(), key)));
    assertThat(DropDuplicates.keyOf(Row.withSchema(two).addValues("x", "y", -0.0).build(), key), is(DropDuplicates.keyOf(Row.withSchema(two).addValues("x", "y", 0.0).build(), key)));
  }

  private static long counter(PipelineResult result, String name) {
    long total = 0;
    for (MetricResult<Long> c : result.metrics().queryMetrics(MetricsFilter.builder().addNameFilter(MetricNameFilter.named("beam-etl", name)).build()).getCounters()) {
      total += c.getAttempted();
    }
    return total;
  }

  static final class Collect extends DoFn<Row, Void> {
    @ProcessElement
    public void process(@Element Row row) {
      OUTPUT.add(row.getInt64("id") + "/" + row.getDouble("price"));
    }
  }
}
