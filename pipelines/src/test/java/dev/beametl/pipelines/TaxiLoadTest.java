package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.beametl.testing.PostgresServer;
import dev.beametl.testing.S3Server;
import dev.beametl.transforms.jdbc.SqlSession;
import dev.beametl.transforms.report.RunReport;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.apache.beam.sdk.io.FileSystems;

/** taxi-gold's loads: a real PostgreSQL replace, and the Redshift COPY from the local S3 server (SQL recorded). */
class TaxiLoadTest {
  static final String ROLE = "arn:aws:iam::123456789012:role/redshift-copy";
  /** What the recording Redshift session was sent (the load runs on the driver, in this JVM). */
  static final List<String> SENT = Collections.synchronizedList(new ArrayList<>());
  /** The files each COPY's manifest listed, read when the COPY was sent. */
  static final List<String> COPIED = Collections.synchronizedList(new ArrayList<>());

  static final SqlSession.Factory RECORDING =
      () ->
          new SqlSession() {
            @Override
            public void execute(String sql) throws SQLException {
              SENT.add(sql);
              if (sql.startsWith("COPY")) {
                String manifest = sql.substring(sql.indexOf('\'') + 1, sql.indexOf('\'', sql.indexOf('\'') + 1));
                try (InputStream in = Channels.newInputStream(FileSystems.open(FileSystems.matchNewResource(manifest, false)))) {
                  new ObjectMapper().readTree(in).get("entries").forEach(e -> COPIED.add(e.get("url").asText()));
                } catch (IOException e) {
                  throw new SQLException("cannot read the manifest " + manifest, e);
                }
              }
            }

            @Override
            public void close() {}
          };

  static final List<String> CHECK_ONLY =
      List.of(
          "BEGIN",
          "DELETE FROM nyc.main_data WHERE 1 = 0",
          "INSERT INTO nyc.main_data SELECT * FROM nyc.main_data WHERE 1 = 0",
          "ROLLBACK");

  @TempDir Path tmp;

