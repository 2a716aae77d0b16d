package dev.beametl.transforms.aggregate;

import dev.beametl.transforms.aggregate.Measure.Function;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * The measures of one group, over rows: the combining of an {@link AggregateSpec}, used by {@link
 * Aggregate} (which also does the grouping) and usable in {@code Combine.perKey}. Output: one field
 * per measure, in order (the measure fields of {@link AggregateSpec#outputSchema}).
 *
 * <p>One accumulator per group keeps, for each measured column, only what its measures need: the
 * count of values, min and max, the sum, the distinct values. Sums of longs are exact and fail
 * loudly on overflow; sums of doubles are exact ({@link ExactSum}) and rounded once, at the end, so
 * a group's sum and mean do not depend on how a runner splits and merges the work.
 */
public final class AggregateFn extends CombineFn<Row, AggregateFn.Accumulator, Row> {
  private enum Sum {
    NONE,
    LONG,
    DOUBLE
  }

  private final List<Measure> measures;
  private final int sumDecimals;
  private final Schema outputSchema;
  private final Schema valueSchema;
  /** Per measured column (a slot): its name and field in the input rows, its type, and what is kept of it. */
  private final String[] name;
  private final int[] field;
  private final TypeName[] type;
  private final boolean[] minMax;
  private final boolean[] distinct;
  private final Sum[] sum;
  /** Per measure: the slot of its column, -1 for {@code *:count}. */
  private final int[] slotOf;

  private AggregateFn(AggregateSpec spec, Schema input) {
    this.measures = spec.measures();
    this.sumDecimals = spec.sumDecimals();
    this.outputSchema = spec.outputSchema(input);
    int keys = spec.keys().size();
    this.valueSchema = new Schema(outputSchema.getFields().subList(keys, outputSchema.getFieldCount()));
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
    this.minMax = new boolean[n];
    this.distinct = new boolean[n];
    this.sum = new Sum[n];
    slots.forEach(
        (column, slot) -> {
          name[slot] = column;
          field[slot] = input.indexOf(column);
          type[slot] = input.getField(column).getType().getTypeName();
          sum[slot] = Sum.NONE;
        });
    this.slotOf = new int[measures.size()];
    for (int i = 0; i < measures.size(); i++) {
      Measure m = measures.get(i);
      int c = m.countsRecords() ? -1 : slots.get(m.column());
      slotOf[i] = c;
      switch (m.function()) {
        case MIN, MAX -> minMax[c] = true;
        case COUNT_DISTINCT -> distinct[c] = true;
        case SUM, AVG -> sum[c] = type[c] == TypeName.INT64 ? Sum.LONG : Sum.DOUBLE;
        case COUNT -> {}
      }
    }
  }

  /**
   * @throws IllegalArgumentException when the spec does not fit {@code input} (see {@link AggregateSpec#outputSchema})
   */
  public static AggregateFn of(AggregateSpec spec, Schema input) {
    return new AggregateFn(spec, input);
  }

  /** The keys, then the measures: what {@link Aggregate} emits. */
  public Schema outputSchema() {
    return outputSchema;
  }

  /** The measures: what {@link #extractOutput} returns. */
  public Schema valueSchema() {
    return valueSchema;
  }

  /** A group's running measures; mutable, merged across bundles and workers. */
  public static final class Accumulator {
    long records;
    final long[] count;
    final Object[] min;
    final Object[] max;
    final long[] longSum;
    final @Nullable ExactSum[] sum;
    final @Nullable Set<Object>[] values;

    @SuppressWarnings("unchecked")
    private Accumulator(Sum[] sums, boolean[] distinct) {
      int n = sums.length;
      count = new long[n];
      min = new Object[n];
      max = new Object[n];
      longSum = new long[n];
      sum = new ExactSum[n];
      values = new Set[n];
      for (int c = 0; c < n; c++) {
        sum[c] = sums[c] == Sum.DOUBLE ? new ExactSum() : null;
        values[c] = distinct[c] ? new HashSet<>() : null;
      }
    }
  }

  @Override
  public Accumulator createAccumulator() {
    return new Accumulator(sum, distinct);
  }

  @Override
  public Accumulator addInput(Accumulator acc, Row row) {
    acc.records++;
    for (int c = 0; c < field.length; c++) {
      Object v = row.getValue(field[c]);
      if (v == null) {
        continue;
      }
      acc.count[c]++;
      if (minMax[c]) {
        acc.min[c] = least(acc.min[c], v);
        acc.max[c] = greatest(acc.max[c], v);
      }
      if (sum[c] == Sum.DOUBLE) {
        acc.sum[c].add((Double) v);
      } else if (sum[c] == Sum.LONG) {
        acc.longSum[c] = addExact(acc.longSum[c], (Long) v, c);
      }
      if (distinct[c]) {
        acc.values[c].add(v);
      }
    }
    return acc;
  }

  @Override
  public Accumulator mergeAccumulators(Iterable<Accumulator> all) {
    Accumulator merged = createAccumulator();
    for (Accumulator a : all) {
      mergeInto(merged, a);
    }
    return merged;
  }

  /** Adds {@code other} into {@code target}. */
  void mergeInto(Accumulator target, Accumulator other) {
    target.records += other.records;
    for (int c = 0; c < field.length; c++) {
      if (other.count[c] == 0) {
        continue;
      }
      target.count[c] += other.count[c];
      if (minMax[c]) {
        target.min[c] = least(target.min[c], other.min[c]);
        target.max[c] = greatest(target.max[c], other.max[c]);
      }
      if (sum[c] == Sum.DOUBLE) {
        target.sum[c].merge(other.sum[c]);
      } else if (sum[c] == Sum.LONG) {
        target.longSum[c] = addExact(target.longSum[c], other.longSum[c], c);
      }
      if (distinct[c]) {
        target.values[c].addAll(other.values[c]);
      }
    }
  }

  @Override
  public Row extractOutput(Accumulator acc) {
    List<Object> values = new ArrayList<>(measures.size());
    addOutput(acc, values);
    return Row.withSchema(valueSchema).attachValues(values);
  }

  /** Appends the group's measures to {@code values} (e.g. after its keys). */
  void addOutput(Accumulator acc, List<Object> values) {
    for (int i = 0; i < measures.size(); i++) {
      int c = slotOf[i];
      Function function = measures.get(i).function();
      if (function == Function.COUNT) {
        values.add(c < 0 ? acc.records : acc.count[c]);
      } else if (function == Function.COUNT_DISTINCT) {
        values.add((long) acc.values[c].size());
      } else if (acc.count[c] == 0) {
        values.add(null); // SQL: no value, no min, max, sum or mean
      } else {
        values.add(
            switch (function) {
              case MIN -> acc.min[c];
              case MAX -> acc.max[c];
              case SUM -> sum[c] == Sum.LONG ? (Object) acc.longSum[c] : rounded(acc.sum[c].value());
              case AVG -> (sum[c] == Sum.LONG ? (double) acc.longSum[c] : acc.sum[c].value()) / acc.count[c];
              default -> throw new IllegalStateException(function.name());
            });
      }
    }
  }

  /**
   * The sum is the double nearest its exact value, within far less than half a unit of the last
   * decimal kept for inputs of that many decimals, so this rounds the exact sum.
   */
  private double rounded(double value) {
    if (sumDecimals == AggregateSpec.EXACT || !Double.isFinite(value)) {
      return value;
    }
    return new BigDecimal(value).setScale(sumDecimals, RoundingMode.HALF_UP).doubleValue();
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
  public Coder<Accumulator> getAccumulatorCoder(CoderRegistry registry, Coder<Row> inputCoder) {
    return accumulatorCoder();
  }

  @Override
  public Coder<Row> getDefaultOutputCoder(CoderRegistry registry, Coder<Row> inputCoder) {
    return RowCoder.of(valueSchema);
  }

  AccumulatorCoder accumulatorCoder() {
    return new AccumulatorCoder(this);
  }

  /**
   * Counts and sums as plain numbers (partials are many when groups are); min, max and the distinct
   * values, which have the column's type, as a Row, so Beam's row encoding handles nulls and types.
   */
  static final class AccumulatorCoder extends CustomCoder<Accumulator> {
    private final Sum[] sum;
    private final boolean[] minMax;
    private final boolean[] distinct;
    private final @Nullable RowCoder typedValues;

    private AccumulatorCoder(AggregateFn fn) {
      this.sum = fn.sum;
      this.minMax = fn.minMax;
      this.distinct = fn.distinct;
      Schema.Builder schema = Schema.builder();
      for (int c = 0; c < sum.length; c++) {
        FieldType value = FieldType.of(fn.type[c]);
        if (minMax[c]) {
          schema.addNullableField("min" + c, value).addNullableField("max" + c, value);
        }
        if (distinct[c]) {
          schema.addIterableField("values" + c, value);
        }
      }
      Schema typed = schema.build();
      this.typedValues = typed.getFieldCount() == 0 ? null : RowCoder.of(typed);
    }

    @Override
    public void encode(Accumulator acc, OutputStream outStream) throws IOException {
      DataOutputStream out = new DataOutputStream(outStream);
      out.writeLong(acc.records);
      List<Object> typed = new ArrayList<>();
      for (int c = 0; c < sum.length; c++) {
        out.writeLong(acc.count[c]);
        if (sum[c] == Sum.LONG) {
          out.writeLong(acc.longSum[c]);
        } else if (sum[c] == Sum.DOUBLE) {
          acc.sum[c].encode(out);
        }
        if (minMax[c]) {
          typed.add(acc.min[c]);
          typed.add(acc.max[c]);
        }
        if (distinct[c]) {
          typed.add(acc.values[c]);
        }
      }
      out.flush();
      if (typedValues != null) {
        typedValues.encode(Row.withSchema(typedValues.getSchema()).attachValues(typed), outStream);
      }
    }

    @Override
    public Accumulator decode(InputStream inStream) throws IOException {
      DataInputStream in = new DataInputStream(inStream);
      Accumulator acc = new Accumulator(sum, distinct);
      acc.records = in.readLong();
      for (int c = 0; c < sum.length; c++) {
        acc.count[c] = in.readLong();
        if (sum[c] == Sum.LONG) {
          acc.longSum[c] = in.readLong();
        } else if (sum[c] == Sum.DOUBLE) {
          acc.sum[c] = ExactSum.decode(in);
        }
      }
      if (typedValues != null) {
        Row row = typedValues.decode(inStream);
        int f = 0;
        for (int c = 0; c < sum.length; c++) {
          if (minMax[c]) {
            acc.min[c] = row.getValue(f++);
            acc.max[c] = row.getValue(f++);
          }
          if (distinct[c]) {
            Iterable<Object> values = row.getValue(f++);
            values.forEach(acc.values[c]::add);
          }
        }
      }
      return acc;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof AccumulatorCoder other
          && Arrays.equals(sum, other.sum)
          && Arrays.equals(minMax, other.minMax)
          && Arrays.equals(distinct, other.distinct)
          && Objects.equals(typedValues, other.typedValues);
    }

    @Override
    public int hashCode() {
      return Objects.hash(Arrays.hashCode(sum), Arrays.hashCode(minMax), Arrays.hashCode(distinct));
    }
  }
}
