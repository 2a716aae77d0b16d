package dev.beametl.transforms.rows;

import dev.beametl.transforms.EtlMetrics;
import java.nio.ByteBuffer;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
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
 * and, with {@link #against}, rows whose key is already in the target ({@code duplicate_in_table};
 * every row with such a key counts there). Both count as {@code filtered}. Which of several
 * equal-key rows survives is decided by {@link #keepingFirstBy} (the smallest by those columns), so
 * a re-run keeps the same row.
 *
 * <p>Keys compare by value: timestamps by instant, doubles numerically ({@code -0.0 = 0.0}), nulls
 * equal to nulls, as Spark's {@code dropDuplicates} does.
 *
 * <p>Rows are grouped into buckets of keys (a hash of the key), not one group per key: one group
 * per key makes the DirectRunner pay a fixed cost per key, minutes for a few hundred thousand keys.
 * A bucket's batch rows and existing keys are held in memory while it is processed, so there must
 * be enough buckets for that to stay small ({@link #withBuckets}).
 */
public final class DropDuplicates extends PTransform<PCollection<Row>, PCollection<Row>> {
  public static final String DUPLICATE_IN_BATCH = "duplicate_in_batch";
  public static final String DUPLICATE_IN_TABLE = "duplicate_in_table";
  static final int DEFAULT_BUCKETS = 256;

  private final List<String> keyColumns;
  private final List<String> orderColumns;
  private final @Nullable PCollection<Row> existing;
  private final int buckets;

  private DropDuplicates(List<String> keyColumns, List<String> orderColumns, @Nullable PCollection<Row> existing, int buckets) {
    if (keyColumns.isEmpty()) {
      throw new IllegalArgumentException("a key needs at least one column");
    }
    if (buckets < 1) {
      throw new IllegalArgumentException("buckets must be >= 1, got " + buckets);
    }
    this.keyColumns = List.copyOf(keyColumns);
    this.orderColumns = List.copyOf(orderColumns);
    this.existing = existing;
    this.buckets = buckets;
  }

  public static DropDuplicates on(List<String> keyColumns) {
    return new DropDuplicates(keyColumns, List.of(), null, DEFAULT_BUCKETS);
  }

  /** Of several rows with one key, keep the smallest by these columns (nulls last); otherwise any one. */
  public DropDuplicates keepingFirstBy(String... columns) {
    return new DropDuplicates(keyColumns, List.of(columns), existing, buckets);
  }

  /** Rows already in the target (with at least the key columns, of the same types): their keys are never output. */
  public DropDuplicates against(PCollection<Row> existingRows) {
    return new DropDuplicates(keyColumns, orderColumns, existingRows, buckets);
  }

  /** How many groups the keys are spread over (default 256); more for inputs or targets of hundreds of millions of rows. */
  public DropDuplicates withBuckets(int count) {
    return new DropDuplicates(keyColumns, orderColumns, existing, count);
  }

  @Override
  public Map<TupleTag<?>, PValue> getAdditionalInputs() {
    return existing == null ? Map.of() : Map.of(new TupleTag<Row>("existing"), existing);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    Schema schema = rows.getSchema();
    List<String> key = keyColumns;
    int count = buckets;
    for (String column : key) {
      if (!schema.hasField(column)) {
        throw new IllegalArgumentException("key column " + column + " is not in " + schema.getFieldNames());
      }
    }
    PCollection<KV<Integer, Row>> bucketed =
        rows.apply("BucketRows", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.rows())).via(r -> KV.of(bucketOf(keyOf(r, key), count), r)))
            .setCoder(KvCoder.of(VarIntCoder.of(), SchemaCoder.of(schema)));
    KvCoder<Integer, String> keyCoder = KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of());
    PCollection<KV<Integer, String>> existingKeys =
        existing != null
            ? existing
                .apply("BucketExistingKeys", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.strings())).via(r -> {
                  String k = keyOf(r, key);
                  return KV.of(bucketOf(k, count), k);
                }))
                .setCoder(keyCoder)
            : rows.getPipeline().apply("NoExistingKeys", Create.empty(keyCoder));
    TupleTag<Row> batchTag = new TupleTag<>("batch");
    TupleTag<String> existingTag = new TupleTag<>("existing");
    return KeyedPCollectionTuple.of(batchTag, bucketed)
        .and(existingTag, existingKeys)
        .apply("GroupBuckets", CoGroupByKey.create())
        .apply("KeepFirst", ParDo.of(new KeepFirstFn(batchTag, existingTag, key, orderColumns)))
        .setRowSchema(schema);
  }

  static int bucketOf(String key, int buckets) {
    return Math.floorMod(key.hashCode(), buckets);
  }

  private static final class KeepFirstFn extends DoFn<KV<Integer, CoGbkResult>, Row> {
    private final Counter filtered = EtlMetrics.filtered();
    private final Counter inBatch = EtlMetrics.counter(DUPLICATE_IN_BATCH);
    private final Counter inTable = EtlMetrics.counter(DUPLICATE_IN_TABLE);
    private final TupleTag<Row> batchTag;
    private final TupleTag<String> existingTag;
    private final List<String> keyColumns;
    private final List<String> orderColumns;

    KeepFirstFn(TupleTag<Row> batchTag, TupleTag<String> existingTag, List<String> keyColumns, List<String> orderColumns) {
      this.batchTag = batchTag;
      this.existingTag = existingTag;
      this.keyColumns = keyColumns;
      this.orderColumns = orderColumns;
    }

    @ProcessElement
    public void process(@Element KV<Integer, CoGbkResult> bucket, OutputReceiver<Row> out) {
      CoGbkResult result = bucket.getValue();
      Set<String> existingKeys = new HashSet<>();
      result.getAll(existingTag).forEach(existingKeys::add);
      Map<String, Row> firsts = new HashMap<>();
      for (Row row : result.getAll(batchTag)) {
        String key = keyOf(row, keyColumns);
        if (existingKeys.contains(key)) {
          inTable.inc();
          filtered.inc();
          continue;
        }
        Row first = firsts.get(key);
        if (first != null) {
          inBatch.inc();
          filtered.inc();
        }
        if (first == null || compare(row, first) < 0) {
          firsts.put(key, row);
        }
      }
      firsts.values().forEach(out::output);
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
