package dev.beametl.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** {@code dataset-summary}: any CSV -> group-by summary (min, max, sum, avg, count, count_distinct) -> one file. */
public interface DatasetSummaryOptions extends EtlOptions, InputOptions, CsvHeaderOptions, FileOutputOptions, RowRuleOptions {

  @Description("Columns to group by, comma-separated, matched to the header case-insensitively. "
      + "Empty: one summary row for the whole input.")
  @Default.String("dp")
  String getGroupBy();

  void setGroupBy(String value);

  @Description("Measures <column>:<function>, comma-separated. Functions: min, max, sum, avg, count, count_distinct "
      + "(nulls ignored); *:count counts each group's records. Output columns are named <column>_<function>.")
  @Default.String("memory:min,memory:max,memory:count,percentage:max,percentage:avg,ratio:max")
  String getMeasures();

  void setMeasures(String value);

  @Description("Column types <column>:long|double|string, comma-separated. Columns not listed are inferred "
      + "from the first --typeSampleSize records.")
  String getColumnTypes();

  void setColumnTypes(String value);

  @Description("Data records read before the run, from the first input files, to infer column types.")
  @Default.Integer(10_000)
  int getTypeSampleSize();

  void setTypeSampleSize(int value);
}
