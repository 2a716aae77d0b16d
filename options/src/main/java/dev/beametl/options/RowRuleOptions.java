package dev.beametl.options;

import java.util.List;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Row rules on the records a run reads (in an aggregation, before they are folded into the
 * totals): a record that breaks a rule is rejected with reason {@code rule_<name>} and the column,
 * like any other reject.
 */
public interface RowRuleOptions extends PipelineOptions {

  @Description("Columns that must not be null, comma-separated (e.g. id,loan_amnt). A row with a null there is "
      + "rejected (reason rule_not_null).")
  String getNotNull();

  void setNotNull(String value);

  @Description("A column's allowed range, <column>:<min>..<max>, either side may be left open (e.g. "
      + "loan_amnt:0..40000, dti:..100). Repeat the option for several columns. A row outside is rejected "
      + "(reason rule_range); a null passes (use --notNull for that).")
  List<String> getRange();

  void setRange(List<String> value);

  @Description("Columns whose values together must be unique within the run, comma-separated (e.g. id). Every "
      + "row sharing a key with another is rejected (reason rule_unique): which copy is right is unknown.")
  String getUnique();

  void setUnique(String value);
}
