package dev.beametl.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** {@code loan-filter}: Lending Club loans CSV -> validated, rounded, filtered rows -> PostgreSQL. */
public interface LoanFilterOptions
    extends EtlOptions, InputOptions, CsvHeaderOptions, JdbcOptions, SourceLifecycleOptions, RowRuleOptions, IncrementalOptions {
  /** The table loaded when --table is not given. */
  String DEFAULT_TABLE = "loans";

  @Description("Rows whose loan_status equals this are dropped.")
  @Default.String("Charged Off")
  String getExcludeLoanStatus();

  void setExcludeLoanStatus(String value);

  @Description("Rows whose purpose equals this are dropped.")
  @Default.String("other")
  String getExcludePurpose();

  void setExcludePurpose(String value);

  @Description("Rows with last_fico_range_low below this are dropped.")
  @Default.Integer(700)
  int getMinLastFicoRangeLow();

  void setMinLastFicoRangeLow(int value);

  @Description("Decimal places every double column is rounded to (half-up on the decimal value).")
  @Default.Integer(2)
  int getRoundingScale();

  void setRoundingScale(int value);
}
