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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** taxi-gold's loads: a real PostgreSQL replace, and the Redshift COPY from the local S3 server (SQL recorded). */
class TaxiLoadTest {
  static final String ROLE = "arn:aws:iam::123456789012:role/redshift-copy";
  /** What the recording Redshift session was sent; the DirectRunner runs the load in this JVM. */
  static final List<String> SENT = Collections.synchronizedList(new ArrayList<>());

  static final SqlSession.Factory RECORDING =
      () ->
          new SqlSession() {
            @Override
            public void execute(String sql) {
              SENT.add(sql);
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
  }

  @Test
  void postgresLoadReplacesTheTableContent() throws Exception {
    PostgresServer pg = PostgresServer.shared();
    pg.execute("DROP TABLE IF EXISTS nyc.main_data_it");
    Path staging = staging();
    String[] args = {
      "--input=" + staging,
      "--output=" + tmp.resolve("gold"),
      "--loadTo=postgres",
      "--jdbcUrl=" + pg.jdbcUrl(),
      "--jdbcUser=" + PostgresServer.USER,
      "--table=nyc.main_data_it",
      "--rejects=" + tmp.resolve("gold-rejects.jsonl"),
      "--runReport=" + tmp.resolve("gold-report.json")
    };

    RunReport first = TaxiGold.run(TaxiGoldenTest.gold(args));
    assertThat(first.status(), is(RunReport.SUCCEEDED));
    assertThat(first.count("loaded"), is(6L));
    assertThat(tableRows(pg, "nyc.main_data_it"), containsInAnyOrder(TaxiGoldenTest.EXPECTED_GOLD.toArray()));

    // A row that is not in the gold is gone after the next load, and nothing is duplicated.
    pg.execute("INSERT INTO nyc.main_data_it (pulocationid, trip_count) VALUES (999, 1)");
    TaxiGold.run(TaxiGoldenTest.gold(args));
    assertThat(tableRows(pg, "nyc.main_data_it"), containsInAnyOrder(TaxiGoldenTest.EXPECTED_GOLD.toArray()));
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

    RunReport gold = TaxiGold.run(TaxiGoldenTest.gold(redshiftArgs(s3, bucket)), RECORDING);

    assertThat(gold.status(), is(RunReport.SUCCEEDED));
    assertThat(gold.count("loads"), is(1L));
    assertThat(s3.list(bucket, "gold/"), equalTo(List.of("gold/part-00000-of-00001.parquet")));
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
                "COPY nyc.main_data FROM 's3://" + bucket + "/gold/' IAM_ROLE '" + ROLE + "' FORMAT AS PARQUET",
                "COMMIT")));
    Path local = tmp.resolve("gold.parquet");
    Files.write(local, s3.get(bucket, "gold/part-00000-of-00001.parquet"));
    assertThat(
        TaxiGoldenTest.goldRows(TaxiTestFiles.readParquetFile(local)), containsInAnyOrder(TaxiGoldenTest.EXPECTED_GOLD.toArray()));
  }

  @Test
  void redshiftLoadRefusesAPrefixHoldingOtherFiles() throws Exception {
    S3Server s3 = S3Server.shared();
    String bucket = "taxi-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
    s3.put(bucket, "staging/part-00000-of-00001.parquet", Files.readAllBytes(TaxiTestFiles.files(staging(), "parquet").get(0)));
    // Left by an earlier run with two shards: COPY would load it too.
    s3.put(bucket, "gold/part-00001-of-00002.parquet", new byte[] {1});

    PipelineRun.PipelineFailedException failure =
        assertThrows(PipelineRun.PipelineFailedException.class, () -> TaxiGold.run(TaxiGoldenTest.gold(redshiftArgs(s3, bucket)), RECORDING));

    assertThat(failure.report().status(), is(RunReport.FAILED));
    assertThat(failure.getMessage(), containsString("gold/part-00001-of-00002.parquet"));
    assertThat("checked, but nothing loaded", SENT, equalTo(CHECK_ONLY));
  }

  @Test
  void redshiftNeedsAnS3ParquetOutputAndARoleArn() {
    IllegalArgumentException local =
        assertThrows(IllegalArgumentException.class, () -> TaxiGold.run(TaxiGoldenTest.gold(
            "--input=" + tmp, "--output=" + tmp.resolve("gold"), "--loadTo=redshift", "--jdbcUrl=jdbc:redshift://h:5439/dev",
            "--redshiftIamRole=" + ROLE), RECORDING));
    assertThat(local.getMessage(), containsString("s3://"));
    IllegalArgumentException role =
        assertThrows(IllegalArgumentException.class, () -> TaxiGold.run(TaxiGoldenTest.gold(
            "--input=" + tmp, "--output=s3://b/gold", "--loadTo=redshift", "--jdbcUrl=jdbc:redshift://h:5439/dev",
            "--redshiftIamRole=role' ; DROP TABLE x; --"), RECORDING));
    assertThat(role.getMessage(), containsString("--redshiftIamRole"));
  }

  private String[] redshiftArgs(S3Server s3, String bucket) {
    return with(s3.pipelineArgs(),
        "--input=s3://" + bucket + "/staging",
        "--output=s3://" + bucket + "/gold",
        "--loadTo=redshift",
        "--jdbcUrl=jdbc:redshift://example.invalid:5439/dev",
        "--redshiftIamRole=" + ROLE,
        "--rejects=" + tmp.resolve("gold-rejects.jsonl"),
        "--runReport=" + tmp.resolve("gold-report.json"));
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
