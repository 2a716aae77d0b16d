package dev.beametl.transforms.aggregate;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One output column of an aggregate: a function over an input column, written to {@code output}.
 * The column {@code *} under {@code count} counts a group's records ({@code COUNT(*)}).
 */
public record Measure(String column, Function function, String output) implements Serializable {
  public static final String ALL_RECORDS = "*";

  /** Nulls are skipped by every function, as in SQL; a group with no value has a null min/max/sum/avg. */
  public enum Function {
    MIN,
    MAX,
    SUM,
    AVG,
    COUNT,
    COUNT_DISTINCT;

    /** Only numbers can be added up. */
    public boolean needsNumbers() {
      return this == SUM || this == AVG;
    }

    public String suffix() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Function parse(String name, String measure) {
      try {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown function '" + name.trim() + "' in measure '" + measure + "'; functions are "
                + Arrays.stream(values()).map(Function::suffix).toList());
      }
    }
  }

  public Measure {
    if (column.equals(ALL_RECORDS) && function != Function.COUNT) {
      throw new IllegalArgumentException("'*' only takes count (*:count counts the records of each group)");
    }
  }

  /** {@code function} over {@code column}, written as {@code <column>_<function>} ({@code count} for {@code *:count}). */
  public static Measure of(String column, Function function) {
    return new Measure(column, function, defaultOutput(column, function));
  }

  public boolean countsRecords() {
    return column.equals(ALL_RECORDS);
  }

  /** The same measure over {@code name} (e.g. the column as a header spells it); a default output name follows it. */
  public Measure withColumn(String name) {
    return new Measure(name, function, output.equals(defaultOutput(column, function)) ? defaultOutput(name, function) : output);
  }

  private static String defaultOutput(String column, Function function) {
    return column.equals(ALL_RECORDS) ? "count" : column + "_" + function.suffix();
  }

  /** Parses {@code column:function,...}, e.g. {@code memory:min,memory:max,*:count}. */
  public static List<Measure> parseList(String spec) {
    List<Measure> measures = new ArrayList<>();
    for (String item : spec.split(",")) {
      if (item.isBlank()) {
        continue;
      }
      int colon = item.lastIndexOf(':');
      if (colon <= 0 || item.substring(0, colon).isBlank()) {
        throw new IllegalArgumentException("measure '" + item.trim() + "' is not <column>:<function>, e.g. memory:max");
      }
      measures.add(of(item.substring(0, colon).trim(), Function.parse(item.substring(colon + 1), item.trim())));
    }
    if (measures.isEmpty()) {
      throw new IllegalArgumentException("no measures given: expected <column>:<function>,...");
    }
    return List.copyOf(measures);
  }

  @Override
  public String toString() {
    return column + ":" + function.suffix();
  }
}
