package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.is;

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
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A value PostgreSQL cannot store (NUL in text) rejects its row, named, instead of failing the
 * COPY of its batch and the run: four files of 10,000 loans, loaded in batches of 1,000.
 */
class LoanFilterUnstorableTest {
  static final int FILES = 4;
  static final int ROWS_PER_FILE = 10_000;

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "SparkRunner"})
  void aNulRejectsItsRowAndTheRestLoads(String runner) throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    List<String> expectedRejects = new ArrayList<>();
    for (int f = 0; f < FILES; f++) {
      List<List<String>> rows = new ArrayList<>();
      for (int r = 1; r <= ROWS_PER_FILE; r++) {
        String id = String.valueOf(f * ROWS_PER_FILE + r);
        if (r % 1_000 == 0) {
          rows.add(LoanFixtures.row("id", id, "loan_status", "Charged Off"));
        } else if (f == 0 && r == 5) {
          rows.add(LoanFixtures.row("id", id, "desc", "a NUL \0 here"));
          expectedRejects.add("loans-0.csv:5:description");
        } else if (f == 2 && r == 9_999) {
          rows.add(LoanFixtures.row("id", id, "title", "Car\0loan"));
          expectedRejects.add("loans-2.csv:9999:title");
        } else if (f == 3 && r == 4_321) {
          rows.add(LoanFixtures.row("id", id, "emp_length", "10+\0years"));
          expectedRejects.add("loans-3.csv:4321:emp_length");
        } else {
          rows.add(LoanFixtures.row("id", id));
        }
      }
      LoanFixtures.write(in.resolve("loans-" + f + ".csv"), LoanFixtures.HEADER, rows);
    }
    PostgresServer pg = PostgresServer.shared();
    String table = "unstorable_" + runner.toLowerCase();
    pg.execute("DROP TABLE IF EXISTS " + table);
    Path rejects = tmp.resolve("rejects.jsonl");

    RunReport report =
        LoanFilter.run(
            LoanFilterGoldenTest.options(
                "--runner=" + runner,
                "--sparkMaster=local[2]",
                "--input=" + in + "/*.csv",
                "--jdbcUrl=" + pg.jdbcUrl(),
                "--jdbcUser=" + PostgresServer.USER,
                "--table=" + table,
                "--jdbcBatchSize=1000",
                "--rejects=" + rejects,
                "--runReport=" + tmp.resolve("report.json")));

    assertThat(report.summary(), report.status(), is(RunReport.SUCCEEDED));
    assertThat(report.count("read"), is(40_000L));
    assertThat(report.count("filtered"), is(40L));
    assertThat(report.count("rejected"), is(3L));
    assertThat(report.count("written"), is(40_000L - 40 - 3));
    assertThat(report.balanced(), is(true));
    assertThat(report.rejectReasons(), is(Map.of("unstorable_value", 3L)));
    try (Connection c = pg.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      assertThat(rs.getLong(1), is(40_000L - 40 - 3));
    }

    List<String> found = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(rejects)) {
      JsonNode reject = json.readTree(line);
      assertThat(reject.get("reason").asText(), is("unstorable_value"));
      assertThat(reject.get("original").asText().contains("\0"), is(true));
      String source = Path.of(reject.get("source").asText()).getFileName().toString();
      found.add(source + ":" + reject.get("record").asLong() + ":" + reject.get("column").asText());
    }
    assertThat(found, containsInAnyOrder(expectedRejects.toArray()));
  }
}
