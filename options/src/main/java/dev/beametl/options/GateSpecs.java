package dev.beametl.options;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.options.PipelineOptions;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The syntax of the quality-gate options, parsed in one place so that the CLI and the EMR launcher
 * refuse the same malformed values before anything runs.
 */
public final class GateSpecs {
  private static final Pattern RANGE = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*:\\s*([^.]*?)\\s*\\.\\.\\s*(.*?)\\s*");
  private static final Pattern LIMIT = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*(%?)\\s*");

  private GateSpecs() {}

  /** {@code --range=<column>:<min>..<max>}; a null bound is open. */
  public record Range(String column, @Nullable Double min, @Nullable Double max) {}

  /** {@code --maxRejected}: a count of records, or a percentage of the records read. */
  public record RejectLimit(double value, boolean percent) {
    public long allowed(long read) {
      return percent ? (long) Math.floor(read * value / 100.0) : (long) value;
    }

    @Override
    public String toString() {
      return percent ? stripZeros(value) + "%" : stripZeros(value);
    }

    private static String stripZeros(double v) {
      return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
  }

  /**
   * @throws IllegalArgumentException naming the option and the expected form
   */
  public static Range range(String spec) {
    Matcher m = RANGE.matcher(spec);
    if (!m.matches() || (m.group(2).isEmpty() && m.group(3).isEmpty())) {
      throw new IllegalArgumentException(
          "option --range: '" + spec + "' is not <column>:<min>..<max> (e.g. loan_amnt:0..40000; one side may be empty)");
    }
    Double min = bound(spec, m.group(2));
    Double max = bound(spec, m.group(3));
    if (min != null && max != null && min > max) {
      throw new IllegalArgumentException("option --range: '" + spec + "' has its minimum above its maximum");
    }
    return new Range(m.group(1), min, max);
  }

  public static List<Range> ranges(@Nullable List<String> specs) {
    List<Range> ranges = new ArrayList<>();
    if (specs != null) {
      for (String s : specs) {
        ranges.add(range(s));
      }
    }
    return ranges;
  }

  /** Comma-separated column names; empty for null. */
  public static List<String> columns(String option, @Nullable String spec) {
    if (spec == null || spec.isBlank()) {
      return List.of();
    }
    List<String> columns = Arrays.stream(spec.split(",")).map(String::trim).toList();
    for (String c : columns) {
      if (!c.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException("--" + option + ": '" + c + "' is not a column name (comma-separated names, e.g. id,loan_amnt)");
      }
    }
    return columns;
  }

  /** @return null when there is no limit */
  public static @Nullable RejectLimit rejectLimit(@Nullable String spec) {
    if (spec == null || spec.isBlank()) {
      return null;
    }
    Matcher m = LIMIT.matcher(spec);
    if (!m.matches()) {
      throw new IllegalArgumentException("option --maxRejected: '" + spec + "' is not a count (e.g. 100) or a percentage (e.g. 1%)");
    }
    double value = Double.parseDouble(m.group(1));
    boolean percent = !m.group(2).isEmpty();
    if (!percent && value != Math.rint(value)) {
      throw new IllegalArgumentException("option --maxRejected: a count must be a whole number, got '" + spec + "'");
    }
    if (percent && value > 100) {
      throw new IllegalArgumentException("option --maxRejected: a percentage must be at most 100%, got '" + spec + "'");
    }
    return new RejectLimit(value, percent);
  }

  /**
   * Every problem in the gate options at once (empty when they are well-formed). Row rules are
   * checked when {@code optionsClass}, the pipeline's options interface, has them.
   */
  public static List<String> problems(QualityGateOptions options, Class<? extends PipelineOptions> optionsClass) {
    List<String> problems = new ArrayList<>();
    collect(problems, () -> rejectLimit(options.getMaxRejected()));
    if (options.getMinRecords() != null && options.getMinRecords() < 0) {
      problems.add("option --minRecords must be >= 0, got " + options.getMinRecords());
    }
    if (RowRuleOptions.class.isAssignableFrom(optionsClass)) {
      RowRuleOptions rules = options.as(RowRuleOptions.class);
      collect(problems, () -> columns("notNull", rules.getNotNull()));
      collect(problems, () -> columns("unique", rules.getUnique()));
      if (rules.getRange() != null) {
        for (String r : rules.getRange()) {
          collect(problems, () -> range(r));
        }
      }
    }
    return problems;
  }

  private static double parseBound(String spec, String text) {
    try {
      double v = Double.parseDouble(text);
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option --range: '" + text + "' in '" + spec + "' is not a number");
    }
  }

  private static @Nullable Double bound(String spec, String text) {
    return text.isEmpty() ? null : parseBound(spec, text);
  }

  private static void collect(List<String> problems, Runnable check) {
    try {
      check.run();
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
  }
}
