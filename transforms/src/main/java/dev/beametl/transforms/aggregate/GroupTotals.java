package dev.beametl.transforms.aggregate;

import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.files.ReadParquetRows;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * {@code SELECT keys, COUNT(*), SUM(a), ... GROUP BY keys} over rows: a null key is a group of its
 * own and sums skip nulls (a group with no value to sum gets null), as in SQL. Output columns are
 * the keys, then the measures in the order they were declared.
 *
 * <p>Built as a combiner, lifted by hand: each bundle folds its rows into one accumulator per group
 * before anything is shuffled, so the shuffle carries a few accumulators per group instead of
 * every row, on every runner. The partial totals travel as maps, one per bucket of groups
 * ({@value #BUCKETS} buckets by the groups' hash), gathered per bucket and merged: a handful of
 * large elements instead of one small element per group, which runners handle far better (the
 * DirectRunner makes a bundle per key; Spark's own map-side combine would re-measure every map's
 * size as it goes). Meant for results of up to a few million groups. Sums are exact
 * ({@link ExactSum}), so the result does not depend on how a runner splits and orders the work;
 * {@link #roundedTo} rounds them once, at the end, to the decimals of the inputs.
 *
 * <p>Counts: {@code aggregated} for each row folded into a group (every input row is), {@code
 * groups} for each output row. The rows' sink counts them {@code written}.
 */
public final class GroupTotals extends PTransform<PCollection<Row>, PCollection<Row>> {
  /** A bundle with this many distinct groups hands its accumulators on, so memory stays bounded. */
  static final int MAX_KEYS_PER_BUNDLE = 50_000;
  /** Groups are merged in this many independent parts (parallelism of the merge). */
  static final int BUCKETS = 16;

  /** One output column: a row count, or the sum of an input column. */
  private record Measure(String output, String input) implements Serializable {
    boolean isCount() {
      return input == null;
    }
  }

  /** Sums are not rounded. */
  private static final int EXACT = -1;

  private final List<String> keys;
  private final List<Measure> measures;
  private final int sumDecimals;

  private GroupTotals(List<String> keys, List<Measure> measures, int sumDecimals) {
    this.keys = keys;
    this.measures = measures;
    this.sumDecimals = sumDecimals;
  }

  /** Groups by these columns (at least one). */
  public static GroupTotals by(String... keys) {
    if (keys.length == 0) {
      throw new IllegalArgumentException("group by needs at least one key column");
    }
    return new GroupTotals(List.of(keys), List.of(), EXACT);
  }

  /** Adds {@code output}: the number of rows in the group. */
  public GroupTotals count(String output) {
    return with(new Measure(output, null));
  }

  /** Adds {@code output}: the sum of the numeric column {@code input}, nulls skipped. */
  public GroupTotals sum(String input, String output) {
    return with(new Measure(output, input));
  }

  private GroupTotals with(Measure m) {
    List<Measure> all = new ArrayList<>(measures);
    all.add(m);
    return new GroupTotals(keys, List.copyOf(all), sumDecimals);
  }

  /**
   * Sums rounded half-up to {@code decimals} places, from their exact value: for inputs with that
   * many decimals (money in cents) a sum reads as a person would write it, {@code 94.51}, not as
   * the nearest double to a binary sum ({@code 94.50999999999999}).
   */
  public GroupTotals roundedTo(int decimals) {
    if (decimals < 0) {
      throw new IllegalArgumentException("sums are rounded to >= 0 decimals, got " + decimals);
    }
    return new GroupTotals(keys, measures, decimals);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    Plan plan = plan(rows.getSchema());
    return merge(rows.apply("FoldPerBundle", ParDo.of(new FoldFn(plan))), plan);
  }

  /**
   * The same totals over Parquet files, read and folded in one step: rows of {@code columns} (see
   * {@link ReadParquetRows}) are folded as they are decoded and never handed on. Runners buffer a
   * step's whole output for one input element (here: every row of a file) before the next step
   * sees it; folding as it reads keeps a file's rows out of memory.
   */
  public PTransform<PCollection<FileIO.ReadableFile>, PCollection<Row>> overParquetFiles(Schema columns) {
    ReadParquetRows.as(columns); // checks the column types now, not on a worker
    return new PTransform<>() {
      @Override
      public PCollection<Row> expand(PCollection<FileIO.ReadableFile> files) {
        Plan plan = plan(columns);
        return merge(files.apply("ReadAndFold", ParDo.of(new FoldFilesFn(plan, columns))), plan);
      }
    };
  }

  /** Where the keys and measures are in the input, and the schemas of the keys and the output. */
  private record Plan(Schema keySchema, int[] keyFields, int[] sumFields, int sumDecimals, Schema output) implements Serializable {}

  private Plan plan(Schema input) {
    Schema.Builder keySchema = Schema.builder();
    int[] keyFields = new int[keys.size()];
    for (int i = 0; i < keyFields.length; i++) {
      keyFields[i] = fieldIndex(input, keys.get(i));
      keySchema.addField(keys.get(i), input.getField(keyFields[i]).getType().withNullable(true));
    }
    Schema keyRows = keySchema.build();
    Schema.Builder outputSchema = Schema.builder().addFields(keyRows.getFields());
    int[] sumFields = new int[measures.size()];
    for (int m = 0; m < sumFields.length; m++) {
      Measure measure = measures.get(m);
      if (measure.isCount()) {
        sumFields[m] = -1;
        outputSchema.addInt64Field(measure.output());
      } else {
        sumFields[m] = fieldIndex(input, measure.input());
        if (!input.getField(sumFields[m]).getType().getTypeName().isNumericType()) {
          throw new IllegalArgumentException("cannot sum " + measure.input() + ": it is " + input.getField(sumFields[m]).getType());
        }
        outputSchema.addNullableDoubleField(measure.output());
      }
    }
    return new Plan(keyRows, keyFields, sumFields, sumDecimals, outputSchema.build());
  }

  /** Gathers the partial totals per bucket, merges them, and emits a row per group. */
  private static PCollection<Row> merge(PCollection<KV<Integer, Map<Row, Totals>>> partials, Plan plan) {
    return partials
        .setCoder(KvCoder.of(VarIntCoder.of(), TotalsMapCoder.of(RowCoder.of(plan.keySchema()), plan.sumFields().length)))
        .apply("GatherPerBucket", GroupByKey.create())
        .apply("MergeToRows", ParDo.of(new MergeToRowsFn(plan)))
        .setRowSchema(plan.output());
  }

  private static int fieldIndex(Schema schema, String name) {
    if (!schema.hasField(name)) {
      throw new IllegalArgumentException("no column " + name + " in " + schema.getFieldNames());
    }
    return schema.indexOf(name);
  }

  /** The accumulator: a row count and one exact sum per measure (unused for count measures). */
  static final class Totals {
    long count;
    final ExactSum[] sums;

    Totals(int measures) {
      sums = new ExactSum[measures];
      for (int m = 0; m < measures; m++) {
        sums[m] = new ExactSum();
      }
    }

    void add(Row row, int[] sumFields) {
      count++;
      for (int m = 0; m < sumFields.length; m++) {
        if (sumFields[m] >= 0) {
          Object v = row.getValue(sumFields[m]);
          if (v != null) {
            sums[m].add(((Number) v).doubleValue());
          }
        }
      }
    }

    void merge(Totals other) {
      count += other.count;
      for (int m = 0; m < sums.length; m++) {
        sums[m].merge(other.sums[m]);
      }
    }
  }

  static final class TotalsCoder extends CustomCoder<Totals> {
    private final int measures;

    private TotalsCoder(int measures) {
      this.measures = measures;
    }

    static TotalsCoder of(int measures) {
      return new TotalsCoder(measures);
    }

    @Override
    public void encode(Totals value, OutputStream outStream) throws IOException {
      DataOutputStream out = new DataOutputStream(outStream);
      out.writeLong(value.count);
      for (ExactSum sum : value.sums) {
        sum.encode(out);
      }
      out.flush();
    }

    @Override
    public Totals decode(InputStream inStream) throws IOException {
      DataInputStream in = new DataInputStream(inStream);
      Totals totals = new Totals(measures);
      totals.count = in.readLong();
      for (int m = 0; m < measures; m++) {
        totals.sums[m] = ExactSum.decode(in);
      }
      return totals;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof TotalsCoder && ((TotalsCoder) o).measures == measures;
    }

    @Override
    public int hashCode() {
      return measures;
    }
  }

  /** Partial totals of one bucket: group key -> totals. */
  static final class TotalsMapCoder extends CustomCoder<Map<Row, Totals>> {
    private final RowCoder keyCoder;
    private final TotalsCoder totalsCoder;

    private TotalsMapCoder(RowCoder keyCoder, int measures) {
      this.keyCoder = keyCoder;
      this.totalsCoder = TotalsCoder.of(measures);
    }

    static TotalsMapCoder of(RowCoder keyCoder, int measures) {
      return new TotalsMapCoder(keyCoder, measures);
    }

    @Override
    public void encode(Map<Row, Totals> value, OutputStream out) throws IOException {
      VarIntCoder.of().encode(value.size(), out);
      for (Map.Entry<Row, Totals> e : value.entrySet()) {
        keyCoder.encode(e.getKey(), out);
        totalsCoder.encode(e.getValue(), out);
      }
    }

    @Override
    public Map<Row, Totals> decode(InputStream in) throws IOException {
      int n = VarIntCoder.of().decode(in);
      Map<Row, Totals> map = new HashMap<>(n * 2);
      for (int i = 0; i < n; i++) {
        map.put(keyCoder.decode(in), totalsCoder.decode(in));
      }
      return map;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof TotalsMapCoder && ((TotalsMapCoder) o).keyCoder.equals(keyCoder) && ((TotalsMapCoder) o).totalsCoder.equals(totalsCoder);
    }

    @Override
    public int hashCode() {
      return keyCoder.hashCode() * 31 + totalsCoder.hashCode();
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
  private static final class Folder {
    private final Plan plan;
    private Map<GroupKey, Totals> totals = new HashMap<>();

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
      totals.computeIfAbsent(new GroupKey(key), k -> new Totals(plan.sumFields().length)).add(row, plan.sumFields());
      return totals.size() >= MAX_KEYS_PER_BUNDLE;
    }

    /** The accumulators so far, one map per non-empty bucket; starts afresh. */
    List<KV<Integer, Map<Row, Totals>>> handOn() {
      List<Map<Row, Totals>> maps = new ArrayList<>();
      for (int b = 0; b < BUCKETS; b++) {
        maps.add(new HashMap<>());
      }
      totals.forEach(
          (k, t) -> maps.get(Math.floorMod(k.hash, BUCKETS)).put(Row.withSchema(plan.keySchema()).attachValues(Arrays.asList(k.values)), t));
      totals = new HashMap<>();
      List<KV<Integer, Map<Row, Totals>>> out = new ArrayList<>();
      for (int b = 0; b < BUCKETS; b++) {
        if (!maps.get(b).isEmpty()) {
          out.add(KV.of(b, maps.get(b)));
        }
      }
      return out;
    }
  }

  /** Combiner lifting by hand: one accumulator per group per bundle, handed on at the bundle's end. */
  private static final class FoldFn extends DoFn<Row, KV<Integer, Map<Row, Totals>>> {
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
    public void process(@Element Row row, BoundedWindow window, OutputReceiver<KV<Integer, Map<Row, Totals>>> out) {
      checkGlobal(window);
      if (folder.fold(row)) {
        folder.handOn().forEach(out::output);
      }
      // Counted in batches: a metric update per row is a measurable share of folding it.
      if (++folded % 10_000 == 0) {
        aggregated.inc(10_000);
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      folder.handOn().forEach(kv -> context.output(kv, GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE));
      aggregated.inc(folded % 10_000);
      folder = null;
    }
  }

  /** {@link FoldFn} over the rows of Parquet files, read here. */
  private static final class FoldFilesFn extends DoFn<FileIO.ReadableFile, KV<Integer, Map<Row, Totals>>> {
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
    public void process(@Element FileIO.ReadableFile file, BoundedWindow window, OutputReceiver<KV<Integer, Map<Row, Totals>>> out)
        throws IOException {
      checkGlobal(window);
      long[] rows = {0};
      ReadParquetRows.forEachRow(
          file,
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
      throw new IllegalStateException("GroupTotals folds rows across a bundle: it needs the global window");
    }
  }

  /** Merges the partial totals of one bucket, then emits a row per group. */
  private static final class MergeToRowsFn extends DoFn<KV<Integer, Iterable<Map<Row, Totals>>>, Row> {
    private final Counter groups = EtlMetrics.counter("groups");
    private final Schema output;
    private final int[] sumFields;
    private final int sumDecimals;

    MergeToRowsFn(Plan plan) {
      this.output = plan.output();
      this.sumFields = plan.sumFields();
      this.sumDecimals = plan.sumDecimals();
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<Map<Row, Totals>>> bucket, OutputReceiver<Row> out) {
      Map<Row, Totals> merged = new HashMap<>();
      for (Map<Row, Totals> partial : bucket.getValue()) {
        partial.forEach((k, t) -> merged.computeIfAbsent(k, x -> new Totals(sumFields.length)).merge(t));
      }
      for (Map.Entry<Row, Totals> group : merged.entrySet()) {
        List<Object> values = new ArrayList<>(group.getKey().getValues());
        Totals totals = group.getValue();
        for (int m = 0; m < sumFields.length; m++) {
          ExactSum sum = totals.sums[m];
          values.add(sumFields[m] < 0 ? (Object) totals.count : (sum.isEmpty() ? null : rounded(sum.value())));
        }
        groups.inc();
        out.output(Row.withSchema(output).attachValues(values));
      }
    }

    /**
     * The sum is the double nearest its exact value, within far less than half a unit of the last
     * decimal kept for inputs of that many decimals, so this rounds the exact sum.
     */
    private double rounded(double sum) {
      if (sumDecimals == EXACT || !Double.isFinite(sum)) {
        return sum;
      }
      return new BigDecimal(sum).setScale(sumDecimals, RoundingMode.HALF_UP).doubleValue();
    }
  }
}
