package dev.beametl.pipelines;

import static dev.beametl.pipelines.LoanFixtures.HEADER;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.testing.PostgresServer;
import dev.beametl.testing.Processes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file whose header does not fit is a configuration error: by default the run fails before
 * anything is loaded or touched, naming the file and the columns; {@code --onBadHeader=reject}
 * rejects the file (even one without data records) and loads the others.
 */
class BadHeaderTest {
  @TempDir Path tmp;

  Path loanInputs() throws Exception {
    Path in = LoanFixtures.writeLoans(tmp.resolve("in"), 2, 2_000);
    Files.writeString(in.resolve("events.json"), "{\"id\": 1, \"loan_amnt\": 5000, \"purpose\": \"car\"}\n");
    byte[] png = new byte[4_096];
    new Random(7).nextBytes(png);
    System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 0, png, 0, 8);
    Files.write(in.resolve("logo.png"), png);
    return in;
  }

  @Test
  void loanFilterFailsBeforeLoadingOnAJsonFileAndAPng() throws Exception {
    Path in = loanInputs();
    PostgresServer pg = PostgresServer.shared();
    pg.execute("DROP TABLE IF EXISTS bad_header_fail");
    Path report = tmp.resolve("report.json");

    int exit =
        cli(
            "loan-filter",
            "--input=" + in + "/*",
            "--jdbcUrl=" + pg.jdbcUrl(),
            "--jdbcUser=" + PostgresServer.USER,
            "--table=bad_header_fail",
            "--afterLoad=delete",
            "--rejects=" + tmp.resolve("rejects.jsonl"),
            "--runReport=" + report);

    assertThat(exit, is(1));
    JsonNode json = new ObjectMapper().readTree(Files.readString(report));
    assertThat(json.get("status").asText(), is("FAILED"));
    String error = json.get("error").asText();
    assertThat(error, containsString("2 of 4 input files have a header that does not fit"));
    assertThat(error, containsString(in.resolve("events.json") + ": JSON, not CSV: missing columns [id, loan_amnt"));
    assertThat(error, containsString(in.resolve("logo.png") + ": not UTF-8 CSV text"));
    assertThat(error, containsString("--onBadHeader=reject"));
    assertThat(json.get("countsKnown").asBoolean(), is(false));
    assertThat("nothing was loaded", tableExists(pg, "bad_header_fail"), is(false));
    try (Stream<Path> files = Files.list(in)) {
      assertThat("no input was touched", files.count(), is(4L));
    }
  }

  @Test
  void loanFilterRejectsBadFilesEvenWithoutRecordsAndLoadsTheOthers() throws Exception {
    Path in = loanInputs();
    Files.delete(in.resolve("logo.png"));
    List<String> unknown = new ArrayList<>(HEADER);
    unknown.add("surprise");
    LoanFixtures.write(in.resolve("header-only.csv"), unknown, List.of());
    PostgresServer pg = PostgresServer.shared();
    pg.execute("DROP TABLE IF EXISTS bad_header_reject");
    Path report = tmp.resolve("report.json");
    Path rejects = tmp.resolve("rejects.jsonl");

    int exit =
        cli(
            "loan-filter",
            "--input=" + in + "/*",
            "--jdbcUrl=" + pg.jdbcUrl(),
            "--jdbcUser=" + PostgresServer.USER,
            "--table=bad_header_reject",
            "--onBadHeader=reject",
            "--rejects=" + rejects,
            "--runReport=" + report);

    assertThat(exit, is(0));
    JsonNode counts = new ObjectMapper().readTree(Files.readString(report)).get("counts");
    assertThat(counts.get("written").asLong(), is(4_000L));
    assertThat(counts.get("rejectedFiles").asLong(), is(2L));
    assertThat("each bad file's header is a record read and rejected", counts.get("read").asLong(), is(4_002L));
    assertThat(counts.get("rejected").asLong(), is(2L));
    List<String> lines = Files.readAllLines(rejects);
    assertThat(lines.size(), is(2));
    String all = String.join("\n", lines);
    assertThat(all, containsString("\"reason\":\"bad_header\""));
    assertThat(all, containsString("\"record\":0"));
    assertThat(all, containsString("unknown columns [surprise]"));
    assertThat(all, containsString(in.resolve("events.json").toString()));
  }

  @Test
  void taxiStagingAndDatasetSummaryFailOnABadFileToo() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("taxi"));
    Files.copy(Processes.sharedData().resolve(TaxiTestFiles.JUNE_HEAD), in.resolve("a-trips.csv"));
    Files.writeString(in.resolve("b-events.json"), "{\"vendorid\": 1}\n");

    int staging =
        cli(
            "taxi-staging",
            "--input=" + in + "/*",
            "--output=" + tmp.resolve("staging"),
            "--rejects=" + tmp.resolve("staging-rejects.jsonl"),
            "--runReport=" + tmp.resolve("staging-report.json"));
    assertThat(staging, is(1));
    assertThat(
        Files.readString(tmp.resolve("staging-report.json")),
        containsString(in.resolve("b-events.json") + ": JSON, not CSV: missing columns"));
    assertThat("nothing was written", dataFiles(tmp.resolve("staging")), is(0L));

    int summary =
        cli(
            "dataset-summary",
            "--input=" + in + "/*",
            "--output=" + tmp.resolve("summary.csv"),
            "--outputFormat=csv",
            "--groupBy=VendorID",
            "--measures=*:count",
            "--rejects=" + tmp.resolve("summary-rejects.jsonl"),
            "--runReport=" + tmp.resolve("summary-report.json"));
    assertThat(summary, is(1));
    assertThat(Files.readString(tmp.resolve("summary-report.json")), containsString(in.resolve("b-events.json").toString()));
  }

  /** Files a reader would take for data: not the run's lease, manifest or staging ({@code _} or {@code .} names). */
  static long dataFiles(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).filter(p -> !dir.relativize(p).toString().matches("(^|.*/)[._].*")).count();
    }
  }

  static int cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    return BeamEtl.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  static boolean tableExists(PostgresServer pg, String table) throws Exception {
    try (var c = pg.connect();
        var st = c.createStatement();
        var rs = st.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }
}
