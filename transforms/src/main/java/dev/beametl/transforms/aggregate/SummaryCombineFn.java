package dev.beametl.transforms.aggregate;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Every measure of a group in one pass: one accumulator per group keeps, for each measured column,
 * its count of values, min, max and sum (and its distinct values when asked), and each measure
 * reads what it needs. Sums of doubles are compensated (Neumaier), so the result barely depends on
 * the order the runner merges partial sums in; sums of longs are exact and fail loudly on overflow.
 */
final class SummaryCombineFn extends CombineFn<Row, SummaryCombineFn.Stats, Row> {
  private final List<Measure> measures;
  private final Schema valueSchema;
  /** Per measured column: its name and field in the input rows, its type, and whether its distinct values are kept. */
  private final String[] name;
  private final int[] field;
  private final TypeName[] type;
  private final boolean[] distinct;
  /** Per measure: the slot of its column, -1 for {@code *:count}. */
  private final int[] slotOf;

  /**
   * @param input the schema of the rows combined
   * @param valueSchema one field per measure, in order (see {@link SummarySpec#outputSchema})
   */
  SummaryCombineFn(Schema input, List<Measure> measures, Schema valueSchema) {
    this.measures = measures;
    this.valueSchema = valueSchema;
    Map<String, Integer> slots = new LinkedHashMap<>();
    for (Measure m : measures) {
      if (!m.countsRecords()) {
        slots.putIfAbsent(m.column(), slots.size());
      }
    }
    int n = slots.size();
    this.name = new String[n];
    this.field = new int[n];
    this.type = new TypeName[n];
    this.distinct = new boolean[n];
    slots.forEach(
        (column, slot) -> {
          name[slot] = column;
          field[slot] = input.indexOf(column);
          type[slot] = input.getField(column).getType().getTypeName();
        });
    this.slotOf = new int[measures.size()];
    for (int i = 0; i < measures.size(); i++) {
      Measure m = measures.get(i);
      slotOf[i] = m.countsRecords() ? -1 : slots.get(m.column());
      if (m.function() == Measure.Function.COUNT_DISTINCT) {
        distinct[slotOf[i]] = true;
      }
    }
  }

  /** A group's running statistics; mutable, merged across bundles and workers. */
  static final class Stats {
    long records;
    final long[] count;
    final Object[] min;
    final Object[] max;
    final long[] longSum;
    final double[] sum;
    final double[] compensation;
    final @Nullable Set<Object>[] values;

    @SuppressWarnings("unchecked")
    Stats(boolean[] distinct) {
      int n = distinct.length;
      count = new long[n];
      min = new Object[n];
      max = new Object[n];
      longSum = new long[n];
      sum = new double[n];
      compensation = new double[n];
      values = new Set[n];
      for (int c = 0; c < n; c++) {
        values[c] = distinct[c] ? new HashSet<>() : null;
      }
    }

    /** Neumaier's compensated summation: keeps the low-order bits a plain double sum drops. */
    void addDouble(int c, double x) {
      double t = sum[c] + x;
      compensation[c] += Math.abs(sum[c]) >= Math.abs(x) ? (sum[c] - t) + x : (x - t) + sum[c];
      sum[c] = t;
    }
  }

  @Override
  public Stats createAccumulator() {
    return new Stats(distinct);
  }

  @Override
  public Stats addInput(Stats stats, Row row) {
    stats.records++;
    for (int c = 0; c < field.length; c++) {
      Object v = row.getValue(field[c]);
      if (v != null) {
        stats.count[c]++;
        stats.min[c] = least(stats.min[c], v);
        stats.max[c] = greatest(stats.max[c], v);
        addToSum(stats, c, v);
        if (stats.values[c] != null) {
          stats.values[c].add(v);
        }
      }
    }
    return stats;
  }

  @Override
  public Stats mergeAccumulators(Iterable<Stats> all) {
    Stats merged = createAccumulator();
    for (Stats s : all) {
      mergeInto(merged, s);
    }
    return merged;
  }

  void mergeInto(Stats target, Stats s) {
    target.records += s.records;
    for (int c = 0; c < field.length; c++) {
      if (s.count[c] == 0) {
        continue;
      }
      target.count[c] += s.count[c];
      target.min[c] = least(target.min[c], s.min[c]);
      target.max[c] = greatest(target.max[c], s.max[c]);
      if (type[c] == TypeName.INT64) {
        target.longSum[c] = addExact(target.longSum[c], s.longSum[c], c);
      } else if (type[c] == TypeName.DOUBLE) {
        target.addDouble(c, s.sum[c]);
        target.compensation[c] += s.compensation[c];
      }
      if (target.values[c] != null) {
        target.values[c].addAll(s.values[c]);
      }
    }
  }

  @Override
  public Row extractOutput(Stats stats) {
    List<Object> out = new ArrayList<>(measures.size());
    for (int i = 0; i < measures.size(); i++) {
      int c = slotOf[i];
      out.add(
          switch (measures.get(i).function()) {
            case COUNT -> c < 0 ? stats.records : stats.count[c];
            case COUNT_DISTINCT -> (long) stats.values[c].size();
            case MIN -> stats.min[c];
            case MAX -> stats.max[c];
            case SUM -> stats.count[c] == 0 ? null : type[c] == TypeName.INT64 ? (Object) stats.longSum[c] : total(stats, c);
            case AVG -> stats.count[c] == 0 ? null : (type[c] == TypeName.INT64 ? (double) stats.longSum[c] : total(stats, c)) / stats.count[c];
          });
    }
    return Row.withSchema(valueSchema).attachValues(out);
  }

