package dev.beametl.pipelines;

import static dev.beametl.pipelines.LoanFilterGoldenTest.options;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.testing.PostgresServer;
import dev.beametl.transforms.report.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --incremental} on a real PostgreSQL: each input is loaded once, recorded in the publishing transaction. */
class LoanFilterIncrementalTest {
  static final int ROWS = 2_000;
  static final String TABLE = "incremental.loans";

  @TempDir Path tmp;
  final PostgresServer pg = PostgresServer.shared();
  Path in;

  @BeforeEach
  void freshTable() throws Exception {
    pg.execute("DROP SCHEMA IF EXISTS incremental CASCADE");
    in = Files.createDirectories(tmp.resolve("in"));
    for (int f = 0; f < 3; f++) {
      loans("day-" + f + ".csv", f * 100_000, ROWS, "Debt consolidation");
    }
  }

  /** A file of passing loans, ids from {@code firstId}, with this title. */
  Path loans(String name, int firstId, int rows, String title) throws Exception {
    List<List<String>> lines = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      lines.add(LoanFixtures.row("id", Integer.toString(firstId + r), "title", title));
    }
    return LoanFixtures.write(in.resolve(name), LoanFixtures.HEADER, lines);
  }

  RunReport run(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--input=" + in + "/*.csv",
                "--jdbcUrl=" + pg.jdbcUrl(),
                "--jdbcUser=" + PostgresServer.USER,
                "--table=" + TABLE,
                "--incremental=true",
                "--rejects=" + tmp.resolve("rejects.jsonl"),
                "--runReport=" + tmp.resolve("report.json")));
    args.addAll(List.of(more));
    return LoanFilter.run(options(args.toArray(String[]::new)));
  }

  JsonNode inputStates() throws Exception {
    return new ObjectMapper().readTree(tmp.resolve("report.json").toFile()).get("inputStates");
  }

  List<String> names(JsonNode paths) {
    List<String> names = new ArrayList<>();
    paths.forEach(p -> names.add(Path.of(p.asText()).getFileName().toString()));
    return names;
  }

  List<String> rowsPerFileAndTitle() throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = pg.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT regexp_replace(source_file, '.*/', ''), title, count(*), count(DISTINCT source_record) FROM " + TABLE
                    + " GROUP BY 1, 2 ORDER BY 1, 2")) {
      while (rs.next()) {
        rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getLong(3) + "/" + rs.getLong(4));
      }
    }
    return rows;
  }

  @Test
  void aRerunWithNothingNewReadsNothing() throws Exception {
    assertThat(run().count("written"), is(3L * ROWS));
    assertThat(names(inputStates().get("new")), contains("day-0.csv", "day-1.csv", "day-2.csv"));

    RunReport again = run();

    assertThat(again.status(), is(RunReport.SUCCEEDED));
    assertThat(again.count("read"), is(0L));
    assertThat(again.summary(), containsString("inputs 0 new, 0 changed, 0 reprocessed, 3 skipped"));
    assertThat(names(inputStates().get("skipped")), contains("day-0.csv", "day-1.csv", "day-2.csv"));
    assertThat(rowsPerFileAndTitle().size(), is(3));
  }

  @Test
  void aNewFileAloneIsRead() throws Exception {
    run();
    loans("day-3.csv", 300_000, 500, "Car");

    RunReport next = run();

    assertThat(next.count("read"), is(500L));
    assertThat(names(inputStates().get("new")), contains("day-3.csv"));
    assertThat(rowsPerFileAndTitle(), contains(
        "day-0.csv Debt consolidation 2000/2000", "day-1.csv Debt consolidation 2000/2000",
        "day-2.csv Debt consolidation 2000/2000", "day-3.csv Car 500/500"));
  }

  @Test
  void aChangedFileReplacesItsRowsExactly() throws Exception {
    run();
    Path changed = loans("day-1.csv", 100_000, 1_200, "Rewritten");
    Files.setLastModifiedTime(changed, FileTime.fromMillis(System.currentTimeMillis() + 60_000));

    RunReport next = run();

    assertThat(next.count("read"), is(1_200L));
    assertThat(names(inputStates().get("changed")), contains("day-1.csv"));
    assertThat("none left from the old version, none doubled", rowsPerFileAndTitle(), contains(
        "day-0.csv Debt consolidation 2000/2000", "day-1.csv Rewritten 1200/1200", "day-2.csv Debt consolidation 2000/2000"));
  }

  @Test
  void aRunKilledBetweenLoadAndLedgerIsRepairedByTheRerun() throws Exception {
    assertThrows(
        PipelineRun.PipelineFailedException.class,
        () ->
            LoanFilter.run(
                options(
                    "--input=" + in + "/*.csv", "--jdbcUrl=" + pg.jdbcUrl(), "--jdbcUser=" + PostgresServer.USER,
                    "--table=" + TABLE, "--incremental=true", "--rejects=" + tmp.resolve("rejects.jsonl"),
                    "--runReport=" + tmp.resolve("report.json")),
                () -> {
                  throw new IllegalStateException("simulated crash after the load, before the publish");
                }));
    assertThat("neither rows nor ledger", rowsPerFileAndTitle(), empty());

    RunReport rerun = run();

    assertThat(rerun.count("read"), is(3L * ROWS));
    assertThat(rowsPerFileAndTitle(), contains(
        "day-0.csv Debt consolidation 2000/2000", "day-1.csv Debt consolidation 2000/2000", "day-2.csv Debt consolidation 2000/2000"));
    assertThat(run().count("read"), is(0L));
  }

  @Test
  void reprocessReadsTheMatchedFilesAgain() throws Exception {
    run();

    RunReport backfill = run("--reprocess=" + in + "/day-2.csv");

    assertThat(backfill.count("read"), is((long) ROWS));
    assertThat(names(inputStates().get("reprocessed")), contains("day-2.csv"));
    assertThat(names(inputStates().get("skipped")), contains("day-0.csv", "day-1.csv"));
    assertThat(rowsPerFileAndTitle().get(2), is("day-2.csv Debt consolidation 2000/2000"));
  }
}
