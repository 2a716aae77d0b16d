package dev.beametl.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * A JDBC target. The password is never an option (it would show in process lists and logs): it is
 * read from the Secrets Manager secret named by {@link #getJdbcPasswordSecret()}, or else from the
 * environment variable named by {@link #getJdbcPasswordEnv()}, wherever a connection opens.
 */
public interface JdbcOptions extends PipelineOptions {

  @Description("JDBC URL of the target database, e.g. jdbc:postgresql://host:5432/db")
  String getJdbcUrl();

  void setJdbcUrl(String value);

  @Description("Database user.")
  String getJdbcUser();

  void setJdbcUser(String value);

  @Description("Name of the environment variable holding the database password.")
  @Default.String("JDBC_PASSWORD")
  String getJdbcPasswordEnv();

  void setJdbcPasswordEnv(String value);

  @Description("Name or ARN of an AWS Secrets Manager secret holding the database password: plain text, or the JSON "
      + "of an RDS/Redshift secret with \"password\" (and \"username\", used when --jdbcUser is not given). "
      + "Read with the default AWS credentials (the node role on EMR) by every worker that connects. "
      + "When given, --jdbcPasswordEnv is not used.")
  String getJdbcPasswordSecret();

  void setJdbcPasswordSecret(String value);

  @Description("Target table, optionally schema-qualified (letters, digits, underscores).")
  String getTable();

  void setTable(String value);

  @Description("Rows sent to the database per transaction.")
  @Default.Integer(10_000)
  int getJdbcBatchSize();

  void setJdbcBatchSize(int value);
}
