package dev.beametl.bench.fastpaths;

import dev.beametl.pipelines.TaxiGold;
import dev.beametl.transforms.aggregate.Aggregate;
import dev.beametl.transforms.aggregate.AggregateFn;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * {@link Aggregate}'s combining by hand (one accumulator per group per bundle, handed on as 16
 * bucket maps, a GroupByKey on the bucket) against the plain Beam way, {@code Combine.perKey}
 * with the same {@link AggregateFn}, over the same made-up trips (no file read: only the
 * combining differs).
 */
final class CombineBench {
  private static final int SHARDS = 16;

  private CombineBench() {}

  static void run(String runner, long rows, int runs) throws Exception {
    Runs on = Runs.on(runner);
    new Sitting(String.format("grouping %,d made-up trips, %s", rows, runner), "rows", 0)
        .add("Aggregate (by hand)", () -> on.run(p -> trips(p, rows).apply(Aggregate.of(Trips.TOTALS))))
        .add("Combine.perKey", () -> on.run(p -> combinePerKey(trips(p, rows))))
        .run(runs);
  }

  /**
   * {@code rows} made-up trips (rounded down to whole shards). Made in shards spread by a
   * reshuffle, so each DirectRunner bundle (whose output it holds until the bundle ends) is a
   * shard's rows, and both cores make rows.
   */
  private static PCollection<Row> trips(Pipeline pipeline, long rows) {
    return pipeline
        .apply("Shards", Create.of(IntStream.range(0, SHARDS).boxed().toList()))
        .apply("SpreadShards", Reshuffle.viaRandomKey())
        .apply("MakeUpTrips", ParDo.of(new Trips.MakeUpFn(rows / SHARDS)))
        .setRowSchema(Trips.COLUMNS);
  }

  private static PCollection<Row> combinePerKey(PCollection<Row> trips) {
    AggregateFn fn = AggregateFn.of(Trips.TOTALS, Trips.COLUMNS);
    Schema output = fn.outputSchema();
    Schema keys = new Schema(output.getFields().subList(0, TaxiGold.KEYS.size()));
    return trips
        .apply("KeyByGroup", ParDo.of(new KeyFn(keys)))
        .setCoder(KvCoder.of(RowCoder.of(keys), RowCoder.of(Trips.COLUMNS)))
        .apply(Combine.perKey(fn))
        .apply("ToRows", ParDo.of(new ToRowFn(output)))
        .setRowSchema(output);
  }

  private static final class KeyFn extends DoFn<Row, KV<Row, Row>> {
    private final Schema keys;

    KeyFn(Schema keys) {
      this.keys = keys;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<KV<Row, Row>> out) {
      List<Object> key = new ArrayList<>(keys.getFieldCount());
      for (String name : keys.getFieldNames()) {
        key.add(row.getValue(name));
      }
      out.output(KV.of(Row.withSchema(keys).attachValues(key), row));
    }
  }

  /** Keys, then measures: the row {@link Aggregate} emits. */
  private static final class ToRowFn extends DoFn<KV<Row, Row>, Row> {
    private final Schema output;

    ToRowFn(Schema output) {
      this.output = output;
    }

    @ProcessElement
    public void process(@Element KV<Row, Row> group, OutputReceiver<Row> out) {
      List<Object> values = new ArrayList<>(group.getKey().getValues());
      values.addAll(group.getValue().getValues());
      out.output(Row.withSchema(output).attachValues(values));
    }
  }
}
