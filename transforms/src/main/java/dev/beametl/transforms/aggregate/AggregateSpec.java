package dev.beametl.transforms.aggregate;

import dev.beametl.transforms.aggregate.Measure.Function;
import dev.beametl.transforms.csv.CsvColumnTypes;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What an aggregate computes, {@code SELECT keys, measures GROUP BY keys}: the group keys (none:
 * one group of every row) and the measures in output order, and from them the columns to read,
 * their types and the output schema. Built in code ({@code groupBy("a").sum("x", "total_x")}) or
 * parsed from options ({@link #parse}).
 *
 * <p>Column types: a declared type wins. Otherwise, from a sample of the input: a group key is
 * INT64 when every sampled value is an integer, else STRING (never a double: grouping must be
 * exact). A column under sum or avg is numeric, and so is one under min or max when most of its
 * sampled values are numbers: INT64 when every sampled value is an integer, else DOUBLE, and a value
 * that is not a number is then rejected rather than turning the column into text. Min and max of
 * a column of mostly text compare text. A column only counted takes the narrowest type of its
 * sampled values (STRING when the sample had none).
 */
public record AggregateSpec(List<String> keys, List<Measure> measures, int sumDecimals) implements Serializable {
  /** {@link #sumDecimals} of sums that are not rounded. */
  public static final int EXACT = -1;

  /**
   * @param sumDecimals the decimals double sums are rounded to, or {@link #EXACT}
   */
  public AggregateSpec {
    keys = List.copyOf(keys);
    measures = List.copyOf(measures);
    Set<String> seen = new HashSet<>();
    for (String key : keys) {
      if (!seen.add(lower(key))) {
        throw new IllegalArgumentException("group key " + key + " is given twice");
      }
    }
    Set<String> outputs = new HashSet<>(seen);
    for (Measure m : measures) {
      if (!outputs.add(lower(m.output()))) {
        throw new IllegalArgumentException("output column " + m.output() + " (measure " + m + ") would appear twice");
      }
    }
    if (sumDecimals < EXACT) {
      throw new IllegalArgumentException("sums are rounded to >= 0 decimals, got " + sumDecimals);
    }
  }

  /** Groups by these columns; add the measures with {@link #count}, {@link #sum}, {@link #with}. */
  public static AggregateSpec groupBy(String... keys) {
    return new AggregateSpec(List.of(keys), List.of(), EXACT);
  }

  /** {@code groupBy}: comma-separated columns (may be empty: one summary row); {@code measures}: see {@link Measure#parseList}. */
  public static AggregateSpec parse(String groupBy, String measures) {
    List<String> keys = splitList(groupBy == null ? "" : groupBy);
    return new AggregateSpec(keys, Measure.parseList(measures == null ? "" : measures), EXACT);
  }

  /** Adds {@code output}: the number of records in the group. */
  public AggregateSpec count(String output) {
    return with(new Measure(Measure.ALL_RECORDS, Function.COUNT, output));
  }

  /** Adds {@code output}: the sum of the numeric column {@code column}, nulls skipped. */
  public AggregateSpec sum(String column, String output) {
    return with(new Measure(column, Function.SUM, output));
  }

  public AggregateSpec with(Measure measure) {
    List<Measure> all = new ArrayList<>(measures);
    all.add(measure);
    return new AggregateSpec(keys, all, sumDecimals);
  }

  /**
   * Double sums rounded half-up to {@code decimals} places, from their exact value: for inputs with
   * that many decimals (money in cents) a sum reads as a person would write it, {@code 94.51}, not
   * as the nearest double to a binary sum ({@code 94.50999999999999}).
   */
  public AggregateSpec sumsRoundedTo(int decimals) {
    if (decimals < 0) {
      throw new IllegalArgumentException("sums are rounded to >= 0 decimals, got " + decimals);
    }
    return new AggregateSpec(keys, measures, decimals);
  }

  /** Parses declared types {@code column:long|double|string,...}. */
  public static Map<String, TypeName> parseTypes(@Nullable String spec) {
    Map<String, TypeName> types = new LinkedHashMap<>();
    for (String item : splitList(spec == null ? "" : spec)) {
      int colon = item.lastIndexOf(':');
      String type = colon < 0 ? "" : item.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
      TypeName name =
          switch (type) {
            case "long" -> TypeName.INT64;
            case "double" -> TypeName.DOUBLE;
            case "string" -> TypeName.STRING;
            default -> throw new IllegalArgumentException("column type '" + item + "' is not <column>:long|double|string");
          };
      types.put(item.substring(0, colon).trim(), name);
    }
    return types;
  }

  /** The columns read: the keys, then the measured columns, each once. */
  public List<String> columns() {
    Set<String> columns = new LinkedHashSet<>(keys);
    for (Measure m : measures) {
      if (!m.countsRecords()) {
        columns.add(m.column());
      }
    }
    return List.copyOf(columns);
  }

  /**
   * The same summary with column names spelled as in {@code header} (matched case-insensitively).
   *
   * @throws IllegalArgumentException naming the columns {@code header} (read from {@code file}) lacks
   */
  public AggregateSpec matchedTo(List<String> header, String file) {
    List<String> missing = new ArrayList<>();
    List<String> matchedKeys = keys.stream().map(k -> match(k, header, missing)).toList();
    List<Measure> matchedMeasures =
        measures.stream().map(m -> m.countsRecords() ? m : m.withColumn(match(m.column(), header, missing))).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "columns " + new LinkedHashSet<>(missing) + " are not in the header of " + file + ": " + header);
    }
    return new AggregateSpec(matchedKeys, matchedMeasures, sumDecimals);
  }

  /**
   * The schema of the columns read (every field nullable: an empty CSV field is a null).
   *
   * @param sampled each column's values in a sample of the input
   * @param declared types given by the user; they win
   */
  public Schema inputSchema(Map<String, CsvColumnTypes.Column> sampled, Map<String, TypeName> declared) {
    Map<String, TypeName> declaredByName = new LinkedHashMap<>();
    declared.forEach((c, t) -> declaredByName.put(lower(c), t));
    Schema.Builder schema = Schema.builder();
    for (String column : columns()) {
      TypeName type = declaredByName.remove(lower(column));
      if (type == null) {
        type = inferredType(column, sampled.getOrDefault(column, new CsvColumnTypes.Column(0, 0, 0)));
      }
      schema.addNullableField(column, FieldType.of(type));
    }
    if (!declaredByName.isEmpty()) {
      throw new IllegalArgumentException("typed columns " + declaredByName.keySet() + " are neither group keys nor measured");
    }
    return schema.build();
  }

  private TypeName inferredType(String column, CsvColumnTypes.Column sampled) {
    boolean integers = sampled.narrowest() == TypeName.INT64;
    if (keys.contains(column)) {
      return integers ? TypeName.INT64 : TypeName.STRING;
    }
    List<Function> functions = measures.stream().filter(m -> m.column().equals(column)).map(Measure::function).toList();
    boolean numeric =
        functions.stream().anyMatch(Function::needsNumbers)
            || (functions.contains(Function.MIN) || functions.contains(Function.MAX)) && (sampled.values() == 0 || sampled.mostlyNumbers());
    if (numeric) {
      return integers ? TypeName.INT64 : TypeName.DOUBLE;
    }
    if (functions.contains(Function.MIN) || functions.contains(Function.MAX)) {
      return TypeName.STRING;
    }
    return sampled.narrowest() == null ? TypeName.STRING : sampled.narrowest();
  }

  /**
   * Keys with their input types, then one field per measure: counts INT64; min, max and sum of the
   * column's type (sums of long or double columns); avg DOUBLE. Every field but the counts is
   * nullable.
   *
   * @throws IllegalArgumentException when a column is missing or a measure does not fit its column's type
   */
  public Schema outputSchema(Schema input) {
    if (measures.isEmpty()) {
      throw new IllegalArgumentException("an aggregate needs at least one measure");
    }
    Schema.Builder schema = Schema.builder();
    for (String key : keys) {
      TypeName type = typeOf(input, key);
      if (type != TypeName.INT64 && type != TypeName.STRING) {
        throw new IllegalArgumentException("group key " + key + " is " + type + ": group by long or string columns");
      }
      schema.addNullableField(key, FieldType.of(type));
    }
    for (Measure m : measures) {
      if (m.function() == Function.COUNT || m.function() == Function.COUNT_DISTINCT) {
        if (!m.countsRecords()) {
          typeOf(input, m.column());
        }
        schema.addInt64Field(m.output());
        continue;
      }
      TypeName type = typeOf(input, m.column());
      if (m.function().needsNumbers() && type != TypeName.INT64 && type != TypeName.DOUBLE) {
        throw new IllegalArgumentException(m + " needs a numeric column, but " + m.column() + " is " + type);
      }
      schema.addNullableField(m.output(), FieldType.of(m.function() == Function.AVG ? TypeName.DOUBLE : type));
    }
    return schema.build();
  }

  private static TypeName typeOf(Schema input, String column) {
    if (!input.hasField(column)) {
      throw new IllegalArgumentException("no column " + column + " in " + input.getFieldNames());
    }
    return input.getField(column).getType().getTypeName();
  }

  private static String match(String column, List<String> header, List<String> missing) {
    for (String h : header) {
      if (h.equalsIgnoreCase(column)) {
        return h;
      }
    }
    missing.add(column);
    return column;
  }

  private static List<String> splitList(String list) {
    return java.util.Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
