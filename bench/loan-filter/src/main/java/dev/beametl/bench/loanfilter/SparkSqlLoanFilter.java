package dev.beametl.bench.loanfilter;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.round;

import dev.beametl.options.LoanFilterOptions;
import dev.beametl.pipelines.LoanFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The peer of loan-filter in issue 13: the Spark SQL job a user would write instead. Reads the CSV
 * files with {@code header} and {@code multiLine} (quotes escaped by doubling), casts the 53
 * columns to loan-filter's types (its {@link LoanFilter#SCHEMA}: int, double rounded half-up to
 * the default scale, string), renames {@code desc} to {@code description}, applies loan-filter's
 * three filters with its defaults (a null fails a filter, as in loan-filter and SQL's WHERE), adds
 * {@code source_file}, and appends to a PostgreSQL table with {@code df.write.jdbc}, batches of
 * 10,000. No per-file record number ({@code source_record} would need a window over each file, a
 * shuffle and a sort a user would not add), no upsert, no rejects, no run report.
 *
 * <p>{@code SparkSqlLoanFilter <csv glob> <jdbc url> <user> <table> [master]}; the password is the
 * {@code JDBC_PASSWORD} environment variable. The bench counts the rows in the table.
 */
public final class SparkSqlLoanFilter {
  private SparkSqlLoanFilter() {}

  public static void main(String[] args) {
    if (args.length < 4) {
      throw new IllegalArgumentException("usage: SparkSqlLoanFilter <csv glob> <jdbc url> <user> <table> [master]");
    }
    String password = System.getenv("JDBC_PASSWORD");
    if (password == null) {
      throw new IllegalArgumentException("set JDBC_PASSWORD");
    }
    // loan-filter's defaults, from its options interface, so the peer filters exactly as it does.
    LoanFilterOptions defaults = PipelineOptionsFactory.as(LoanFilterOptions.class);

    SparkSession spark =
        SparkSession.builder().appName("spark-sql-loan-filter").master(args.length > 4 ? args[4] : "local[2]")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try {
      Dataset<Row> raw =
          spark.read().option("header", "true").option("multiLine", "true").option("escape", "\"").csv(args[0]);
      List<Column> columns = new ArrayList<>();
      for (Schema.Field field : LoanFilter.SCHEMA.getFields()) {
        Column c = col(field.getName());
        switch (field.getType().getTypeName()) {
          case INT32 -> c = c.cast("int");
          case DOUBLE -> c = round(c.cast("double"), defaults.getRoundingScale());
          case STRING -> {}
          default -> throw new IllegalStateException("no cast for " + field);
        }
        columns.add(c.as(field.getName().equals("desc") ? "description" : field.getName()));
      }
      columns.add(input_file_name().as("source_file"));
      Dataset<Row> loans =
          raw.select(columns.toArray(Column[]::new))
              .where(
                  col("loan_status").notEqual(defaults.getExcludeLoanStatus())
                      .and(col("purpose").notEqual(defaults.getExcludePurpose()))
                      .and(col("last_fico_range_low").geq(defaults.getMinLastFicoRangeLow())));

      Properties jdbc = new Properties();
      jdbc.setProperty("user", args[2]);
      jdbc.setProperty("password", password);
      jdbc.setProperty("driver", "org.postgresql.Driver");
      loans.write().mode(SaveMode.Append).option("batchsize", 10000).jdbc(args[1], args[3], jdbc);
    } finally {
      spark.stop();
    }
  }
}
