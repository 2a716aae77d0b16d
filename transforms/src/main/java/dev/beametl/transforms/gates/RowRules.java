package dev.beametl.transforms.gates;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beametl.transforms.records.SourceColumns;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Declared data rules on rows: columns that must not be null, numeric ranges, and keys unique
 * within the run. A row that breaks a rule becomes a reject with reason {@code rule_not_null},
 * {@code rule_range} or {@code rule_unique}, naming the column, so a run reports which rows failed
 * and why instead of only that a check failed. The rules are checked in that order and a row is
 * rejected for the first it breaks.
 */
public final class RowRules extends PTransform<PCollection<Row>, WithRejects<Row>> {
  public static final String STEP = "rules";
  private static final TupleTag<Row> PASSED = new TupleTag<>() {};
  private static final TupleTag<Reject> BROKEN = new TupleTag<>() {};

  /** {@code column} within [min, max]; a null bound is open. */
  public record Range(String column, @Nullable Double min, @Nullable Double max) implements Serializable {
    boolean contains(double v) {
      return (min == null || v >= min) && (max == null || v <= max);
    }

    String describe() {
      return (min == null ? "" : format(min)) + ".." + (max == null ? "" : format(max));
    }

    private static String format(double v) {
      return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
  }

  private final List<String> notNull;
  private final List<Range> ranges;
  private final List<String> unique;

  private RowRules(List<String> notNull, List<Range> ranges, List<String> unique) {
    this.notNull = notNull;
    this.ranges = ranges;
    this.unique = unique;
  }

  public static RowRules none() {
    return new RowRules(List.of(), List.of(), List.of());
  }

  public RowRules withNotNull(List<String> columns) {
    return new RowRules(List.copyOf(columns), ranges, unique);
  }

  public RowRules withRanges(List<Range> columnRanges) {
    return new RowRules(notNull, List.copyOf(columnRanges), unique);
  }

  public RowRules withUnique(List<String> key) {
    return new RowRules(notNull, ranges, List.copyOf(key));
  }

  public boolean isEmpty() {
    return notNull.isEmpty() && ranges.isEmpty() && unique.isEmpty();
  }

  /** The same rules with each column name replaced by {@code spelling}'s (e.g. as a header spells it). */
  public RowRules withColumnsSpelled(UnaryOperator<String> spelling) {
    return new RowRules(
        notNull.stream().map(spelling).toList(),
        ranges.stream().map(r -> new Range(spelling.apply(r.column()), r.min(), r.max())).toList(),
        unique.stream().map(spelling).toList());
  }

  /** The columns the rules read, each once, in the order named. */
  public List<String> columns() {
    Set<String> columns = new LinkedHashSet<>(notNull);
    ranges.forEach(r -> columns.add(r.column()));
    columns.addAll(unique);
    return List.copyOf(columns);
  }

  /** The columns {@code --range} names: they must be numbers. */
  public List<String> rangeColumns() {
    return ranges.stream().map(Range::column).distinct().toList();
  }

  /**
   * The {@code rows} that pass these rules, with {@code rejects} joined by the rules' own; the two
   * unchanged when there is no rule.
   */
  public WithRejects<Row> after(PCollection<Row> rows, PCollection<Reject> rejects) {
    if (isEmpty()) {
      return WithRejects.of(rows, rejects);
    }
    WithRejects<Row> checked = rows.apply("Rules", this);
    return WithRejects.of(checked.getOutput(), WithRejects.concat("WithRuleRejects", rejects, checked.getRejects()));
  }

