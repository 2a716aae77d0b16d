package dev.beametl.transforms.rows;

import java.math.BigDecimal;
import java.math.RoundingMode;
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
    return BigDecimal.valueOf(value).setScale(scale, RoundingMode.HALF_UP).doubleValue();
  }

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
      out.output(Row.withSchema(row.getSchema()).addValues(values).build());
    }
  }
}
