package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import dev.beametl.options.LoanFilterOptions;
import dev.beametl.options.PipelineCatalog;
import dev.beametl.testing.PostgresServer;
import dev.beametl.testing.Processes;
import dev.beametl.transforms.report.RunReport;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC section 1 reference: the 31-row sample loads exactly 10 loans, on both runners. */
class LoanFilterGoldenTest {
  static final Map<Integer, Double> EXPECTED = new LinkedHashMap<>();

  static {
    EXPECTED.put(1069697, 15824.0);
    EXPECTED.put(1069530, 8854.51);
    EXPECTED.put(1069469, 6065.86);
    EXPECTED.put(1068416, 8204.77);
    EXPECTED.put(1068350, 3834.86);
    EXPECTED.put(1067874, 8134.05);
    EXPECTED.put(1068232, 14183.43);
    EXPECTED.put(1068405, 11264.48);
    EXPECTED.put(1067441, 7217.55);
    EXPECTED.put(1062288, 15622.38);
  }

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "SparkRunner", "ForkCheckingRunner"})
  void sampleLoadsTheTenReferenceLoans(String runner) throws Exception {
    PostgresServer pg = PostgresServer.shared();
    String table = "golden_" + runner.toLowerCase();
    pg.execute("DROP TABLE IF EXISTS " + table);
    Path sample = Processes.sharedData().resolve("filter_csv/sample_data.csv");

    RunReport report =
        LoanFilter.run(
            options(
                "--runner=" + runner,
                "--sparkMaster=local[2]",
                "--input=" + sample,
                "--jdbcUrl=" + pg.jdbcUrl(),
                "--jdbcUser=" + PostgresServer.USER,
                "--table=" + table,
                "--rejects=" + tmp.resolve("rejects.jsonl"),
                "--runReport=" + tmp.resolve("report.json")));

    assertThat(report.status(), is(RunReport.SUCCEEDED));
    assertThat(report.count("read"), is(31L));
    assertThat(report.count("written"), is(10L));
    assertThat(report.count("filtered"), is(21L));
    assertThat(report.count("rejected"), is(0L));
    assertThat(loaded(pg, table), equalTo(EXPECTED));
  }

  static Map<Integer, Double> loaded(PostgresServer pg, String table) throws Exception {
    Map<Integer, Double> rows = new LinkedHashMap<>();
    try (Connection c = pg.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, total_pymnt FROM " + table + " ORDER BY source_record")) {
      while (rs.next()) {
        rows.put(rs.getInt(1), rs.getDouble(2));
      }
    }
    return rows;
  }

  static LoanFilterOptions options(String... args) {
    return BeamEtl.parse(PipelineCatalog.find(LoanFilter.NAME).orElseThrow(), args).as(LoanFilterOptions.class);
  }
}
