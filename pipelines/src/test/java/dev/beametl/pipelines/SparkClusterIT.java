package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.options.TaxiStagingOptions;
import dev.beametl.testing.PostgresServer;
import dev.beametl.testing.Processes;
import dev.beametl.testing.S3Server;
import dev.beametl.testing.SparkCluster;
import dev.beametl.transforms.report.RunReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipelines on the real distributed engine, submitted as the EMR step is: {@code spark-submit --deploy-mode
 * cluster --class BeamEtl beam-etl.jar <pipeline> --runner=SparkRunner ...} to a standalone Master with two Workers
 * on loopback, so the driver and each executor are JVMs of their own with Spark's jars (Guava 14, Jackson 2.15,
 * Netty 4.1.96) ahead of beam-etl.jar. Inputs and outputs go through S3 (moto) from the executors; results must
 * equal the DirectRunner's on the same inputs. spark-submit exits 0 even when the driver fails, so each run is
 * judged by its run report.
 */
class SparkClusterIT {
  static final Path JAR = Path.of("target/beam-etl.jar").toAbsolutePath();
  static final Path SPARK_HOME = Processes.repoRoot().resolve("spark-home/target/spark-home");
  static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
  static final String PASSWORD_ENV = "JDBC_PASSWORD";

  /**
   * How the database password reaches the cluster-mode driver and the executors today. On standalone the driver
   * inherits spark-submit's environment (what {@code spark.yarn.appMasterEnv} does on YARN; there is no
   * {@code spark.driverEnv}), executors get only {@code spark.executorEnv.*}. With {@code --jdbcPasswordSecret} this
   * becomes the one line {@code new PasswordDelivery(Map.of(), List.of(), List.of("--jdbcPasswordSecret=" + name))}.
   */
  static final PasswordDelivery PASSWORD = PasswordDelivery.environment(PostgresServer.password());

  record PasswordDelivery(Map<String, String> submitterEnv, List<String> sparkConf, List<String> pipelineArgs) {
    static PasswordDelivery environment(String password) {
      return new PasswordDelivery(Map.of(PASSWORD_ENV, password), List.of("--conf", "spark.executorEnv." + PASSWORD_ENV + "=" + password), List.of());
    }
  }

  static SparkCluster cluster;
  static PostgresServer pg;
  static S3Server s3;
  static String bucket;
  @TempDir static Path tmp;

