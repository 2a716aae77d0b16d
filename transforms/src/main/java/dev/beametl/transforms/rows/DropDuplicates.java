package dev.beametl.transforms.rows;

import dev.beametl.transforms.EtlMetrics;
import java.nio.ByteBuffer;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.ReadableInstant;

/**
 * Keeps one row per key: drops rows whose key repeats within the input ({@code duplicate_in_batch})
 * and, with {@link #against}, rows whose key is already in the target ({@code duplicate_in_table}).
 * Both count as {@code filtered}. Which of several equal-key rows survives is decided by
 * {@link #keepingFirstBy} (the smallest by those columns), so a re-run keeps the same row.
 *
 * <p>Keys compare by value: timestamps by instant, doubles numerically ({@code -0.0 = 0.0}), nulls
 * equal to nulls, as Spark's {@code dropDuplicates} does.
 */
public final class DropDuplicates extends PTransform<PCollection<Row>, PCollection<Row>> {
  public static final String DUPLICATE_IN_BATCH = "duplicate_in_batch";
  public static final String DUPLICATE_IN_TABLE = "duplicate_in_table";

  private final List<String> keyColumns;
  private final List<String> orderColumns;
  private final @Nullable PCollection<Row> existing;

  private DropDuplicates(List<String> keyColumns, List<String> orderColumns, @Nullable PCollection<Row> existing) {
    if (keyColumns.isEmpty()) {
      throw new IllegalArgumentException("a key needs at least one column");
    }
    this.keyColumns = List.copyOf(keyColumns);
    this.orderColumns = List.copyOf(orderColumns);
    this.existing = existing;
  }

  public static DropDuplicates on(List<String> keyColumns) {
    return new DropDuplicates(keyColumns, List.of(), null);
  }

  /** Of several rows with one key, keep the smallest by these columns (nulls last); otherwise any one. */
  public DropDuplicates keepingFirstBy(String... columns) {
    return new DropDuplicates(keyColumns, List.of(columns), existing);
  }

  /** Rows already in the target (with at least the key columns, of the same types): their keys are never output. */
  public DropDuplicates against(PCollection<Row> existingRows) {
    return new DropDuplicates(keyColumns, orderColumns, existingRows);
  }

  @Override
  public Map<TupleTag<?>, PValue> getAdditionalInputs() {
    return existing == null ? Map.of() : Map.of(new TupleTag<Row>("existing"), existing);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    Schema schema = rows.getSchema();
    List<String> key = keyColumns;
    for (String column : key) {
      if (!schema.hasField(column)) {
        throw new IllegalArgumentException("key column " + column + " is not in " + schema.getFieldNames());
      }
    }
    PCollection<KV<String, Row>> keyed =
        rows.apply("KeyRows", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.rows())).via(r -> KV.of(keyOf(r, key), r)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), SchemaCoder.of(schema)));
    PCollection<KV<String, Boolean>> existingKeys =
        existing != null
            ? existing
                .apply("KeyExisting", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.booleans())).via(r -> KV.of(keyOf(r, key), true)))
                .setCoder(KvCoder.of(StringUtf8Coder.of(), BooleanCoder.of()))
            : rows.getPipeline().apply("NoExisting", Create.empty(KvCoder.of(StringUtf8Coder.of(), BooleanCoder.of())));
    TupleTag<Row> batchTag = new TupleTag<>("batch");
    TupleTag<Boolean> existingTag = new TupleTag<>("existing");
    return KeyedPCollectionTuple.of(batchTag, keyed)
        .and(existingTag, existingKeys)
        .apply("GroupByKey", CoGroupByKey.create())
        .apply("KeepFirst", ParDo.of(new KeepFirstFn(batchTag, existingTag, orderColumns)))
        .setRowSchema(schema);
  }

  private static final class KeepFirstFn extends DoFn<KV<String, CoGbkResult>, Row> {
    private final Counter filtered = EtlMetrics.filtered();
    private final Counter inBatch = EtlMetrics.counter(DUPLICATE_IN_BATCH);
    private final Counter inTable = EtlMetrics.counter(DUPLICATE_IN_TABLE);
    private final TupleTag<Row> batchTag;
    private final TupleTag<Boolean> existingTag;
    private final List<String> orderColumns;

    KeepFirstFn(TupleTag<Row> batchTag, TupleTag<Boolean> existingTag, List<String> orderColumns) {
      this.batchTag = batchTag;
      this.existingTag = existingTag;
      this.orderColumns = orderColumns;
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> group, OutputReceiver<Row> out) {
      CoGbkResult result = group.getValue();
      boolean alreadyThere = result.getAll(existingTag).iterator().hasNext();
      Row first = null;
      long rows = 0;
      for (Row row : result.getAll(batchTag)) {
        rows++;
        if (first == null || compare(row, first) < 0) {
          first = row;
        }
      }
      if (first == null) {
        return;
      }
      if (alreadyThere) {
        inTable.inc(rows);
        filtered.inc(rows);
        return;
      }
      inBatch.inc(rows - 1);
      filtered.inc(rows - 1);
      out.output(first);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private int compare(Row a, Row b) {
      for (String column : orderColumns) {
        Comparable x = (Comparable) a.getValue(column);
        Comparable y = (Comparable) b.getValue(column);
        int c = Comparator.<Comparable>nullsLast(Comparator.naturalOrder()).compare(x, y);
        if (c != 0) {
          return c;
        }
      }
      return 0;
    }
  }

  /**
   * The key as text, unambiguous whatever the values hold: each value as {@code <length>:<text>},
   * a null as {@code ~}.
   */
  static String keyOf(Row row, List<String> columns) {
    StringBuilder key = new StringBuilder();
    for (String column : columns) {
      Object v = row.getValue(column);
      if (v == null) {
        key.append('~');
        continue;
      }
      String text = canonical(v);
      key.append(text.length()).append(':').append(text);
    }
    return key.toString();
  }

  private static String canonical(Object v) {
    if (v instanceof ReadableInstant instant) {
      return Long.toString(instant.getMillis());
    }
    if (v instanceof Double d) {
      return d == 0.0 ? "0.0" : d.toString();
    }
    if (v instanceof Float f) {
      return f == 0.0f ? "0.0" : f.toString();
    }
    if (v instanceof byte[] bytes) {
      return java.util.Base64.getEncoder().encodeToString(bytes);
    }
    if (v instanceof ByteBuffer buffer) {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
      return java.util.Base64.getEncoder().encodeToString(bytes);
    }
    return v.toString();
  }
}
