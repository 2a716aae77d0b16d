package dev.beametl.options;

import dev.beametl.options.ListingPostprocessOptions.Kind;
import dev.beametl.options.TaxiGoldOptions.LoadTo;
import dev.beametl.transforms.files.OutputFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Each pipeline's rules across its options ({@link OptionsRules}), and the rules every pipeline
 * shares. The messages say what to change, and never repeat a secret.
 */
public final class PipelineRules {
  /** Where a database password goes instead of an argument. */
  public static final String PASSWORD_ADVICE =
      "a password is never an argument (process lists, logs and launch requests would show it): put it in the "
          + "environment variable JDBC_PASSWORD (or the one --jdbcPasswordEnv names), or in Secrets Manager and "
          + "give --jdbcPasswordSecret=<secret name or ARN>";

  private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");
  private static final Pattern JDBC_SCHEME = Pattern.compile("(jdbc:[A-Za-z0-9]+:).*", Pattern.DOTALL);
  private static final Pattern URL_PASSWORD = Pattern.compile("(?i)[?&;](password|pwd)=");
  private static final Pattern URL_USER_INFO = Pattern.compile("//[^/?#@]*:[^/?#@]*@");
  private static final Pattern FILE_NAME_SAFE = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern IAM_ROLE = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");

  private PipelineRules() {}

  static void loanFilter(EtlOptions etl, List<String> problems) {
    LoanFilterOptions options = etl.as(LoanFilterOptions.class);
    jdbcScheme(options.getJdbcUrl(), "jdbc:postgresql:", "loan-filter", problems);
    afterLoad(options, problems);
  }

  static void taxiStaging(EtlOptions etl, List<String> problems) {
    TaxiStagingOptions options = etl.as(TaxiStagingOptions.class);
    afterLoad(options, problems);
    boolean rowRules = options.getNotNull() != null || options.getRange() != null || options.getUnique() != null;
    if (options.getIncremental() && (options.getOutputShards() != 0 || rowRules)) {
      problems.add(
          "option --incremental writes one staging file per input, so that a changed input replaces its file: "
              + "it cannot be combined with --outputShards or the row rules (--notNull, --range, --unique)");
    }
  }

  static void taxiGold(EtlOptions etl, List<String> problems) {
    TaxiGoldOptions options = etl.as(TaxiGoldOptions.class);
    LoadTo loadTo = options.getLoadTo();
    String load = "--loadTo=" + OptionsSchema.Option.spelled(loadTo);
    if (loadTo == LoadTo.NONE) {
      return;
    }
    if (options.getJdbcUrl() == null) {
      problems.add("missing required option --jdbcUrl: " + load + " loads the gold into it (e.g. "
          + (loadTo == LoadTo.REDSHIFT ? "jdbc:redshift://cluster.example:5439/dev" : "jdbc:postgresql://host:5432/db") + ")");
    } else {
      jdbcScheme(options.getJdbcUrl(), loadTo == LoadTo.REDSHIFT ? "jdbc:redshift:" : "jdbc:postgresql:", load, problems);
    }
    if (loadTo != LoadTo.REDSHIFT) {
      return;
    }
    if (options.getOutputFormat() != OutputFormat.PARQUET) {
      problems.add(load + " COPYs Parquet files: use --outputFormat=parquet, not "
          + OptionsSchema.Option.spelled(options.getOutputFormat()));
    }
    if (options.getOutput() != null && !options.getOutput().startsWith("s3://")) {
      problems.add(load + ": Redshift COPY reads from S3, so --output must be an s3:// prefix, got " + options.getOutput());
    }
    if (options.getRedshiftIamRole() == null) {
      problems.add("missing required option --redshiftIamRole: " + load + " needs the IAM role ARN Redshift assumes to read the gold files");
    } else if (!IAM_ROLE.matcher(options.getRedshiftIamRole()).matches()) {
      problems.add("option --redshiftIamRole must be an IAM role ARN such as arn:aws:iam::123456789012:role/redshift-copy, got "
          + options.getRedshiftIamRole());
    }
  }

