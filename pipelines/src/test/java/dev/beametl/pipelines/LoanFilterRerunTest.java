package dev.beametl.pipelines;

import static dev.beametl.pipelines.LoanFilterGoldenTest.EXPECTED;
import static dev.beametl.pipelines.LoanFilterGoldenTest.loaded;
import static dev.beametl.pipelines.LoanFilterGoldenTest.options;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.testing.PostgresServer;
import dev.beametl.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loads are idempotent, and a failed load leaves its inputs for a re-run that gives the exact result. */
class LoanFilterRerunTest {
  @TempDir Path tmp;
  final PostgresServer pg = PostgresServer.shared();

  Path copyOfSample() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    return Files.copy(LoanFixtures.SAMPLE, in.resolve("sample_data.csv"));
  }

  String[] args(Path input, String table, String jdbcUrl, String... more) {
    String[] base = {
      "--input=" + input,
      "--jdbcUrl=" + jdbcUrl,
      "--jdbcUser=" + PostgresServer.USER,
      "--table=" + table,
      "--rejects=" + tmp.resolve("rejects.jsonl"),
      "--runReport=" + tmp.resolve("report.json")
    };
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void theSameInputTwiceLoadsOneCopy() throws Exception {
    pg.execute("DROP TABLE IF EXISTS rerun_twice");
    Path input = copyOfSample();
    LoanFilter.run(options(args(input, "rerun_twice", pg.jdbcUrl())));
    LoanFilter.run(options(args(input, "rerun_twice", pg.jdbcUrl())));
    assertThat(loaded(pg, "rerun_twice"), equalTo(EXPECTED));
  }

  @Test
  void aLoadThatFailsHalfwayKeepsItsInputAndARerunIsExact() throws Exception {
    pg.execute("DROP TABLE IF EXISTS rerun_halfway");
    Path input = copyOfSample();
    // A first run creates the table; then the database starts refusing one loan mid-load.
    LoanFilter.run(options(args(input, "rerun_halfway", pg.jdbcUrl())));
    pg.execute("TRUNCATE rerun_halfway", "ALTER TABLE rerun_halfway ADD CONSTRAINT refuse_one CHECK (id <> 1068405)");

    assertThrows(
        PipelineRun.PipelineFailedException.class,
        () -> LoanFilter.run(options(args(input, "rerun_halfway", pg.jdbcUrl(), "--afterLoad=delete", "--jdbcBatchSize=1"))));
    assertThat("the failed run deleted nothing", Files.exists(input), is(true));
    assertThat("nothing of the failed run is visible", loaded(pg, "rerun_halfway").size(), is(0));
    assertThat(new ObjectMapper().readTree(tmp.resolve("report.json").toFile()).get("status").asText(), is("FAILED"));

    pg.execute("ALTER TABLE rerun_halfway DROP CONSTRAINT refuse_one");
    LoanFilter.run(options(args(input, "rerun_halfway", pg.jdbcUrl(), "--afterLoad=delete")));
    assertThat(loaded(pg, "rerun_halfway"), equalTo(EXPECTED));
    assertThat("deleted once the load committed", Files.exists(input), is(false));
  }

  @Test
  void anUnreachableDatabaseFailsTheRunAndKeepsTheInput() throws Exception {
    Path input = copyOfSample();
    String nobodyListens = "jdbc:postgresql://127.0.0.1:" + Processes.freePort() + "/postgres";
    assertThrows(
        PipelineRun.PipelineFailedException.class,
        () -> LoanFilter.run(options(args(input, "unreachable", nobodyListens, "--afterLoad=delete"))));
    assertThat(Files.exists(input), is(true));
  }
}
