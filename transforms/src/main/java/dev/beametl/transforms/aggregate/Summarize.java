package dev.beametl.transforms.aggregate;

import dev.beametl.transforms.EtlMetrics;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Group-by summary of typed rows: one output row per distinct combination of the key columns
 * (nulls form their own group), with the keys and then one column per measure (see
 * {@link SummarySpec#outputSchema}). Partial results are combined on each worker before the
 * shuffle, so only one small accumulator per group and worker crosses the network.
 *
 * <p>Counts: {@code written} is every input row aggregated into the output; {@code groups} is the
 * number of output rows.
 */
public final class Summarize extends PTransform<PCollection<Row>, PCollection<Row>> {
  public static final String GROUPS = "groups";

  private final SummarySpec spec;

  private Summarize(SummarySpec spec) {
    this.spec = spec;
  }

  public static Summarize of(SummarySpec spec) {
    return new Summarize(spec);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    Schema input = rows.getSchema();
    Schema output = spec.outputSchema(input);
    int keyCount = spec.keys().size();
    Schema keySchema = new Schema(output.getFields().subList(0, keyCount));
    Schema valueSchema = new Schema(output.getFields().subList(keyCount, output.getFieldCount()));
    return rows.apply("KeyByGroup", ParDo.of(new KeyFn(spec.keys(), keySchema)))
        .setCoder(KvCoder.of(RowCoder.of(keySchema), rows.getCoder()))
        .apply("Measure", Combine.perKey(new SummaryCombineFn(input, spec.measures(), valueSchema)))
        .apply("ToRows", ParDo.of(new ToRowFn(output)))
        .setRowSchema(output);
  }

  private static final class KeyFn extends DoFn<Row, KV<Row, Row>> {
    private final Counter written = EtlMetrics.written();
    private final List<String> keys;
    private final Schema keySchema;

    KeyFn(List<String> keys, Schema keySchema) {
      this.keys = keys;
      this.keySchema = keySchema;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<KV<Row, Row>> out) {
      List<Object> key = new ArrayList<>(keys.size());
      for (String k : keys) {
        key.add(row.getValue(k));
      }
      written.inc();
      out.output(KV.of(Row.withSchema(keySchema).attachValues(key), row));
    }
  }

  private static final class ToRowFn extends DoFn<KV<Row, Row>, Row> {
    private final Counter groups = EtlMetrics.counter(GROUPS);
    private final Schema output;

    ToRowFn(Schema output) {
      this.output = output;
    }

    @ProcessElement
    public void process(@Element KV<Row, Row> group, OutputReceiver<Row> out) {
      List<Object> values = new ArrayList<>(group.getKey().getValues());
      values.addAll(group.getValue().getValues());
      groups.inc();
      out.output(Row.withSchema(output).attachValues(values));
    }
  }
}