  @Override
  public WithRejects<Row> expand(PCollection<Row> rows) {
    Schema schema = rows.getSchema();
    check(schema);
    // One output, split after a shuffle: the rows' counted steps before it (a filter) run once on a Spark cluster.
    WithRejects<Row> checked =
        WithRejects.split(
            rows.apply("CheckRows", ParDo.of(new CheckFn(notNull, ranges)))
                .setCoder(WithRejects.outcomeCoder(rows.getPipeline(), rows.getCoder())));
    PCollection<Row> passed = checked.getOutput().setRowSchema(schema);
    PCollection<Reject> rejects = checked.getRejects();
    if (unique.isEmpty()) {
      return WithRejects.of(passed, rejects);
    }
    PCollectionTuple deduped =
        passed
            .apply("KeyRows", ParDo.of(new KeyFn(unique)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), passed.getCoder()))
            .apply("GroupByKey", GroupByKey.create())
            .apply("RejectDuplicates", ParDo.of(new UniqueFn(unique)).withOutputTags(PASSED, TupleTagList.of(BROKEN)));
    PCollection<Reject> allRejects = WithRejects.concat("AllRuleRejects", rejects, deduped.get(BROKEN));
    return WithRejects.of(deduped.get(PASSED).setRowSchema(schema), allRejects);
  }

  /** Refuses, before the run, rules on columns the rows do not have or ranges on non-numbers. */
  private void check(Schema schema) {
    List<String> problems = new ArrayList<>();
    List<String> named = new ArrayList<>(notNull);
    named.addAll(unique);
    for (String c : named) {
      if (!schema.hasField(c)) {
        problems.add("no column '" + c + "' (columns: " + String.join(", ", schema.getFieldNames()) + ")");
      }
    }
    for (Range r : ranges) {
      if (!schema.hasField(r.column())) {
        problems.add("--range: no column '" + r.column() + "' (columns: " + String.join(", ", schema.getFieldNames()) + ")");
      } else if (!schema.getField(r.column()).getType().getTypeName().isNumericType()) {
        problems.add("--range: column '" + r.column() + "' is not numeric");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  static Reject reject(Row row, String rule, String column, String detail) {
    return new Reject(STEP, "rule_" + rule, column, detail, SourceColumns.file(row), SourceColumns.record(row), toJson(row));
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The row as a JSON object, for the reject's {@code original}. */
  static String toJson(Row row) {
    ObjectNode node = JSON.createObjectNode();
    for (Schema.Field f : row.getSchema().getFields()) {
      Object v = row.getValue(f.getName());
      node.put(f.getName(), v == null ? null : v.toString());
    }
    return node.toString();
  }

  private static final class CheckFn extends DoFn<Row, KV<Row, Reject>> {
    private final List<String> notNull;
    private final List<Range> ranges;

    CheckFn(List<String> notNull, List<Range> ranges) {
      this.notNull = notNull;
      this.ranges = ranges;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<KV<Row, Reject>> out) {
      for (String c : notNull) {
        if (row.getValue(c) == null) {
          out.output(KV.of(null, reject(row, "not_null", c, c + " is null")));
          return;
        }
      }
      for (Range r : ranges) {
        Number v = row.getValue(r.column());
        if (v != null && !r.contains(v.doubleValue())) {
          out.output(KV.of(null, reject(row, "range", r.column(), r.column() + " = " + v + " is outside " + r.describe())));
          return;
        }
      }
      out.output(KV.of(row, null));
    }
  }

  private static final class KeyFn extends DoFn<Row, KV<String, Row>> {
    private final List<String> key;

    KeyFn(List<String> key) {
      this.key = key;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<KV<String, Row>> out) {
      out.output(KV.of(keyText(row, key), row));
    }
  }

  /** The key's values as text, with a separator and a null marker that values cannot contain. */
  static String keyText(Row row, List<String> key) {
    StringBuilder s = new StringBuilder();
    for (String c : key) {
      Object v = row.getValue(c);
      s.append(v == null ? "\u0000" : v.toString()).append('\u0001');
    }
    return s.toString();
  }

  private static final class UniqueFn extends DoFn<KV<String, Iterable<Row>>, Row> {
    private final List<String> key;

    UniqueFn(List<String> key) {
      this.key = key;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<Row>> group, MultiOutputReceiver out) {
      List<Row> rows = new ArrayList<>();
      group.getValue().forEach(rows::add);
      if (rows.size() == 1) {
        out.get(PASSED).output(rows.get(0));
        return;
      }
      String column = String.join(",", key);
      for (Row row : rows) {
        out.get(BROKEN).output(reject(row, "unique", column, rows.size() + " rows share this " + column));
      }
    }
  }
}
