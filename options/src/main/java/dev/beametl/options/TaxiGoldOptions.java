package dev.beametl.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** {@code taxi-gold}: staging files -> totals per pickup location, trip type and payment type -> optional table load. */
public interface TaxiGoldOptions extends EtlOptions, InputOptions, FileOutputOptions, JdbcOptions, RowRuleOptions {
  /** The table loaded when --table is not given. */
  String DEFAULT_TABLE = "nyc.main_data";

  /** Where the gold is loaded once its files are complete. */
  enum LoadTo {
    NONE,
    POSTGRES,
    REDSHIFT
  }

  @Description("After the gold files are written, replace the table's content with them in one transaction: "
      + "redshift (COPY from the s3:// Parquet output, through the Redshift JDBC driver), postgres (through --jdbcUrl), or none.")
  @Default.Enum("NONE")
  LoadTo getLoadTo();

  void setLoadTo(LoadTo value);

  @Description("IAM role ARN Redshift assumes to read the gold files (--loadTo=redshift).")
  String getRedshiftIamRole();

  void setRedshiftIamRole(String value);
}
