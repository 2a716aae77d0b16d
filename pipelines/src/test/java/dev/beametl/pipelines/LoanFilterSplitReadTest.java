package dev.beametl.pipelines;

import static dev.beametl.pipelines.LoanFixtures.HEADER;
import static dev.beametl.pipelines.LoanFixtures.row;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.testing.PostgresServer;
import dev.beametl.transforms.report.RunReport;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** loan-filter on broken quoting and on files read in many ranges: every record once, with its own number. */
class LoanFilterSplitReadTest {
  @TempDir Path tmp;

  /** Record {@code id} of a generated file; every 5th fails the filter, every 9th has a quoted line break. */
  private static String record(int id) {
    List<String> values =
        row("id", String.valueOf(id), "loan_status", id % 5 == 0 ? "Charged Off" : "Fully Paid", "desc", id % 9 == 0 ? "two\nlines, \"q\"" : "");
    return LoanFixtures.csvLine(values);
  }

  private static Path write(Path file, int records, Map<Integer, String> replace) throws Exception {
    Files.createDirectories(file.getParent());
    try (BufferedWriter out = Files.newBufferedWriter(file)) {
      out.write(LoanFixtures.csvLine(HEADER));
      out.write('\n');
      for (int id = 1; id <= records; id++) {
        out.write(replace.getOrDefault(id, record(id)));
        out.write('\n');
      }
    }
    return file;
  }

  private RunReport run(String runner, Path input, String table, String... more) throws Exception {
    PostgresServer pg = PostgresServer.shared();
    pg.execute("DROP TABLE IF EXISTS " + table);
    String[] base = {
      "--runner=" + runner,
      "--sparkMaster=local[2]",
      "--input=" + input,
      "--jdbcUrl=" + pg.jdbcUrl(),
      "--jdbcUser=" + PostgresServer.USER,
      "--table=" + table,
      "--rejects=" + tmp.resolve(table + "-rejects.jsonl"),
      "--runReport=" + tmp.resolve(table + "-report.json")
    };
    String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(more)).toArray(String[]::new);
    return LoanFilter.run(LoanFilterGoldenTest.options(args));
  }

  @Test
  void anUnclosedQuoteEarlyRejectsOnlyItsRecordAndTheOthersLoad() throws Exception {
    String broken = LoanFixtures.csvLine(row("id", "2", "desc", "DESC")).replace("DESC", "\"d oops");
    Path file = write(tmp.resolve("in/loans.csv"), 1002, Map.of(2, broken, 1002, "1002,\"never closed"));
    RunReport report = run("DirectRunner", file, "unclosed_quote");

    assertThat(report.status(), is(RunReport.SUCCEEDED));
    assertThat(report.count("read"), is(1002L));
    assertThat(report.count("written") + report.count("filtered") + report.count("rejected"), is(1002L));
    assertThat(report.count("rejected"), is(2L));
    assertThat(report.rejectReasons(), is(Map.of("malformed_csv", 2L)));
    assertThat(report.balanced(), is(true));
    assertThat(loadedCount("unclosed_quote"), is(report.count("written")));
    assertThat(report.count("written"), is(1000L - 200L));

    ObjectMapper json = new ObjectMapper();
    List<String> lines = Files.readAllLines(tmp.resolve("unclosed_quote-rejects.jsonl"));
    JsonNode first = json.readTree(lines.stream().filter(l -> l.contains("\"record\":2,")).findFirst().orElseThrow());
    assertThat(first.get("original").asText(), is(broken));
    JsonNode last = json.readTree(lines.stream().filter(l -> l.contains("\"record\":1002,")).findFirst().orElseThrow());
    assertThat(last.get("original").asText(), is("1002,\"never closed"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "SparkRunner"})
  void aFileReadInManyRangesLoadsEveryRecordOnceWithItsNumber(String runner) throws Exception {
    int records = 20_000;
    String broken = LoanFixtures.csvLine(row("id", "777", "desc", "DESC")).replace("DESC", "\"d oops");
    Path in = tmp.resolve("ranges");
    write(in.resolve("a.csv"), records, Map.of(777, broken));
    write(in.resolve("b.csv"), 3_000, Map.of());
    String table = "ranges_" + runner.toLowerCase();
    // About 6 MB in ranges of 250 kB: the split points fall everywhere, quoted line breaks included.
    RunReport report = run(runner, Path.of(in + "/*.csv"), table, "--readRangeBytes=250000");

    long filtered = records / 5 + 3_000 / 5;
    assertThat(report.status(), is(RunReport.SUCCEEDED));
    assertThat(report.count("read"), is(records + 3_000L));
    assertThat(report.count("rejected"), is(1L));
    assertThat(report.count("filtered"), is(filtered));
    assertThat(report.count("written"), is(records + 3_000L - filtered - 1));
    assertThat(report.balanced(), is(true));
    try (Connection c = PostgresServer.shared().connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*), count(DISTINCT (source_file, source_record)), sum(CASE WHEN id = source_record THEN 0 ELSE 1 END), "
                    + "sum(CASE WHEN description LIKE 'two\nlines%' THEN 1 ELSE 0 END) FROM " + table)) {
      rs.next();
      assertThat(rs.getLong(1), is(report.count("written")));
      assertThat("each row once", rs.getLong(2), is(rs.getLong(1)));
      assertThat("every row keeps its own record number", rs.getLong(3), is(0L));
      assertThat("quoted line breaks survive the split", rs.getLong(4) > 1_500, is(true));
    }
  }

  private static long loadedCount(String table) throws Exception {
    try (Connection c = PostgresServer.shared().connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
