package dev.beametl.transforms.rows;

import dev.beametl.transforms.EtlMetrics;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Keeps the rows that meet every condition and counts the others as {@code filtered}. A row with
 * a null in a condition's column fails that condition (as SQL's WHERE does).
 */
public final class RowFilter extends PTransform<PCollection<Row>, PCollection<Row>> {

  /** One test on one column. */
  public interface Condition extends Serializable {
    boolean test(Row row);
  }

  private final List<Condition> conditions;

  private RowFilter(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public static RowFilter where(Condition... conditions) {
    return new RowFilter(List.of(conditions));
  }

  public RowFilter and(Condition condition) {
    List<Condition> all = new ArrayList<>(conditions);
    all.add(condition);
    return new RowFilter(List.copyOf(all));
  }

  /** The column is present and differs from {@code value}. */
  public static Condition notEqual(String column, Object value) {
    return row -> {
      Object v = row.getValue(column);
      return v != null && !Objects.equals(v, value);
    };
  }

  /** The column is present and {@code >= minimum}. */
  public static Condition atLeast(String column, double minimum) {
    return row -> {
      Number v = row.getValue(column);
      return v != null && v.doubleValue() >= minimum;
    };
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    return rows.apply(ParDo.of(new FilterFn(conditions))).setRowSchema(rows.getSchema());
  }

  private static final class FilterFn extends DoFn<Row, Row> {
    private final Counter filtered = EtlMetrics.filtered();
    private final List<Condition> conditions;

    FilterFn(List<Condition> conditions) {
      this.conditions = conditions;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<Row> out) {
      for (Condition c : conditions) {
        if (!c.test(row)) {
          filtered.inc();
          return;
        }
      }
      out.output(row);
    }
  }
}
