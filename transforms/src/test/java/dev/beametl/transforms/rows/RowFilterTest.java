package dev.beametl.transforms.rows;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;

class RowFilterTest {
  static final Schema SCHEMA = Schema.builder().addNullableStringField("status").addNullableInt32Field("score").build();

  static Row row(String status, Integer score) {
    return Row.withSchema(SCHEMA).addValues(status, score).build();
  }

  @Test
  void keepsRowsMeetingEveryConditionAndCountsTheRest() {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollection<Row> kept =
        p.apply(Create.of(row("ok", 700), row("ok", 699), row("bad", 800), row(null, 800), row("ok", null)).withRowSchema(SCHEMA))
            .apply(RowFilter.where(RowFilter.notEqual("status", "bad")).and(RowFilter.atLeast("score", 700)));
    PAssert.that(kept).containsInAnyOrder(row("ok", 700));
    PipelineResult result = p.run();
    result.waitUntilFinish();
    long filtered =
        result.metrics()
            .queryMetrics(MetricsFilter.builder().addNameFilter(MetricNameFilter.named("beam-etl", "filtered")).build())
            .getCounters()
            .iterator()
            .next()
            .getAttempted();
    assertThat(filtered, is(4L));
  }
}