  private void addToSum(Stats stats, int c, Object v) {
    if (type[c] == TypeName.INT64) {
      stats.longSum[c] = addExact(stats.longSum[c], (Long) v, c);
    } else if (type[c] == TypeName.DOUBLE) {
      stats.addDouble(c, (Double) v);
    }
  }

  private static double total(Stats stats, int c) {
    return stats.sum[c] + stats.compensation[c];
  }

  private long addExact(long a, long b, int c) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException e) {
      throw new ArithmeticException("the sum of column " + name[c] + " overflows a 64-bit integer: read it as a double");
    }
  }

  @SuppressWarnings("unchecked")
  private static @Nullable Object least(@Nullable Object a, @Nullable Object b) {
    return a == null ? b : b == null ? a : ((Comparable<Object>) a).compareTo(b) <= 0 ? a : b;
  }

  @SuppressWarnings("unchecked")
  private static @Nullable Object greatest(@Nullable Object a, @Nullable Object b) {
    return a == null ? b : b == null ? a : ((Comparable<Object>) a).compareTo(b) >= 0 ? a : b;
  }

  @Override
  public Coder<Stats> getAccumulatorCoder(CoderRegistry registry, Coder<Row> inputCoder) {
    return statsCoder();
  }

  @Override
  public Coder<Row> getDefaultOutputCoder(CoderRegistry registry, Coder<Row> inputCoder) {
    return RowCoder.of(valueSchema);
  }

  Coder<Stats> statsCoder() {
    return new StatsCoder(type, distinct);
  }

  /** The same measures over partial summaries: each input is a {@link Stats} computed elsewhere, merged in. */
  CombineFn<Stats, Stats, Row> overPartials() {
    return new OverPartials(this);
  }

  private static final class OverPartials extends CombineFn<Stats, Stats, Row> {
    private final SummaryCombineFn fn;

    OverPartials(SummaryCombineFn fn) {
      this.fn = fn;
    }

    @Override
    public Stats createAccumulator() {
      return fn.createAccumulator();
    }

    @Override
    public Stats addInput(Stats accumulator, Stats partial) {
      fn.mergeInto(accumulator, partial);
      return accumulator;
    }

    @Override
    public Stats mergeAccumulators(Iterable<Stats> accumulators) {
      return fn.mergeAccumulators(accumulators);
    }

    @Override
    public Row extractOutput(Stats accumulator) {
      return fn.extractOutput(accumulator);
    }

    @Override
    public Coder<Stats> getAccumulatorCoder(CoderRegistry registry, Coder<Stats> inputCoder) {
      return fn.statsCoder();
    }

    @Override
    public Coder<Row> getDefaultOutputCoder(CoderRegistry registry, Coder<Stats> inputCoder) {
      return RowCoder.of(fn.valueSchema);
    }
  }

  /** Encodes {@link Stats} as a Row, so Beam's row encoding handles the nulls and the value types. */
  static final class StatsCoder extends CustomCoder<Stats> {
    private final boolean[] distinct;
    private final RowCoder rows;

    StatsCoder(TypeName[] type, boolean[] distinct) {
      this.distinct = distinct;
      Schema.Builder schema = Schema.builder().addInt64Field("records");
      for (int c = 0; c < type.length; c++) {
        FieldType value = FieldType.of(type[c]);
        schema
            .addInt64Field("count" + c)
            .addNullableField("min" + c, value)
            .addNullableField("max" + c, value)
            .addInt64Field("long_sum" + c)
            .addDoubleField("sum" + c)
            .addDoubleField("compensation" + c)
            .addNullableField("values" + c, FieldType.iterable(value));
      }
      this.rows = RowCoder.of(schema.build());
    }

    @Override
    public void encode(Stats s, OutputStream out) throws IOException {
      List<Object> v = new ArrayList<>();
      v.add(s.records);
      for (int c = 0; c < distinct.length; c++) {
        v.add(s.count[c]);
        v.add(s.min[c]);
        v.add(s.max[c]);
        v.add(s.longSum[c]);
        v.add(s.sum[c]);
        v.add(s.compensation[c]);
        v.add(s.values[c]);
      }
      rows.encode(Row.withSchema(rows.getSchema()).attachValues(v), out);
    }

    @Override
    public Stats decode(InputStream in) throws IOException {
      Row row = rows.decode(in);
      Stats s = new Stats(distinct);
      s.records = row.getInt64(0);
      int f = 1;
      for (int c = 0; c < distinct.length; c++) {
        s.count[c] = row.getInt64(f++);
        s.min[c] = row.getValue(f++);
        s.max[c] = row.getValue(f++);
        s.longSum[c] = row.getInt64(f++);
        s.sum[c] = row.getDouble(f++);
        s.compensation[c] = row.getDouble(f++);
        Iterable<Object> values = row.getValue(f++);
        if (values != null) {
          values.forEach(s.values[c]::add);
        }
      }
      return s;
    }
  }
}