  @BeforeEach
  void clear() {
    SENT.clear();
    COPIED.clear();
  }

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "SparkRunner", "ForkCheckingRunner"})
  void postgresLoadReplacesTheTableContent(String runner) throws Exception {
    PostgresServer pg = PostgresServer.shared();
    String table = "nyc.main_data_" + runner.toLowerCase(Locale.ROOT);
    pg.execute("DROP TABLE IF EXISTS " + table);
    String[] args = postgresArgs(pg, table, "--runner=" + runner);

    RunReport first = TaxiGold.run(TaxiGoldenTest.gold(args));
    assertThat(first.status(), is(RunReport.SUCCEEDED));
    assertThat(first.count("loaded"), is(6L));
    assertThat(first.count("groups"), is(6L));
    assertThat(tableRows(pg, table), containsInAnyOrder(TaxiGoldenTest.EXPECTED_GOLD.toArray()));

    // A row that is not in the gold is gone after the next load, and nothing is duplicated.
    pg.execute("INSERT INTO " + table + " (pulocationid, trip_count) VALUES (999, 1)");
    TaxiGold.run(TaxiGoldenTest.gold(args));
    assertThat(tableRows(pg, table), containsInAnyOrder(TaxiGoldenTest.EXPECTED_GOLD.toArray()));
    assertThat("the staging table is dropped", stageExists(pg, table), is(false));
  }

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "SparkRunner"})
  void aGatedRunLeavesTheTableAndTheGoldFilesAsTheyWere(String runner) throws Exception {
    PostgresServer pg = PostgresServer.shared();
    String table = "nyc.main_data_gated_" + runner.toLowerCase(Locale.ROOT);
    pg.execute("DROP TABLE IF EXISTS " + table);
    assertThat(TaxiGold.run(TaxiGoldenTest.gold(postgresArgs(pg, table, "--runner=" + runner))).status(), is(RunReport.SUCCEEDED));
    pg.execute("INSERT INTO " + table + " (pulocationid, trip_count) VALUES (999, 1)");
    List<String> goldBefore = goldDirectory();

    // 8 staging rows read, 9 required: the gate fails the run after the pipeline, before any load.
    PipelineRun.PipelineFailedException gated =
        assertThrows(PipelineRun.PipelineFailedException.class,
            () -> TaxiGold.run(TaxiGoldenTest.gold(postgresArgs(pg, table, "--runner=" + runner, "--minRecords=9", "--runId=gated"))));

    assertThat(gated.report().status(), is(RunReport.FAILED));
    assertThat(gated.getMessage(), containsString("minRecords"));
    assertThat(gated.report().gates().get(0).passed(), is(false));
    List<List<Object>> expected = new ArrayList<>(TaxiGoldenTest.EXPECTED_GOLD);
    expected.add(Arrays.asList(999L, null, null, null, 1L, null, null, null));
    assertThat("the table as it was", tableRows(pg, table), containsInAnyOrder(expected.toArray()));
    assertThat("the gold files as they were, nothing staged left", goldDirectory(), equalTo(goldBefore));
    assertThat(stageExists(pg, table), is(false));
  }

  @Test
  void aRunKilledBeforeTheLoadLeavesTheTableAndTheRerunLoadsOnce() throws Exception {
    PostgresServer pg = PostgresServer.shared();
    String table = "nyc.main_data_killed";
    pg.execute("DROP TABLE IF EXISTS " + table, "CREATE SCHEMA IF NOT EXISTS nyc",
        "CREATE TABLE " + table + " (pulocationid bigint, trip_type bigint, payment_type bigint, total_fare_amount double precision, "
            + "trip_count bigint NOT NULL, total_trip_distance double precision, total_tip_amount double precision, total_amount double precision)",
        "INSERT INTO " + table + " (pulocationid, trip_count) VALUES (999, 1)");

    // Dies after the gates, just before the load.
    assertThrows(PipelineRun.PipelineFailedException.class,
        () -> TaxiGold.run(TaxiGoldenTest.gold(postgresArgs(pg, table, "--runId=killed")), null, () -> {
          throw new IllegalStateException("killed");
        }));
    assertThat(tableRows(pg, table), equalTo(List.of(Arrays.asList(999L, null, null, null, 1L, null, null, null))));
    assertThat(goldDirectory(), equalTo(List.of()));
    // What a SIGKILL leaves besides: its staging table, full. The next run drops it.
    pg.execute("CREATE UNLOGGED TABLE " + table + "_beam_etl_stage (LIKE " + table + ")",
        "INSERT INTO " + table + "_beam_etl_stage (pulocationid, trip_count) VALUES (1, 1), (2, 2)");

    RunReport rerun = TaxiGold.run(TaxiGoldenTest.gold(postgresArgs(pg, table, "--runId=rerun")));
    assertThat(rerun.status(), is(RunReport.SUCCEEDED));
    assertThat(rerun.count("loaded"), is(6L));
    assertThat(tableRows(pg, table), containsInAnyOrder(TaxiGoldenTest.EXPECTED_GOLD.toArray()));
    assertThat(goldDirectory(), equalTo(List.of("part-00000-of-00001.parquet")));
  }

  private String[] postgresArgs(PostgresServer pg, String table, String... more) throws Exception {
    Path staging = tmp.resolve("staging");
    if (!Files.exists(staging)) {
      staging();
    }
    List<String> args = new ArrayList<>(List.of(
        "--sparkMaster=local[2]",
        "--input=" + staging,
        "--output=" + tmp.resolve("gold"),
        "--loadTo=postgres",
        "--jdbcUrl=" + pg.jdbcUrl(),
        "--jdbcUser=" + PostgresServer.USER,
        "--table=" + table,
        "--rejects=" + tmp.resolve("gold-rejects.jsonl"),
        "--runReport=" + tmp.resolve("gold-report.json")));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  private static boolean stageExists(PostgresServer pg, String table) throws SQLException {
    try (Connection c = pg.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT to_regclass('" + table + "_beam_etl_stage') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  /** The gold directory's entries, hidden ones (staging, lease) included. */
  private List<String> goldDirectory() throws IOException {
    Path gold = tmp.resolve("gold");
    if (!Files.exists(gold)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(gold)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void redshiftLoadCopiesTheS3GoldInOneTransaction() throws Exception {
    S3Server s3 = S3Server.shared();
    String bucket = "taxi-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
    s3.put(bucket, "raw/green_tripdata_2020-06.csv", Files.readAllBytes(TaxiTestFiles.fixture("green_small.csv")));

    RunReport staging =
        TaxiStaging.run(
            TaxiGoldenTest.options(
                TaxiStaging.NAME,
                dev.beametl.options.TaxiStagingOptions.class,
                with(s3.pipelineArgs(),
                    "--input=s3://" + bucket + "/raw/*.csv",
                    "--output=s3://" + bucket + "/staging",
                    "--rejects=" + tmp.resolve("rejects.jsonl"),
                    "--runReport=" + tmp.resolve("report.json"))));
    assertThat(staging.count("written"), is(8L));
    // Besides the data file only the manifest, whose "_" name readers (and the gold's *.parquet) skip.
    assertThat(s3.list(bucket, "staging/"), equalTo(List.of("staging/_beam-etl-manifest.json", "staging/part-00000-of-00001.parquet")));

    // Left by an earlier run with two shards: COPY from the prefix would load it too; the manifest does not.
    s3.put(bucket, "gold/part-00001-of-00002.parquet", new byte[] {1});

    RunReport gold = TaxiGold.run(TaxiGoldenTest.gold(redshiftArgs(s3, bucket, "--runId=gold-1")), RECORDING, () -> {});

    assertThat(gold.status(), is(RunReport.SUCCEEDED));
    assertThat(gold.count("loads"), is(1L));
    assertThat("published after the load, the earlier file replaced", s3.list(bucket, "gold/"), equalTo(List.of("gold/part-00000-of-00001.parquet")));
    String staged = "s3://" + bucket + "/gold/.beam-etl-staging/gold-1/";
    assertThat(
        SENT,
        equalTo(
            List.of(
                // The check before any input is read: the rights the load needs, in a transaction rolled back.
                "BEGIN",
                "DELETE FROM nyc.main_data WHERE 1 = 0",
                "INSERT INTO nyc.main_data SELECT * FROM nyc.main_data WHERE 1 = 0",
                "ROLLBACK",
                "BEGIN",
                "DELETE FROM nyc.main_data",
                "COPY nyc.main_data FROM '" + staged + "_redshift-copy.manifest' IAM_ROLE '" + ROLE + "' FORMAT AS PARQUET MANIFEST",
                "COMMIT")));
    assertThat("the manifest lists exactly the run's gold file", COPIED, equalTo(List.of(staged + "part-00000-of-00001.parquet")));
    Path local = tmp.resolve("gold.parquet");
    Files.write(local, s3.get(bucket, "gold/part-00000-of-00001.parquet"));
    assertThat(
        TaxiGoldenTest.goldRows(TaxiTestFiles.readParquetFile(local)), containsInAnyOrder(TaxiGoldenTest.EXPECTED_GOLD.toArray()));
  }

  @Test
  void aGatedRedshiftRunSendsNoLoadAndLeavesTheGoldAsItWas() throws Exception {
    S3Server s3 = S3Server.shared();
    String bucket = "taxi-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
    s3.put(bucket, "staging/part-00000-of-00001.parquet", Files.readAllBytes(TaxiTestFiles.files(staging(), "parquet").get(0)));
    s3.put(bucket, "gold/part-00000-of-00001.parquet", new byte[] {1});

    PipelineRun.PipelineFailedException failure =
        assertThrows(PipelineRun.PipelineFailedException.class,
            () -> TaxiGold.run(TaxiGoldenTest.gold(redshiftArgs(s3, bucket, "--maxRejected=0", "--minRecords=100")), RECORDING, () -> {}));

    assertThat(failure.report().status(), is(RunReport.FAILED));
    assertThat(failure.getMessage(), containsString("minRecords"));
    assertThat("checked, but nothing loaded", SENT, equalTo(CHECK_ONLY));
    assertThat(s3.list(bucket, "gold/"), equalTo(List.of("gold/part-00000-of-00001.parquet")));
    assertThat(s3.get(bucket, "gold/part-00000-of-00001.parquet"), equalTo(new byte[] {1}));
  }

  @Test
  void redshiftNeedsAnS3ParquetOutputAndARoleArn() {
    IllegalArgumentException local =
        assertThrows(IllegalArgumentException.class, () -> TaxiGold.run(TaxiGoldenTest.gold(
            "--input=" + tmp, "--output=" + tmp.resolve("gold"), "--loadTo=redshift", "--jdbcUrl=jdbc:redshift://h:5439/dev",
            "--redshiftIamRole=" + ROLE), RECORDING, () -> {}));
    assertThat(local.getMessage(), containsString("s3://"));
    IllegalArgumentException role =
        assertThrows(IllegalArgumentException.class, () -> TaxiGold.run(TaxiGoldenTest.gold(
            "--input=" + tmp, "--output=s3://b/gold", "--loadTo=redshift", "--jdbcUrl=jdbc:redshift://h:5439/dev",
            "--redshiftIamRole=role' ; DROP TABLE x; --"), RECORDING, () -> {}));
    assertThat(role.getMessage(), containsString("--redshiftIamRole"));
  }

  private String[] redshiftArgs(S3Server s3, String bucket, String... more) {
    List<String> args = new ArrayList<>(List.of(
        "--input=s3://" + bucket + "/staging",
        "--output=s3://" + bucket + "/gold",
        "--loadTo=redshift",
        "--jdbcUrl=jdbc:redshift://example.invalid:5439/dev",
        "--redshiftIamRole=" + ROLE,
        "--rejects=" + tmp.resolve("gold-rejects.jsonl"),
        "--runReport=" + tmp.resolve("gold-report.json")));
    args.addAll(List.of(more));
    return with(s3.pipelineArgs(), args.toArray(String[]::new));
  }

  private Path staging() throws Exception {
    Path out = tmp.resolve("staging");
    TaxiStaging.run(
        TaxiGoldenTest.options(
            TaxiStaging.NAME,
            dev.beametl.options.TaxiStagingOptions.class,
            "--input=" + TaxiTestFiles.fixture("green_small.csv"),
            "--output=" + out,
            "--rejects=" + tmp.resolve("rejects.jsonl"),
            "--runReport=" + tmp.resolve("report.json")));
    return out;
  }

  static String[] with(List<String> base, String... more) {
    return Stream.concat(base.stream(), Arrays.stream(more)).toArray(String[]::new);
  }

  static List<List<Object>> tableRows(PostgresServer pg, String table) throws Exception {
    List<List<Object>> rows = new ArrayList<>();
    try (Connection c = pg.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT " + String.join(", ", TaxiGoldenTest.GOLD_COLUMNS) + " FROM " + table)) {
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= TaxiGoldenTest.GOLD_COLUMNS.size(); i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }
}
