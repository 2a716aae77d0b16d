package dev.beametl.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Argument sets no pipeline may start with, and the exact problems each must be refused with. The
 * CLI test and the launcher test both run this table: the same arguments must be refused with the
 * same lines by {@code beam-etl <pipeline>} (exit 2) and by a launch request (no cluster created).
 */
public final class BadArguments {
  /** A password that must never appear in any output. */
  public static final String SECRET = "Hunter2Secret";

  private static final String PASSWORD_ADVICE =
      "a password is never an argument (process lists, logs and launch requests would show it): put it in the "
          + "environment variable JDBC_PASSWORD (or the one --jdbcPasswordEnv names), or in Secrets Manager and "
          + "give --jdbcPasswordSecret=<secret name or ARN>";
  private static final String DB = "jdbc:postgresql://db.example:5432/loans";
  private static final String ROLE = "arn:aws:iam::123456789012:role/redshift-copy";
  private static final String MISSING_JDBC_URL =
      "missing required option --jdbcUrl (JDBC URL of the target database, e.g. jdbc:postgresql://host:5432/db)";

  /** One refused argument set: the args in order, without the leading dashes, and the problems expected, in order. */
  public record Case(String pipeline, Map<String, String> args, List<String> problems) {
    public String[] cliArgs() {
      return args.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    /** The launch request asking for the same run. */
    public String requestJson() {
      return "{\"pipeline\": " + quote(pipeline) + ", \"args\": {"
          + args.entrySet().stream().map(e -> quote(e.getKey()) + ": " + quote(e.getValue())).collect(Collectors.joining(", "))
          + "}}";
    }

    @Override
    public String toString() {
      return pipeline + " " + String.join(" ", cliArgs());
    }
  }

  private BadArguments() {}

  public static List<Case> cases() {
    return List.of(
        new Case("taxi-gold",
            args("input", "s3://bucket/taxi/staging/", "output", "s3://bucket/taxi/gold", "loadTo", "redshift", "outputFormat", "csv",
                "jdbcUrl", "jdbc:redshift://cluster.example:5439/dev", "redshiftIamRole", ROLE),
            List.of("--loadTo=redshift COPYs Parquet files: use --outputFormat=parquet, not csv")),
        new Case("taxi-gold",
            args("input", "s3://bucket/taxi/staging/", "output", "/tmp/gold", "loadTo", "REDSHIFT", "jdbcUrl", DB),
            List.of(
                "option --jdbcUrl must start with jdbc:redshift: for --loadTo=redshift, got jdbc:postgresql:...",
                "--loadTo=redshift: Redshift COPY reads from S3, so --output must be an s3:// prefix, got /tmp/gold",
                "missing required option --redshiftIamRole: --loadTo=redshift needs the IAM role ARN Redshift assumes to read the gold files")),
        new Case("taxi-gold",
            args("input", "s3://bucket/taxi/staging/", "output", "s3://bucket/taxi/gold", "loadTo", "postgres"),
            List.of("missing required option --jdbcUrl: --loadTo=postgres loads the gold into it (e.g. jdbc:postgresql://host:5432/db)")),
        new Case("loan-filter",
            args("input", "s3://bucket/loans/*.csv", "jdbcUrl", DB, "afterLoad", "archive"),
            List.of("--afterLoad=archive needs --archiveTo=<prefix>, where the inputs are moved once the output is written")),
        new Case("taxi-staging",
            args("input", "s3://bucket/taxi/raw/*.csv", "output", "s3://bucket/taxi/staging", "outputFormat", "jsonl", "afterLoad", "Archive"),
            List.of(
                "option --outputFormat: 'jsonl' is not one of parquet, csv",
                "--afterLoad=archive needs --archiveTo=<prefix>, where the inputs are moved once the output is written")),
        new Case("listing-postprocess",
            args("kind", "price", "input", "s3://bucket/scraper/price", "output", "s3://bucket/scraper/price/", "partitions", "0",
                "partitionColumn", "currency", "runId", "nightly/1"),
            List.of(
                "option --partitions must be 1 or more, got 0",
                "option --partitionColumn=currency is already a column of the price table: choose another name",
                "option --runId goes into file names: letters, digits, '.', '_' and '-' only, got nightly/1",
                "options --input and --output must differ: the table cannot be written into the raw scraper output")),
        new Case("loan-filter",
            args("input", "s3://bucket/loans/*.csv", "jdbcUrl", "jdbc:mysql://db.example:3306/loans"),
            List.of("option --jdbcUrl must start with jdbc:postgresql: for loan-filter, got jdbc:mysql:...")),
        new Case("loan-filter",
            args("input", "s3://bucket/loans/*.csv", "jdbcUrl", DB + "?user=etl&password=" + SECRET),
            List.of("option --jdbcUrl holds a password (its password= parameter): " + PASSWORD_ADVICE)),
        new Case("loan-filter",
            args("input", "s3://bucket/loans/*.csv", "jdbcUrl", DB + "?ssl=true&PWD=" + SECRET),
            List.of("option --jdbcUrl holds a password (its PWD= parameter): " + PASSWORD_ADVICE)),
        new Case("loan-filter",
            args("input", "s3://bucket/loans/*.csv", "jdbcUrl", "jdbc:postgresql://etl:" + SECRET + "@db.example:5432/loans"),
            List.of("option --jdbcUrl holds a password (user:password@ before the host): " + PASSWORD_ADVICE)),
        new Case("loan-filter",
            args("input", "s3://bucket/loans/*.csv", "jdbcUrl", DB, "jdbcPassword", SECRET),
            List.of("option --jdbcPassword: " + PASSWORD_ADVICE)),
        new Case("taxi-gold",
            args("input", "s3://bucket/taxi/staging/", "output", "s3://bucket/taxi/gold", "password", SECRET),
            List.of("option --password: " + PASSWORD_ADVICE)),
        new Case("loan-filter",
            args("input", "s3://bucket/loans/*.csv"),
            List.of(MISSING_JDBC_URL)),
        new Case("loan-filter",
            args("input", "s3://bucket/loans/*.csv", "jdbcUrl", DB, "table", "loans;drop", "jdbcBatchSize", "0"),
            List.of(
                "option --table must be an identifier or schema.identifier (letters, digits, underscores), got 'loans;drop'",
                "option --jdbcBatchSize must be 1 or more, got 0")),
        new Case("ride-weather",
            args("input", "s3://bucket/rides/*.json", "output", "s3://bucket/rides-out", "stations", "s3://bucket/stations.csv",
                "outputFormat", "xml", "outputShards", "-1"),
            List.of(
                "option --outputFormat: 'xml' is not one of parquet, csv, jsonl",
                "option --outputShards must be 0 (the pipeline chooses) or more, got -1")),
        // Every problem at once, one line each, in the order the arguments were given.
        new Case("loan-filter",
            args("inptu", "s3://bucket/loans/*.csv", "afterLoad", "burn", "minLastFicoRangeLow", "high"),
            List.of(
                "unknown option --inptu (did you mean --input?)",
                "option --afterLoad: 'burn' is not one of keep, archive, delete",
                "option --minLastFicoRangeLow: 'high' is not a valid int",
                "missing required option --input (Input files: a path or glob, local or s3://. Several patterns may be separated by commas.)",
                MISSING_JDBC_URL)));
  }

  private static Map<String, String> args(String... namesAndValues) {
    Map<String, String> args = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      args.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return args;
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