  @BeforeAll
  static void startCluster() {
    pg = PostgresServer.shared();
    s3 = S3Server.shared();
    bucket = "cluster-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
    // The nodes are EMR's: AWS credentials (the node role's stand-in), never the database password.
    cluster = SparkCluster.start(SPARK_HOME, tmp.resolve("spark"), 2, 2, "2g", SparkCluster.environmentWithout(PASSWORD_ENV));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void loanFilterFromS3ToPostgresEqualsTheDirectRunner() throws Exception {
    writeLoanFiles("loans/", 4, 500);
    String input = "--input=s3://" + bucket + "/loans/*.csv";
    pg.execute("DROP TABLE IF EXISTS loans_direct", "DROP TABLE IF EXISTS loans_cluster");

    LoanFilter.run(LoanFilterGoldenTest.options(withS3(input, "--jdbcUrl=" + pg.jdbcUrl(), "--jdbcUser=" + PostgresServer.USER,
        "--table=loans_direct", "--rejects=s3://" + bucket + "/runs/loans-direct/rejects.jsonl", "--runReport=s3://" + bucket + "/runs/loans-direct/report.json")));
    JsonNode report = submit("loan-filter", "runs/loans-cluster", input, "--jdbcUrl=" + pg.jdbcUrl(), "--jdbcUser=" + PostgresServer.USER, "--table=loans_cluster");

    JsonNode direct = json("runs/loans-direct/report.json");
    assertThat(report.get("counts"), equalTo(direct.get("counts")));
    assertThat(report.get("rejectReasons"), equalTo(direct.get("rejectReasons")));
    assertThat(report.get("counts").get("read").asLong(), is(2000L));
    assertThat(report.get("counts").get("filtered").asLong(), greaterThan(0L));
    assertThat(report.get("counts").get("rejected").asLong(), is(4L));
    List<List<Object>> loaded = rows("SELECT * FROM loans_cluster ORDER BY source_file, source_record");
    assertThat(loaded.size(), is(report.get("counts").get("written").asInt()));
    assertThat(loaded, equalTo(rows("SELECT * FROM loans_direct ORDER BY source_file, source_record")));
    assertThat(lines("runs/loans-cluster/rejects.jsonl"), equalTo(lines("runs/loans-direct/rejects.jsonl")));
  }

  @Test
  void taxiGoldFromS3StagingToPostgresEqualsTheDirectRunner() throws Exception {
    writeTaxiFiles("taxi-raw/", 3, 1000);
    TaxiStaging.run(TaxiGoldenTest.options(TaxiStaging.NAME, TaxiStagingOptions.class, withS3(
        "--input=s3://" + bucket + "/taxi-raw/*.csv", "--output=s3://" + bucket + "/taxi-staging",
        "--rejects=" + tmp.resolve("staging-rejects.jsonl"), "--runReport=" + tmp.resolve("staging-report.json"))));
    pg.execute("DROP TABLE IF EXISTS gold_direct", "DROP TABLE IF EXISTS gold_cluster");
    String input = "--input=s3://" + bucket + "/taxi-staging";

    TaxiGold.run(TaxiGoldenTest.gold(withS3(input, "--output=s3://" + bucket + "/gold-direct", "--loadTo=postgres",
        "--jdbcUrl=" + pg.jdbcUrl(), "--jdbcUser=" + PostgresServer.USER, "--table=gold_direct",
        "--rejects=s3://" + bucket + "/runs/gold-direct/rejects.jsonl", "--runReport=s3://" + bucket + "/runs/gold-direct/report.json")));
    JsonNode report = submit("taxi-gold", "runs/gold-cluster", input, "--output=s3://" + bucket + "/gold-cluster", "--loadTo=postgres",
        "--jdbcUrl=" + pg.jdbcUrl(), "--jdbcUser=" + PostgresServer.USER, "--table=gold_cluster");

    JsonNode direct = json("runs/gold-direct/report.json");
    assertThat(report.get("counts"), equalTo(direct.get("counts")));
    String order = " ORDER BY " + String.join(", ", TaxiGoldenTest.GOLD_COLUMNS);
    List<List<Object>> gold = rows("SELECT " + String.join(", ", TaxiGoldenTest.GOLD_COLUMNS) + " FROM gold_cluster" + order);
    assertThat(gold.size(), greaterThan(10));
    assertThat(gold, equalTo(rows("SELECT " + String.join(", ", TaxiGoldenTest.GOLD_COLUMNS) + " FROM gold_direct" + order)));
    assertThat("the executors wrote the gold to S3", s3.list(bucket, "gold-cluster/"), not(hasSize(0)));
  }

  @Test
  void aDriverThatFailsStillExitsZeroAndOnlyTheReportSaysSo() throws Exception {
    writeLoanFiles("loans-nopassword/", 2, 50);
    pg.execute("DROP TABLE IF EXISTS loans_nopassword");
    // The password goes to the driver only: the executors, which open the connections, cannot authenticate.
    List<String> spark = sparkArgs(List.of("--conf", "spark.task.maxFailures=1"));
    SparkCluster.Submission run =
        cluster.submit(spark, JAR, appArgs("loan-filter", "runs/nopassword", List.of("--input=s3://" + bucket + "/loans-nopassword/*.csv",
            "--jdbcUrl=" + pg.jdbcUrl(), "--jdbcUser=" + PostgresServer.USER, "--table=loans_nopassword")), submitterEnv(), RUN_TIMEOUT);

    assertThat(run.output(), run.exitStatus(), is(0));
    JsonNode report = json("runs/nopassword/report.json");
    assertThat(cluster.appLogs(), report, notNullValue());
    assertThat(report.get("status").asText(), is(RunReport.FAILED));
    assertThat(report.toString(), containsString("password"));
  }

  /** Submits a pipeline as the EMR step does, waits for its driver and returns its run report, which must say SUCCEEDED. */
  private static JsonNode submit(String pipeline, String runPrefix, String... args) throws IOException {
    Set<Path> executorsBefore = new HashSet<>(cluster.executorLogs());
    List<String> appArgs = new ArrayList<>(appArgs(pipeline, runPrefix, Arrays.asList(args)));
    appArgs.addAll(PASSWORD.pipelineArgs());
    SparkCluster.Submission run = cluster.submit(sparkArgs(PASSWORD.sparkConf()), JAR, appArgs, submitterEnv(), RUN_TIMEOUT);

    assertThat(run.output(), run.exitStatus(), is(0));
    JsonNode report = json(runPrefix + "/report.json");
    assertThat("no run report: the driver did not get far\n" + run.output() + cluster.appLogs(), report, notNullValue());
    assertThat(report.toPrettyString() + cluster.appLogs(), report.get("status").asText(), is(RunReport.SUCCEEDED));
    List<Path> executors = new ArrayList<>(cluster.executorLogs());
    executors.removeAll(executorsBefore);
    assertThat("one executor per Worker", executors, hasSize(2));
    for (Path log : executors) {
      String text = Files.readString(log);
      assertThat("every executor ran tasks: " + log, text, containsString("Finished task"));
      // Spark's jars are the executor's class path and beam-etl.jar a child loader that asks its parent first, so
      // Spark's Guava 14, Jackson and Netty win over the copies bundled in our jar, as on EMR.
      String command = text.lines().filter(l -> l.startsWith("Spark Executor Command:")).findFirst().orElse("");
      assertThat(command, containsString(SPARK_HOME.resolve("jars") + "/*"));
      assertThat(command, not(containsString("beam-etl.jar")));
      assertThat(text, containsString("beam-etl.jar to class loader"));
    }
    return report;
  }

  private static List<String> sparkArgs(List<String> extra) {
    String opens = SparkCluster.javaModuleOptions();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--deploy-mode", "cluster",
                "--class", BeamEtl.class.getName(),
                "--driver-memory", "768m",
                "--executor-memory", "1g",
                "--conf", "spark.executor.cores=1",
                "--conf", "spark.cores.max=2",
                "--conf", "spark.standalone.submit.waitAppCompletion=true",
                // Schedule only once both executors are up, so that both run tasks.
                "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--conf", "spark.driver.extraJavaOptions=" + opens,
                "--conf", "spark.executor.extraJavaOptions=" + opens));
    args.addAll(extra);
    return args;
  }

  private static List<String> appArgs(String pipeline, String runPrefix, List<String> args) {
    List<String> all = new ArrayList<>(List.of(pipeline, "--runner=SparkRunner"));
    all.addAll(args);
    all.addAll(s3.pipelineArgs());
    all.add("--rejects=s3://" + bucket + "/" + runPrefix + "/rejects.jsonl");
    all.add("--runReport=s3://" + bucket + "/" + runPrefix + "/report.json");
    return all;
  }

  /** spark-submit's environment: the test JVM's (AWS credentials) without the password, plus what PASSWORD adds. */
  private static Map<String, String> submitterEnv() {
    Map<String, String> env = new HashMap<>(SparkCluster.environmentWithout(PASSWORD_ENV));
    env.putAll(PASSWORD.submitterEnv());
    return env;
  }

  private static String[] withS3(String... args) {
    return Stream.concat(Arrays.stream(args), s3.pipelineArgs().stream()).toArray(String[]::new);
  }

  private static JsonNode json(String key) throws IOException {
    byte[] bytes = s3.get(bucket, key);
    return bytes == null ? null : new ObjectMapper().readTree(bytes);
  }

  private static List<String> lines(String key) {
    byte[] bytes = s3.get(bucket, key);
    assertThat(key, bytes, notNullValue());
    return new String(bytes, StandardCharsets.UTF_8).lines().sorted().toList();
  }

  private static List<List<Object>> rows(String query) throws Exception {
    List<List<Object>> rows = new ArrayList<>();
    try (Connection c = pg.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(query)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /** Loan files built from the sample's passing row: some filtered, amounts that need rounding, one bad id per file. */
  private static void writeLoanFiles(String prefix, int files, int rowsPerFile) throws IOException {
    Random random = new Random(42);
    String[] statuses = {"Fully Paid", "Current", "Charged Off"};
    int id = 2_000_000;
    for (int f = 0; f < files; f++) {
      List<List<String>> rows = new ArrayList<>();
      for (int r = 0; r < rowsPerFile; r++) {
        String loanId = r == rowsPerFile / 2 ? "not-a-number" : String.valueOf(id++);
        rows.add(
            LoanFixtures.row(
                "id", loanId,
                "loan_status", statuses[random.nextInt(statuses.length)],
                "last_fico_range_low", String.valueOf(650 + random.nextInt(150)),
                "total_pymnt", String.format(Locale.ROOT, "%d.%03d", 1000 + random.nextInt(20_000), random.nextInt(1000))));
      }
      Path file = LoanFixtures.write(tmp.resolve(prefix + "loans-" + f + ".csv"), LoanFixtures.HEADER, rows);
      s3.put(bucket, prefix + file.getFileName(), Files.readAllBytes(file));
    }
  }

  /** Green taxi CSV files with the fixture's header: a handful of locations and types, one unparsable fare per file. */
  private static void writeTaxiFiles(String prefix, int files, int rowsPerFile) throws IOException {
    String header = Files.readAllLines(TaxiTestFiles.fixture("green_small.csv")).get(0);
    Random random = new Random(7);
    int[] locations = {41, 74, 75, 166, 244};
    for (int f = 0; f < files; f++) {
      StringBuilder csv = new StringBuilder(header).append('\n');
      for (int r = 0; r < rowsPerFile; r++) {
        int minute = random.nextInt(50);
        String fare = r == 0 ? "twelve" : String.format(Locale.ROOT, "%.2f", 3 + random.nextInt(5000) / 100.0);
        double tip = random.nextInt(1000) / 100.0;
        csv.append(String.join(",",
                "2",
                String.format(Locale.ROOT, "2020-06-%02d 10:%02d:00", 1 + f, minute),
                String.format(Locale.ROOT, "2020-06-%02d 10:%02d:00", 1 + f, minute + 9),
                "N", "1",
                String.valueOf(locations[random.nextInt(locations.length)]),
                String.valueOf(locations[random.nextInt(locations.length)]),
                "1",
                String.format(Locale.ROOT, "%.2f", random.nextInt(2000) / 100.0),
                fare, "0.5", "0.5",
                String.format(Locale.ROOT, "%.2f", tip),
                "0", "", "0.3",
                String.format(Locale.ROOT, "%.2f", 20 + tip),
                String.valueOf(1 + random.nextInt(2)),
                String.valueOf(1 + random.nextInt(2)),
                "0"))
            .append('\n');
      }
      s3.put(bucket, prefix + "green-" + f + ".csv", csv.toString().getBytes(StandardCharsets.UTF_8));
    }
  }
}