  static void listingPostprocess(EtlOptions etl, List<String> problems) {
    ListingPostprocessOptions options = etl.as(ListingPostprocessOptions.class);
    atLeastOne("partitions", options.getPartitions(), problems);
    atLeastOne("filesPerPartition", options.getFilesPerPartition(), problems);
    Kind kind = options.getKind();
    if (kind != null && kind.columns().contains(options.getPartitionColumn())) {
      problems.add("option --partitionColumn=" + options.getPartitionColumn() + " is already a column of the "
          + OptionsSchema.Option.spelled(kind) + " table: choose another name");
    }
    if (!FILE_NAME_SAFE.matcher(options.getRunId()).matches()) {
      problems.add("option --runId goes into file names: letters, digits, '.', '_' and '-' only, got " + options.getRunId());
    }
    if (options.getInput() != null && trimSlash(options.getInput()).equals(trimSlash(options.getOutput()))) {
      problems.add("options --input and --output must differ: the table cannot be written into the raw scraper output");
    }
    afterLoad(options, problems);
  }

  /** Rules of the option groups every pipeline may have, checked for all of them. */
  static void common(Class<? extends EtlOptions> type, EtlOptions options, List<String> problems) {
    if (JdbcOptions.class.isAssignableFrom(type)) {
      JdbcOptions jdbc = options.as(JdbcOptions.class);
      jdbcUrlPassword(jdbc.getJdbcUrl(), problems);
      if (jdbc.getTable() != null && !TABLE.matcher(jdbc.getTable()).matches()) {
        problems.add("option --table must be an identifier or schema.identifier (letters, digits, underscores), got '" + jdbc.getTable() + "'");
      }
      atLeastOne("jdbcBatchSize", jdbc.getJdbcBatchSize(), problems);
    }
    if (FileOutputOptions.class.isAssignableFrom(type) && options.as(FileOutputOptions.class).getOutputShards() < 0) {
      problems.add("option --outputShards must be 0 (the pipeline chooses) or more, got " + options.as(FileOutputOptions.class).getOutputShards());
    }
    problems.addAll(GateSpecs.problems(options, type));
  }

  /** An option named like a password, other than the ones that name where the password is. */
  static boolean isPasswordOption(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return (lower.contains("password") || lower.contains("passwd") || lower.contains("pwd"))
        && !name.equals("jdbcPasswordEnv") && !name.equals("jdbcPasswordSecret");
  }

  private static void afterLoad(SourceLifecycleOptions options, List<String> problems) {
    options.getAfterLoad().problemWith(options.getArchiveTo()).ifPresent(problems::add);
  }

  private static void jdbcUrlPassword(String url, List<String> problems) {
    if (url == null) {
      return;
    }
    Matcher parameter = URL_PASSWORD.matcher(url);
    if (parameter.find()) {
      problems.add("option --jdbcUrl holds a password (its " + parameter.group(1) + "= parameter): " + PASSWORD_ADVICE);
    } else if (URL_USER_INFO.matcher(url).find()) {
      problems.add("option --jdbcUrl holds a password (user:password@ before the host): " + PASSWORD_ADVICE);
    }
  }

  /** The URL's driver prefix, never the rest of it (which may hold credentials). */
  private static void jdbcScheme(String url, String scheme, String forWhat, List<String> problems) {
    if (url == null || url.startsWith(scheme)) {
      return;
    }
    Matcher given = JDBC_SCHEME.matcher(url);
    problems.add("option --jdbcUrl must start with " + scheme + " for " + forWhat
        + (given.matches() ? ", got " + given.group(1) + "..." : ", e.g. " + scheme + "//host:5432/db"));
  }

  private static void atLeastOne(String option, int value, List<String> problems) {
    if (value < 1) {
      problems.add("option --" + option + " must be 1 or more, got " + value);
    }
  }

  private static String trimSlash(String path) {
    return path == null || !path.endsWith("/") ? path : path.substring(0, path.length() - 1);
  }
}
