package dev.beametl.transforms.rows;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Rounds every DOUBLE field half-up on its decimal value, as a person would: 2.675 -> 2.68 and
 * 15823.99905 -> 15824.0 (binary rounding of 2.675 would give 2.67).
 */
public final class RoundDoubles extends PTransform<PCollection<Row>, PCollection<Row>> {
  private final int scale;

  private RoundDoubles(int scale) {
    this.scale = scale;
  }

  public static RoundDoubles halfUp(int scale) {
    if (scale < 0) {
      throw new IllegalArgumentException("rounding scale must be >= 0, got " + scale);
    }
    return new RoundDoubles(scale);
  }

  /** The decimal value of {@code value} (its shortest repr), rounded half-up to {@code scale} places. */
  public static double round(double value, int scale) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return value;
    }
    // Most values already have at most `scale` decimals, and rounding leaves them as they are: a
    // double equal to k / 10^scale (k far below 2^53) has that decimal as its value, so the
    // BigDecimal (a Double.toString each: 5% of loan-filter's CPU, bench/run-loan-filter) is
    // not needed. Zero goes the long way: it turns -0.0 into 0.0.
    if (scale < POWERS.length && value != 0) {
      double scaled = value * POWERS[scale];
      if (Math.abs(scaled) < 1e12 && Math.rint(scaled) / POWERS[scale] == value) {
        return value;
      }
    }
    return BigDecimal.valueOf(value).setScale(scale, RoundingMode.HALF_UP).doubleValue();
  }

  private static final double[] POWERS = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    Schema schema = rows.getSchema();
    return rows.apply(ParDo.of(new RoundFn(schema, scale))).setRowSchema(schema);
  }

  private static final class RoundFn extends DoFn<Row, Row> {
    private final int[] doubleFields;
    private final int scale;

    RoundFn(Schema schema, int scale) {
      this.doubleFields =
          IntStream.range(0, schema.getFieldCount())
              .filter(i -> schema.getField(i).getType().getTypeName() == Schema.TypeName.DOUBLE)
              .toArray();
      this.scale = scale;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<Row> out) {
      Object[] values = row.getValues().toArray();
      for (int i : doubleFields) {
        if (values[i] != null) {
          values[i] = round((Double) values[i], scale);
        }
      }
      // attachValues: the values keep their types; build() would re-check every field of every row
      // (a quarter of loan-filter's CPU on Spark, bench/run-loan-filter).
      out.output(Row.withSchema(row.getSchema()).attachValues(Arrays.asList(values)));
    }
  }
}
