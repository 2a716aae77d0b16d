package dev.beametl.pipelines;

import static dev.beametl.pipelines.LoanFilterGoldenTest.options;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.testing.PostgresServer;
import dev.beametl.transforms.report.RunReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Atomic publish and quality gates on a real PostgreSQL: a run's rows become visible in one
 * transaction at the end, only when the run succeeded and its gates passed.
 */
class LoanFilterPublishTest {
  static final int FILES = 3;
  static final int ROWS_PER_FILE = 3_000;

  @TempDir Path tmp;
  final PostgresServer pg = PostgresServer.shared();

  /** {@code FILES} files of passing loans with distinct ids, starting at {@code firstId}. */
  Path loans(String dir, int firstId) throws Exception {
    Path in = Files.createDirectories(tmp.resolve(dir));
    int id = firstId;
    for (int f = 0; f < FILES; f++) {
      List<List<String>> rows = new ArrayList<>();
      for (int r = 0; r < ROWS_PER_FILE; r++) {
        rows.add(LoanFixtures.row("id", Integer.toString(id++)));
      }
      LoanFixtures.write(in.resolve("loans-" + f + ".csv"), LoanFixtures.HEADER, rows);
    }
    return in;
  }

  List<String> args(Path input, String table, String runner, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--runner=" + runner,
                "--sparkMaster=local[2]",
                "--input=" + input + "/*.csv",
                "--jdbcUrl=" + pg.jdbcUrl(),
                "--jdbcUser=" + PostgresServer.USER,
                "--table=" + table,
                "--rejects=" + tmp.resolve("rejects.jsonl"),
                "--runReport=" + tmp.resolve("report.json")));
    args.addAll(List.of(more));
    return args;
  }

  long rows(String table) throws Exception {
    try (Connection c = pg.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT (source_file, source_record)) FROM " + table)) {
      rs.next();
      assertThat("no row twice", rs.getLong(2), is(rs.getLong(1)));
      return rs.getLong(1);
    }
  }

  boolean tableExists(String table) throws Exception {
    try (Connection c = pg.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  JsonNode report() throws Exception {
    return new ObjectMapper().readTree(tmp.resolve("report.json").toFile());
  }

  static int cli(List<String> args) {
    List<String> all = new ArrayList<>(List.of(LoanFilter.NAME));
    all.addAll(args);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    return BeamEtl.execute(all.toArray(String[]::new), quiet, quiet);
  }

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "SparkRunner"})
  void aRunOverTheRejectLimitPublishesNothingAndTouchesNoInput(String runner) throws Exception {
    String table = "gate_limit_" + runner.toLowerCase();
    pg.execute("DROP TABLE IF EXISTS " + table);
    Path first = loans("first", 1);
    assertThat(cli(args(first, table, runner)), is(0));
    long before = rows(table);
    assertThat(before, is((long) FILES * ROWS_PER_FILE));

    Path second = loans("second", 100_000);
    List<List<String>> bad = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      bad.add(LoanFixtures.row("id", Integer.toString(200_000 + i), "loan_amnt", "lots"));
    }
    LoanFixtures.write(second.resolve("bad.csv"), LoanFixtures.HEADER, bad);

    int status = cli(args(second, table, runner, "--maxRejected=0.1%", "--afterLoad=delete"));

    assertThat("a breached gate exits 1", status, is(1));
    assertThat("the table is exactly as it was", rows(table), is(before));
    try (Stream<Path> files = Files.list(second)) {
      assertThat("no input deleted", files.count(), is((long) FILES + 1));
    }
    JsonNode report = report();
    assertThat(report.get("status").asText(), is(RunReport.FAILED));
    JsonNode gate = report.get("gates").get(0);
    assertThat(gate.get("gate").asText(), is("maxRejected"));
    assertThat(gate.get("limit").asText(), is("0.1%"));
    assertThat(gate.get("passed").asBoolean(), is(false));
    assertThat(gate.get("observed").asText(), containsString("40 of 9040 read"));
    assertThat(report.get("error").asText(), containsString("maxRejected"));
    assertThat("no staging table is left", tableExists(table + "_beam_etl_stage"), is(false));
  }

  @Test
  void aRunKilledBeforePublishLeavesTheTableAsItWasAndTheRerunPublishesOnce() throws Exception {
    String table = "publish_killed";
    pg.execute("DROP TABLE IF EXISTS " + table);
    Path input = loans("in", 1);
    assertThrows(
        PipelineRun.PipelineFailedException.class,
        () ->
            LoanFilter.run(
                options(args(input, table, "DirectRunner", "--afterLoad=delete").toArray(String[]::new)),
                () -> {
                  throw new IllegalStateException("simulated crash before publish");
                }));
    assertThat("nothing of the failed run is visible", rows(table), is(0L));
    try (Stream<Path> files = Files.list(input)) {
      assertThat("no input deleted", files.count(), is((long) FILES));
    }

    RunReport rerun = LoanFilter.run(options(args(input, table, "DirectRunner").toArray(String[]::new)));
    assertThat(rerun.status(), is(RunReport.SUCCEEDED));
    assertThat(rerun.count("written"), is((long) FILES * ROWS_PER_FILE));
    assertThat(rows(table), is((long) FILES * ROWS_PER_FILE));
  }

  @Test
  void aStagingTableLeftByAKilledRunIsReplacedByTheNextRun() throws Exception {
    String table = "publish_leftover";
    pg.execute("DROP TABLE IF EXISTS " + table, "DROP TABLE IF EXISTS " + table + "_beam_etl_stage");
    Path input = loans("in", 1);
    assertThat(cli(args(input, table, "DirectRunner")), is(0));
    // What a JVM killed mid-load leaves: a staging table with rows that were never published.
    pg.execute("CREATE UNLOGGED TABLE " + table + "_beam_etl_stage (LIKE " + table + ")",
        "INSERT INTO " + table + "_beam_etl_stage SELECT * FROM " + table + " LIMIT 10");
    assertThat(cli(args(input, table, "DirectRunner")), is(0));
    assertThat(rows(table), is((long) FILES * ROWS_PER_FILE));
    assertThat(tableExists(table + "_beam_etl_stage"), is(false));
  }

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "SparkRunner", "ForkCheckingRunner"})
  void rowRulesRejectEachBrokenRowWithItsReason(String runner) throws Exception {
    String table = "gate_rules_" + runner.toLowerCase();
    pg.execute("DROP TABLE IF EXISTS " + table);
    Path input = loans("in", 1);
    List<List<String>> odd = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      odd.add(LoanFixtures.row("id", Integer.toString(50_000 + i), "title", ""));
    }
    for (int i = 0; i < 5; i++) {
      odd.add(LoanFixtures.row("id", Integer.toString(60_000 + i), "loan_amnt", "90000"));
    }
    for (int i = 0; i < 3; i++) {
      odd.add(LoanFixtures.row("id", "1")); // the id of the first generated loan: 4 rows share it
    }
    LoanFixtures.write(input.resolve("odd.csv"), LoanFixtures.HEADER, odd);

    int status = cli(args(input, table, runner, "--notNull=title", "--range=loan_amnt:..40000", "--unique=id"));

    assertThat(status, is(0));
    JsonNode report = report();
    JsonNode reasons = report.get("rejectReasons");
    assertThat(reasons.get("rule_not_null").asLong(), is(7L));
    assertThat(reasons.get("rule_range").asLong(), is(5L));
    assertThat(reasons.get("rule_unique").asLong(), is(4L));
    assertThat(report.get("balanced").asBoolean(), is(true));
    long loaded = (long) FILES * ROWS_PER_FILE - 1;
    assertThat(report.get("counts").get("written").asLong(), is(loaded));
    assertThat(rows(table), is(loaded));
    String rejects = Files.readString(tmp.resolve("rejects.jsonl"));
    assertThat(rejects, containsString("\"reason\":\"rule_range\",\"column\":\"loan_amnt\""));
  }

  @Test
  void minRecordsFailsAnEmptyDrop() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("empty"));
    LoanFixtures.write(in.resolve("day.csv"), LoanFixtures.HEADER, List.of());
    pg.execute("DROP TABLE IF EXISTS gate_min");
    assertThat(cli(args(in, "gate_min", "DirectRunner", "--minRecords=1")), is(1));
    JsonNode gate = report().get("gates").get(0);
    assertThat(gate.get("gate").asText(), is("minRecords"));
    assertThat(gate.get("observed").asText(), is("0 read"));
    assertThat(gate.get("passed").asBoolean(), is(false));
  }

  @Test
  void aSecondRunOnTheSameTableRefusesToStart() throws Exception {
    String table = "publish_locked";
    Path input = loans("in", 1);
    try (Connection running = pg.connect();
        Statement st = running.createStatement()) {
      st.execute("SELECT pg_advisory_lock(hashtext('beam-etl:" + table + "'))");
      long started = System.nanoTime();
      assertThat(cli(args(input, table, "DirectRunner")), is(1));
      assertThat("refused before reading", (System.nanoTime() - started) / 1e9 < 10, is(true));
      assertThat(report().get("error").asText(), containsString("another run is loading into " + table));
    }
  }

  @Test
  void malformedGateOptionsAreBadArguments() {
    assertThat(cli(List.of("--input=x.csv", "--jdbcUrl=jdbc:postgresql://h/db", "--range=loan_amnt:10")), is(2));
    assertThat(cli(List.of("--input=x.csv", "--jdbcUrl=jdbc:postgresql://h/db", "--maxRejected=lots")), is(2));
  }
}
