package dev.beametl.pipelines;

import static dev.beametl.pipelines.LoanFixtures.HEADER;
import static dev.beametl.pipelines.LoanFixtures.row;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.testing.PostgresServer;
import dev.beametl.transforms.report.RunReport;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input in one run: no crash, and every record accounted for. */
class LoanFilterBadInputTest {
  @TempDir Path tmp;

  @Test
  void everyRecordIsWrittenFilteredOrRejectedWithItsReason() throws Exception {
    Path in = tmp.resolve("in");
    LoanFixtures.write(in.resolve("good.csv"), HEADER, List.of(row("id", "1"), row("id", "2"), row("id", "8", "loan_status", "Charged Off")));
    Files.writeString(
        in.resolve("bom_crlf.csv"),
        "\uFEFF" + LoanFixtures.csvLine(HEADER) + "\r\n" + LoanFixtures.csvLine(row("id", "3")) + "\r\n" + LoanFixtures.csvLine(row("id", "4")));
    LoanFixtures.write(in.resolve("quoted_newline.csv"), HEADER, List.of(row("id", "5", "desc", "line one, \"quoted\"\nline two")));
    LoanFixtures.write(in.resolve("bad_values.csv"), HEADER, List.of(row("id", "abc"), row("id", "9", "loan_amnt", "1,000")));
    List<String> shortRow = row("id", "10");
    shortRow.remove(shortRow.size() - 1);
    List<String> longRow = row("id", "11");
    longRow.add("surplus");
    LoanFixtures.write(in.resolve("ragged.csv"), HEADER, List.of(shortRow, longRow));
    List<String> unknownHeader = new ArrayList<>(HEADER);
    unknownHeader.add("foo");
    List<String> r12 = row("id", "12");
    r12.add("x");
    List<String> r13 = row("id", "13");
    r13.add("y");
    LoanFixtures.write(in.resolve("unknown_column.csv"), unknownHeader, List.of(r12, r13));
    List<String> missingHeader = new ArrayList<>(HEADER);
    missingHeader.remove("policy_code");
    List<String> r14 = row("id", "14");
    r14.remove(HEADER.indexOf("policy_code"));
    LoanFixtures.write(in.resolve("missing_column.csv"), missingHeader, List.of(r14));
    Files.writeString(in.resolve("empty.csv"), "");
    Files.writeString(in.resolve("header_only.csv"), LoanFixtures.csvLine(HEADER) + "\n");
    ByteArrayOutputStream latin1 = new ByteArrayOutputStream();
    latin1.write((LoanFixtures.csvLine(HEADER) + "\n" + LoanFixtures.csvLine(row("id", "6")) + "\n").getBytes(StandardCharsets.UTF_8));
    latin1.write((LoanFixtures.csvLine(row("id", "15", "title", "Caf\u00e9 loan")) + "\n").getBytes(StandardCharsets.ISO_8859_1));
    Files.write(in.resolve("latin1.csv"), latin1.toByteArray());
    Files.writeString(
        in.resolve("unclosed_quote.csv"),
        LoanFixtures.csvLine(HEADER) + "\n" + LoanFixtures.csvLine(row("id", "7")) + "\n16,\"never closed\n");

    PostgresServer pg = PostgresServer.shared();
    pg.execute("DROP TABLE IF EXISTS bad_input");
    Path rejects = tmp.resolve("rejects.jsonl");
    RunReport report =
        LoanFilter.run(
            LoanFilterGoldenTest.options(
                "--input=" + in + "/*.csv",
                "--jdbcUrl=" + pg.jdbcUrl(),
                "--jdbcUser=" + PostgresServer.USER,
                "--table=bad_input",
                "--onBadHeader=reject",
                "--rejects=" + rejects,
                "--runReport=" + tmp.resolve("report.json")));

    assertThat(report.status(), is(RunReport.SUCCEEDED));
    // 17 records, and the headers of the two files whose header does not fit.
    assertThat(report.count("read"), is(19L));
    assertThat(report.count("written"), is(7L));
    assertThat(report.count("filtered"), is(1L));
    assertThat(report.count("rejected"), is(11L));
    assertThat(report.count("rejectedFiles"), is(2L));
    assertThat(report.balanced(), is(true));
    assertThat(
        report.rejectReasons(),
        is(Map.of("unparsable_value", 2L, "missing_field", 1L, "extra_field", 1L, "bad_header", 5L, "invalid_encoding", 1L, "malformed_csv", 1L)));

    List<String> loaded = new ArrayList<>();
    try (Connection c = pg.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, description FROM bad_input")) {
      while (rs.next()) {
        loaded.add(rs.getInt(1) + (rs.getString(2) == null ? "" : ":" + rs.getString(2)));
      }
    }
    assertThat(loaded, containsInAnyOrder("1", "2", "3", "4", "5:line one, \"quoted\"\nline two", "6", "7"));

    ObjectMapper json = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(rejects)) {
      lines.add(json.readTree(line));
    }
    assertThat(lines.size(), is(11));
    JsonNode badId = lines.stream().filter(l -> "id".equals(l.get("column").asText())).findFirst().orElseThrow();
    assertThat(badId.get("reason").asText(), is("unparsable_value"));
    assertThat(badId.get("source").asText(), is(in.resolve("bad_values.csv").toString()));
    assertThat(badId.get("record").asLong(), is(1L));
    assertThat(badId.get("original").asText().startsWith("abc,"), is(true));
    JsonNode header = lines.stream().filter(l -> l.get("reason").asText().equals("bad_header")).findFirst().orElseThrow();
    assertThat(header.get("detail").asText().matches(".*(unknown columns \\[foo\\]|missing columns \\[policy_code\\]).*"), is(true));
  }
}
