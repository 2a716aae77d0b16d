package dev.beametl.pipelines;

import static dev.beametl.pipelines.LoanFixtures.HEADER;
import static dev.beametl.pipelines.LoanFixtures.row;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.testing.PostgresServer;
import dev.beametl.transforms.report.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The report's counts are exact with each runner's defaults (the DirectRunner's checks on), and a run whose counts do not add up fails. */
class LoanFilterCountsTest {
  @TempDir Path tmp;

  /** One large file (one big bundle into the sink, counted at its end) and two smaller ones; one loan in five passes. */
  long writeInputs(Path in, int bigFileRows) throws Exception {
    long passing = 0;
    int id = 0;
    for (int[] file : new int[][] {{0, bigFileRows}, {1, 1_000}, {2, 1_000}}) {
      List<List<String>> rows = new ArrayList<>();
      for (int i = 0; i < file[1]; i++, id++) {
        boolean passes = id % 5 == 0;
        passing += passes ? 1 : 0;
        rows.add(row("id", Integer.toString(id), "last_fico_range_low", passes ? "720" : "650"));
      }
      LoanFixtures.write(in.resolve("loans-" + file[0] + ".csv"), HEADER, rows);
    }
    return passing;
  }

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "SparkRunner"})
  void writtenMatchesTheTableOnEveryRunner(String runner) throws Exception {
    Path in = tmp.resolve("in");
    long passing = writeInputs(in, 20_000);
    PostgresServer pg = PostgresServer.shared();
    String table = "counts_" + runner.toLowerCase();
    pg.execute("DROP TABLE IF EXISTS " + table);

    RunReport report =
        LoanFilter.run(
            LoanFilterGoldenTest.options(
                "--runner=" + runner,
                "--sparkMaster=local[2]",
                "--input=" + in + "/*.csv",
                "--jdbcUrl=" + pg.jdbcUrl(),
                "--jdbcUser=" + PostgresServer.USER,
                "--table=" + table,
                "--rejects=" + tmp.resolve("rejects.jsonl"),
                "--runReport=" + tmp.resolve("report.json")));

    assertThat(rowsIn(pg, table), is(passing));
    assertThat(report.status(), is(RunReport.SUCCEEDED));
    assertThat(report.count("read"), is(22_000L));
    assertThat(report.count("written"), is(passing));
    assertThat(report.count("filtered"), is(22_000L - passing));
    assertThat(report.balanced(), is(true));
  }

  /** A sink that loses rows without counting them: the run cannot be called a success, and the inputs stay. */
  @Test
  void countsThatDoNotAddUpFailTheRunAndTouchNothing() throws Exception {
    Path in = tmp.resolve("in");
    long passing = writeInputs(in, 1_000);
    Path report = tmp.resolve("report.json");

    PipelineRun.PipelineFailedException failed =
        assertThrows(
            PipelineRun.PipelineFailedException.class,
            () ->
                LoanFilter.run(
                    LoanFilterGoldenTest.options(
                        "--input=" + in + "/*.csv",
                        "--jdbcUrl=jdbc:postgresql://127.0.0.1:1/unused",
                        "--rejects=" + tmp.resolve("rejects.jsonl"),
                        "--runReport=" + report,
                        "--afterLoad=delete"),
                    new LosesRows(),
                    "a sink that loses rows"));

    assertThat(failed.report().status(), is(RunReport.FAILED));
    JsonNode json = new ObjectMapper().readTree(Files.readString(report));
    assertThat(json.get("status").asText(), is("FAILED"));
    assertThat(json.get("balanced").asBoolean(), is(false));
    assertThat(json.get("counts").get("filtered").asLong(), is(3_000L - passing));
    assertThat(json.get("error").asText(), containsString("counts do not add up: read 3000 != written 0 + filtered " + (3_000L - passing)));
    try (var files = Files.list(in)) {
      assertThat("inputs stay when the run cannot be trusted", files.count(), is(3L));
    }
  }

  static final class LosesRows extends PTransform<PCollection<Row>, PDone> {
    @Override
    public PDone expand(PCollection<Row> rows) {
      rows.apply(ParDo.of(new DoFn<Row, Void>() {
        @ProcessElement
        public void process(@Element Row row) {}
      }));
      return PDone.in(rows.getPipeline());
    }
  }

  static long rowsIn(PostgresServer pg, String table) throws Exception {
    try (Connection c = pg.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
