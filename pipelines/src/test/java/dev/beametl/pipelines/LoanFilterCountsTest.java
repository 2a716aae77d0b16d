package dev.beametl.pipelines;

import static dev.beametl.pipelines.LoanFixtures.HEADER;
import static dev.beametl.pipelines.LoanFixtures.row;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import dev.beametl.testing.PostgresServer;
import dev.beametl.transforms.report.RunReport;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The report's counts are exact with each runner's defaults (the DirectRunner's checks on), on a multi-bundle load. */
class LoanFilterCountsTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner"})
  void writtenMatchesTheTableOnEveryRunner(String runner) throws Exception {
    Path in = tmp.resolve("in");
    long passing = 0;
    for (int f = 0; f < 1; f++) {
      List<List<String>> rows = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        int id = f * 10_000 + i;
        // One loan in five passes the FICO threshold.
        boolean passes = id % 5 == 0;
        passing += passes ? 1 : 0;
        rows.add(row("id", Integer.toString(id), "last_fico_range_low", passes ? "720" : "650"));
      }
      LoanFixtures.write(in.resolve("loans-" + f + ".csv"), HEADER, rows);
    }
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
    assertThat(report.count("read"), is(20_000L));
    assertThat(report.count("written"), is(passing));
    assertThat(report.count("filtered"), is(20_000L - passing));
    assertThat(report.balanced(), is(true));
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
