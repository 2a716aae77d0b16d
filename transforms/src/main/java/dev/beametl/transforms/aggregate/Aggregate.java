package dev.beametl.transforms.aggregate;

import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.parquet.ParquetFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * {@code SELECT keys, measures FROM rows GROUP BY keys} for an {@link AggregateSpec}: one output
 * row per group (a null key is a group of its own; no keys: one group), the keys then the measures
 * ({@link AggregateSpec#outputSchema}), computed by {@link AggregateFn}.
 *
 * <p>Combiner lifting, by hand: each bundle folds its rows into one accumulator per group before
 * anything is shuffled, so the shuffle carries a few accumulators per group instead of every row,
 * on every runner. The partial accumulators travel as maps, one per bucket of groups ({@value
 * #BUCKETS} buckets by the groups' hash), gathered per bucket and merged: a handful of large
 * elements instead of one small element per group, which runners handle far better (the
 * DirectRunner makes a bundle per key; Spark's own map-side combine re-measures every map's size
 * as it goes). A bundle holding {@value #MAX_GROUPS_PER_BUNDLE} groups hands them on, so a
 * worker's memory grows with that bound, not with the input; a merge holds its bucket's groups.
 * Meant for results of up to a few million groups.
 *
 * <p>Counts: {@code aggregated} for each row folded into a group (every input row is; counted in
 * the fold, whose only consumer is the shuffle), {@code groups} for each output row. The rows' sink
 * counts them {@code written}.
 */
public final class Aggregate extends PTransform<PCollection<Row>, PCollection<Row>> {
  public static final String GROUPS = "groups";
  /** A bundle with this many distinct groups hands its accumulators on, so memory stays bounded. */
  static final int MAX_GROUPS_PER_BUNDLE = 50_000;
  /** Groups are merged in this many independent parts (parallelism of the merge). */
  static final int BUCKETS = 16;

  private final AggregateSpec spec;
  private final int maxGroupsPerBundle;

  private Aggregate(AggregateSpec spec, int maxGroupsPerBundle) {
    this.spec = spec;
    this.maxGroupsPerBundle = maxGroupsPerBundle;
  }

  public static Aggregate of(AggregateSpec spec) {
    return new Aggregate(spec, MAX_GROUPS_PER_BUNDLE);
  }

  /** A smaller memory bound (tests: many hand-ons with few rows). */
  Aggregate withMaxGroupsPerBundle(int groups) {
    return new Aggregate(spec, groups);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    Plan plan = plan(rows.getSchema());
    return merge(rows.apply("FoldPerBundle", ParDo.of(new FoldFn(plan))), plan);
  }

  /**
   * The same aggregate over Parquet files, read and folded in one step: rows of {@code columns}
   * (see {@link ParquetFiles#forEachRow}) are folded as they are decoded and never handed on.
   * Runners buffer a step's whole output for one input element (here: every row of a file) before
   * the next step sees it; folding as it reads keeps a file's rows out of memory, and spares a Row
   * coder and a DoFn call per row. Counts {@code read} as well, for each row decoded.
   */
  public PTransform<PCollection<FileIO.ReadableFile>, PCollection<Row>> overParquetFiles(Schema columns) {
    ParquetFiles.checkRowColumns(columns);
    Plan plan = plan(columns);
    return new PTransform<>() {
      @Override
      public PCollection<Row> expand(PCollection<FileIO.ReadableFile> files) {
        return merge(files.apply("ReadAndFold", ParDo.of(new FoldFilesFn(plan, columns))), plan);
      }
    };
  }

  /** The combining, where the keys are in the input, and the bound on a bundle's groups. */
  private record Plan(AggregateFn fn, Schema keySchema, int[] keyFields, int maxGroups) implements Serializable {}

  private Plan plan(Schema input) {
    AggregateFn fn = AggregateFn.of(spec, input);
    int[] keyFields = spec.keys().stream().mapToInt(input::indexOf).toArray();
    Schema keySchema = new Schema(fn.outputSchema().getFields().subList(0, keyFields.length));
    return new Plan(fn, keySchema, keyFields, maxGroupsPerBundle);
  }

  /** Gathers the partial accumulators per bucket, merges them, and emits a row per group. */
  private static PCollection<Row> merge(PCollection<KV<Integer, Map<Row, AggregateFn.Accumulator>>> partials, Plan plan) {
    return partials
        .setCoder(KvCoder.of(VarIntCoder.of(), new PartialsCoder(RowCoder.of(plan.keySchema()), plan.fn().accumulatorCoder())))
        .apply("GatherPerBucket", GroupByKey.create())
        .apply("MergeToRows", ParDo.of(new MergeToRowsFn(plan.fn())))
        .setRowSchema(plan.fn().outputSchema());
  }

  /** Partial accumulators of one bucket: group key -> accumulator. */
  static final class PartialsCoder extends CustomCoder<Map<Row, AggregateFn.Accumulator>> {
    private final RowCoder keyCoder;
    private final AggregateFn.AccumulatorCoder accumulatorCoder;

    PartialsCoder(RowCoder keyCoder, AggregateFn.AccumulatorCoder accumulatorCoder) {
      this.keyCoder = keyCoder;
      this.accumulatorCoder = accumulatorCoder;
    }

    @Override
    public void encode(Map<Row, AggregateFn.Accumulator> value, OutputStream out) throws IOException {
      VarIntCoder.of().encode(value.size(), out);
      for (Map.Entry<Row, AggregateFn.Accumulator> e : value.entrySet()) {
        keyCoder.encode(e.getKey(), out);
        accumulatorCoder.encode(e.getValue(), out);
      }
    }

    @Override
    public Map<Row, AggregateFn.Accumulator> decode(InputStream in) throws IOException {
      int n = VarIntCoder.of().decode(in);
      Map<Row, AggregateFn.Accumulator> map = new HashMap<>(n * 2);
      for (int i = 0; i < n; i++) {
        map.put(keyCoder.decode(in), accumulatorCoder.decode(in));
      }
      return map;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof PartialsCoder other && other.keyCoder.equals(keyCoder) && other.accumulatorCoder.equals(accumulatorCoder);
    }

    @Override
    public int hashCode() {
      return keyCoder.hashCode() * 31 + accumulatorCoder.hashCode();
    }
  }

  /** A group's key values, hashed once. */
  private static final class GroupKey {
    final Object[] values;
    final int hash;

    GroupKey(Object[] values) {
      this.values = values;
      this.hash = Arrays.hashCode(values);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof GroupKey && Arrays.equals(values, ((GroupKey) o).values);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** One bundle's accumulators: one per group, handed on in buckets. */
  static final class Folder {
    private final Plan plan;
    private Map<GroupKey, AggregateFn.Accumulator> groups = new HashMap<>();

    Folder(Plan plan) {
      this.plan = plan;
    }

    /** Folds a row in; returns true when the bundle holds so many groups that it should hand them on. */
    boolean fold(Row row) {
      int[] keyFields = plan.keyFields();
      Object[] key = new Object[keyFields.length];
      for (int i = 0; i < key.length; i++) {
        key[i] = row.getValue(keyFields[i]);
      }
      AggregateFn fn = plan.fn();
      fn.addInput(groups.computeIfAbsent(new GroupKey(key), k -> fn.createAccumulator()), row);
      return groups.size() >= plan.maxGroups();
    }

    /** The accumulators so far, one map per non-empty bucket; starts afresh. */
    List<KV<Integer, Map<Row, AggregateFn.Accumulator>>> handOn() {
      List<Map<Row, AggregateFn.Accumulator>> buckets = new ArrayList<>();
      for (int b = 0; b < BUCKETS; b++) {
        buckets.add(new HashMap<>());
      }
      groups.forEach(
          (k, acc) -> buckets.get(Math.floorMod(k.hash, BUCKETS)).put(Row.withSchema(plan.keySchema()).attachValues(Arrays.asList(k.values)), acc));
      groups = new HashMap<>();
      List<KV<Integer, Map<Row, AggregateFn.Accumulator>>> out = new ArrayList<>();
      for (int b = 0; b < BUCKETS; b++) {
        if (!buckets.get(b).isEmpty()) {
          out.add(KV.of(b, buckets.get(b)));
        }
      }
      return out;
    }
  }

  /** One accumulator per group per bundle, handed on at the bundle's end (or when it holds too many groups). */
  private static final class FoldFn extends DoFn<Row, KV<Integer, Map<Row, AggregateFn.Accumulator>>> {
    private final Counter aggregated = EtlMetrics.aggregated();
    private final Plan plan;
    private transient Folder folder;
    private transient long folded;

    FoldFn(Plan plan) {
      this.plan = plan;
    }

    @StartBundle
    public void startBundle() {
      folder = new Folder(plan);
      folded = 0;
    }

    @ProcessElement
    public void process(@Element Row row, BoundedWindow window, OutputReceiver<KV<Integer, Map<Row, AggregateFn.Accumulator>>> out) {
      checkGlobal(window);
      if (folder.fold(row)) {
        folder.handOn().forEach(out::output);
      }
      folded++;
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      folder.handOn().forEach(kv -> context.output(kv, GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE));
      // Once per bundle: a metric update per row is a measurable share of folding it, and the
      // runner commits the bundle's metrics with its output.
      aggregated.inc(folded);
      folder = null;
    }
  }

  /** {@link FoldFn} over the rows of Parquet files, read here. */
  private static final class FoldFilesFn extends DoFn<FileIO.ReadableFile, KV<Integer, Map<Row, AggregateFn.Accumulator>>> {
    private final Counter read = EtlMetrics.read();
    private final Counter aggregated = EtlMetrics.aggregated();
    private final Plan plan;
    private final Schema columns;
    private transient Folder folder;

    FoldFilesFn(Plan plan, Schema columns) {
      this.plan = plan;
      this.columns = columns;
    }

    @StartBundle
    public void startBundle() {
      folder = new Folder(plan);
    }

    @ProcessElement
    public void process(
        @Element FileIO.ReadableFile file, BoundedWindow window, OutputReceiver<KV<Integer, Map<Row, AggregateFn.Accumulator>>> out)
        throws IOException {
      checkGlobal(window);
      long[] rows = {0};
      ParquetFiles.forEachRow(
          file.getMetadata(),
          columns,
          read,
          row -> {
            rows[0]++;
            if (folder.fold(row)) {
              folder.handOn().forEach(out::output);
            }
          });
      aggregated.inc(rows[0]);
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      folder.handOn().forEach(kv -> context.output(kv, GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE));
      folder = null;
    }
  }

  private static void checkGlobal(BoundedWindow window) {
    if (!(window instanceof GlobalWindow)) {
      throw new IllegalStateException("Aggregate folds rows across a bundle: it needs the global window");
    }
  }

  /** Merges the partial accumulators of one bucket, then emits a row per group. */
  private static final class MergeToRowsFn extends DoFn<KV<Integer, Iterable<Map<Row, AggregateFn.Accumulator>>>, Row> {
    private final Counter groups = EtlMetrics.counter(GROUPS);
    private final AggregateFn fn;

    MergeToRowsFn(AggregateFn fn) {
      this.fn = fn;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<Map<Row, AggregateFn.Accumulator>>> bucket, OutputReceiver<Row> out) {
      Map<Row, AggregateFn.Accumulator> merged = new HashMap<>();
      for (Map<Row, AggregateFn.Accumulator> partial : bucket.getValue()) {
        partial.forEach((k, acc) -> fn.mergeInto(merged.computeIfAbsent(k, x -> fn.createAccumulator()), acc));
      }
      Schema output = fn.outputSchema();
      for (Map.Entry<Row, AggregateFn.Accumulator> group : merged.entrySet()) {
        List<Object> values = new ArrayList<>(output.getFieldCount());
        values.addAll(group.getKey().getValues());
        fn.addOutput(group.getValue(), values);
        groups.inc();
        out.output(Row.withSchema(output).attachValues(values));
      }
    }
  }
}
