package dev.beametl.pipelines;

import static dev.beametl.pipelines.LoanFixtures.row;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.testing.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
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

/** A failed run is recorded truthfully: counts final or unknown, the first cause, no secrets, nothing touched. */
class RunFailuresTest {
  @TempDir Path tmp;

  Path inputs(int files, int rowsEach) throws IOException {
    return LoanFixtures.writeLoans(tmp.resolve("in"), files, rowsEach);
  }

  long inputCount(Path in) throws IOException {
    try (Stream<Path> files = Files.list(in)) {
      return files.count();
    }
  }

  JsonNode report() throws IOException {
    return new ObjectMapper().readTree(Files.readString(tmp.resolve("report.json")));
  }

  /** The target table has a different layout: every load fails, after rows were read and filtered. */
  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "SparkRunner"})
  void aFailedLoadHasUnknownCountsNotZerosAndNamesTheDatabaseError(String runner) throws Exception {
    Path in = inputs(3, 2_000);
    PostgresServer pg = PostgresServer.shared();
    String table = "wrong_layout_" + runner.toLowerCase();
    pg.execute("DROP TABLE IF EXISTS " + table, "CREATE TABLE " + table + " (source_file text, source_record bigint, PRIMARY KEY (source_file, source_record))");

    int exit =
        cli(
            "loan-filter",
            "--runner=" + runner,
            "--sparkMaster=local[2]",
            "--input=" + in + "/*.csv",
            "--jdbcUrl=" + pg.jdbcUrl(),
            "--jdbcUser=" + PostgresServer.USER,
            "--table=" + table,
            "--afterLoad=delete",
            "--rejects=" + tmp.resolve("rejects.jsonl"),
            "--runReport=" + tmp.resolve("report.json"));

    assertThat(exit, is(1));
    JsonNode json = report();
    assertThat(json.get("status").asText(), is("FAILED"));
    assertThat(json.get("countsKnown").asBoolean(), is(false));
    assertThat(json.get("counts").isNull(), is(true));
    assertThat(json.get("error").asText(), containsString("does not exist"));
    assertThat(inputCount(in), is(3L));
  }

  /** The server drops the sink's idle connection: the report names that, not the rollback's "connection has been closed". */
  @Test
  void theFirstCauseIsReportedNotTheFailedRollback() throws Exception {
    Path in = inputs(3, 2_000);
    PostgresServer pg = PostgresServer.shared();
    pg.execute("DROP TABLE IF EXISTS dropped_connection");
    String url = pg.jdbcUrl() + (pg.jdbcUrl().contains("?") ? "&" : "?") + "options=-c%20idle_session_timeout%3D1";

    int exit =
        cli(
            "loan-filter",
            "--input=" + in + "/*.csv",
            "--jdbcUrl=" + url,
            "--jdbcUser=" + PostgresServer.USER,
            "--table=dropped_connection",
            "--rejects=" + tmp.resolve("rejects.jsonl"),
            "--runReport=" + tmp.resolve("report.json"));

    assertThat(exit, is(1));
    String error = report().get("error").asText();
    assertThat(error, containsString("PSQLException"));
    assertThat(error, not(containsString("has been closed")));
  }

  @Test
  void reportAndRejectsLocationsAreCheckedBeforeAnythingRuns() throws Exception {
    Path in = inputs(2, 100);
    PostgresServer pg = PostgresServer.shared();
    pg.execute("DROP TABLE IF EXISTS unwritable_report");
    for (String[] locations :
        new String[][] {{"/proc/nope/report.json", tmp.resolve("rejects.jsonl").toString()}, {tmp.resolve("report.json").toString(), "/proc/nope/rejects.jsonl"}}) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int exit =
          BeamEtl.execute(
              new String[] {
                "loan-filter",
                "--input=" + in + "/*.csv",
                "--jdbcUrl=" + pg.jdbcUrl(),
                "--jdbcUser=" + PostgresServer.USER,
                "--table=unwritable_report",
                "--afterLoad=delete",
                "--runReport=" + locations[0],
                "--rejects=" + locations[1]
              },
              new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8));
      assertThat(exit, is(2));
      assertThat(err.toString(StandardCharsets.UTF_8), containsString("/proc/nope/"));
      assertThat(err.toString(StandardCharsets.UTF_8), containsString("cannot be written"));
    }
    assertThat(BadHeaderTest.tableExists(pg, "unwritable_report"), is(false));
    assertThat(inputCount(in), is(2L));
  }

  /** The report's folder becomes unwritable during the run: the run fails and its inputs stay, as nothing could record it. */
  @Test
  void aRunWhoseReportCannotBeWrittenFailsAndTouchesNoInput() throws Exception {
    Path in = inputs(2, 1_000);
    Path reports = tmp.resolve("reports");
    PipelineRun.PipelineFailedException failed =
        assertThrows(
            PipelineRun.PipelineFailedException.class,
            () ->
                LoanFilter.run(
                    LoanFilterGoldenTest.options(
                        "--input=" + in + "/*.csv",
                        "--jdbcUrl=jdbc:postgresql://127.0.0.1:1/unused",
                        "--rejects=" + tmp.resolve("rejects.jsonl"),
                        "--runReport=" + reports.resolve("report.json"),
                        "--afterLoad=delete"),
                    new Sink(new ReplaceFolderByFileFn(reports.toString())),
                    "a sink that also breaks the report folder"));
    assertThat(failed.report().status(), is("FAILED"));
    assertThat(failed.report().error(), containsString("report.json"));
    assertThat(inputCount(in), is(2L));
  }

  /** JVM errors are recorded too, with the error's name. */
  @Test
  void aLinkageErrorStillWritesAFailedReport() throws Exception {
    Path in = inputs(2, 1_000);
    assertThrows(
        PipelineRun.PipelineFailedException.class,
        () ->
            LoanFilter.run(
                LoanFilterGoldenTest.options(
                    "--input=" + in + "/*.csv",
                    "--jdbcUrl=jdbc:postgresql://127.0.0.1:1/unused",
                    "--rejects=" + tmp.resolve("rejects.jsonl"),
                    "--runReport=" + tmp.resolve("report.json"),
                    "--afterLoad=delete"),
                new Sink(new ThrowsLinkageErrorFn()),
                "a sink whose dependency is missing"));
    JsonNode json = report();
    assertThat(json.get("status").asText(), is("FAILED"));
    assertThat(json.get("error").asText(), containsString("NoClassDefFoundError: com/example/MissingDriver"));
    assertThat(inputCount(in), is(2L));
  }

  @Test
  void aPasswordInTheJdbcUrlIsRefusedAndAppearsNowhere() throws Exception {
    Path in = inputs(1, 100);
    String url = PostgresServer.shared().jdbcUrl() + "?password=WrongUrlSecret42";
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    int exit = execute(printed, "--input=" + in + "/*.csv", "--jdbcUrl=" + url, "--jdbcUser=" + PostgresServer.USER);
    assertThat("refused as a bad argument, before anything runs", exit, is(2));
    assertThat(printed.toString(StandardCharsets.UTF_8), containsString("JDBC_PASSWORD"));
    assertThat(printed.toString(StandardCharsets.UTF_8), not(containsString("WrongUrlSecret42")));
    assertThat(inputCount(in), is(1L));
  }

  @Test
  void aFailedRunPrintsItsSummaryOnceWithTheRealCause() throws Exception {
    Path in = inputs(1, 100);
    String url = PostgresServer.shared().jdbcUrl().replaceAll("/[^/?]+(\\?.*)?$", "/no_such_db");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    int exit = execute(printed, "--input=" + in + "/*.csv", "--jdbcUrl=" + url, "--jdbcUser=" + PostgresServer.USER);
    String everything = printed.toString(StandardCharsets.UTF_8) + Files.readString(tmp.resolve("report.json"));
    assertThat(exit, is(1));
    assertThat(everything, containsString("no_such_db"));
    assertThat("the summary is printed once", everything.split("loan-filter FAILED", -1).length - 1, is(1));
  }

  /** Runs the CLI with stdout and stderr (and the process's own streams) captured in {@code printed}. */
  int execute(ByteArrayOutputStream printed, String... args) {
    List<String> all = new ArrayList<>(List.of("loan-filter"));
    all.addAll(List.of(args));
    all.add("--rejects=" + tmp.resolve("rejects.jsonl"));
    all.add("--runReport=" + tmp.resolve("report.json"));
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    try (PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      System.setErr(capture);
      return BeamEtl.execute(all.toArray(String[]::new), capture, capture);
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
  }

  static int cli(String... args) {
    return BadHeaderTest.cli(args);
  }

  static final class Sink extends PTransform<PCollection<Row>, PDone> {
    private final DoFn<Row, Void> fn;

    Sink(DoFn<Row, Void> fn) {
      this.fn = fn;
    }

    @Override
    public PDone expand(PCollection<Row> rows) {
      rows.apply(ParDo.of(fn));
      return PDone.in(rows.getPipeline());
    }
  }

  /** Counts nothing (the report is what fails first) but swaps the report folder for a plain file. */
  static final class ReplaceFolderByFileFn extends DoFn<Row, Void> {
    private final String folder;

    ReplaceFolderByFileFn(String folder) {
      this.folder = folder;
    }

    private static final Object ONE_AT_A_TIME = new Object();

    @ProcessElement
    public void process(@Element Row row) {
      dev.beametl.transforms.EtlMetrics.written().inc();
      // Several workers run this: only one may replace the folder, or another's listing fails the run first.
      synchronized (ONE_AT_A_TIME) {
        replace();
      }
    }

    private void replace() {
      try {
        Path dir = Path.of(folder);
        if (Files.isDirectory(dir)) {
          try (Stream<Path> left = Files.list(dir)) {
            for (Path p : left.toList()) {
              Files.delete(p);
            }
          }
          Files.delete(dir);
          Files.writeString(dir, "not a folder any more");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  static final class ThrowsLinkageErrorFn extends DoFn<Row, Void> {
    @ProcessElement
    public void process(@Element Row row) {
      throw new NoClassDefFoundError("com/example/MissingDriver");
    }
  }
}
