package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.testing.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus, run through each CSV pipeline's command line beside a good file: for every
 * kind of bad file, the exit status, the run's status, {@code read = written + filtered + rejected}
 * (or {@code aggregated} for an aggregation), and no input touched by a run that failed.
 */
class BadInputCorpusTest {
  static final int GOOD_ROWS = 300;

  @TempDir Path tmp;

  /** How a pipeline's CSV looks: its header, a valid row, a numeric column and a text column. */
  record Format(String pipeline, List<String> header, IntFunction<List<String>> row, String number, String text, boolean afterLoad) {
    List<String> rowWith(int i, String column, String value) {
      List<String> r = new ArrayList<>(row.apply(i));
      r.set(header.indexOf(column), value);
      return r;
    }

    String line(List<String> values) {
      return CSVFormat.RFC4180.format(values.toArray());
    }

    String file(List<List<String>> rows, String eol) {
      StringBuilder s = new StringBuilder(line(header)).append(eol);
      rows.forEach(r -> s.append(line(r)).append(eol));
      return s.toString();
    }

    List<List<String>> rows(int from, int n) {
      List<List<String>> rows = new ArrayList<>();
      for (int i = from; i < from + n; i++) {
        rows.add(row.apply(i));
      }
      return rows;
    }
  }

  static final Format LOANS =
      new Format("loan-filter", LoanFixtures.HEADER, i -> LoanFixtures.row("id", Integer.toString(i)), "loan_amnt", "desc", true);

  static final List<String> TAXI_HEADER =
      TaxiStaging.SCHEMA.getFieldNames().stream().collect(Collectors.toList());

  static final Format TAXI =
      new Format(
          "taxi-staging",
          TAXI_HEADER,
          i -> List.of("2", "2020-06-01 00:0" + (i % 10) + ":00", "2020-06-01 00:30:00", "N", "1", Integer.toString(1 + i % 200),
              "42", "1", "2.5", "12.5", "0.5", "0.5", "2.0", "0", "", "0.3", "15.8", "1", "1"),
          "fare_amount",
          "store_and_fwd_flag",
          true);

  static final Format SALES =
      new Format(
          "dataset-summary",
          List.of("region", "year", "product", "units", "price", "note"),
          i -> List.of(i % 2 == 0 ? "north" : "south", "2023", "apple", Integer.toString(i % 7), "1.5", "n" + i),
          "price",
          "note",
          false);

  /** One bad file: its name, its bytes, its physical records, and the exit status the run must end with. */
  record Case(String name, IntFunction<byte[]> bytes, int records, int exit) {}

  static List<Case> cases(Format f) {
    byte[] binary = new byte[8_192];
    new Random(11).nextBytes(binary);
    System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 0, binary, 0, 8);
    String good = f.line(f.row.apply(90_001));
    List<String> ragged = new ArrayList<>(f.row.apply(90_002));
    ragged.remove(ragged.size() - 1);
    List<String> extra = new ArrayList<>(f.row.apply(90_003));
    extra.add("surplus");
    return List.of(
        new Case("empty", i -> new byte[0], 0, 0),
        new Case("header-only", i -> utf8(f.line(f.header) + "\n"), 0, 0),
        new Case("ragged", i -> utf8(f.line(f.header) + "\n" + f.line(ragged) + "\n" + f.line(extra) + "\n" + good + "\n"), 3, 0),
        new Case("quoted-newlines", i -> utf8(f.file(List.of(f.rowWith(90_004, f.text, "two\nlines, \"quoted\"")), "\n")), 1, 0),
        new Case("unclosed-quote-early",
            i -> utf8(f.line(f.header) + "\n" + good.replaceFirst(",", ",\"oops ") + "\n" + f.file(f.rows(90_010, 50), "\n").substring(f.line(f.header).length() + 1)), 51, 0),
        new Case("unclosed-quote-at-eof", i -> utf8(f.file(f.rows(90_100, 20), "\n") + good.replaceFirst(",", ",\"never closed ")), 21, 0),
        new Case("bom-crlf", i -> utf8("\uFEFF" + f.file(f.rows(90_200, 20), "\r\n")), 20, 0),
        new Case("latin1", i -> f.file(List.of(f.rowWith(90_300, f.text, "caf\u00e9")), "\n").getBytes(StandardCharsets.ISO_8859_1), 1, 0),
        new Case("nul", i -> utf8(f.file(List.of(f.rowWith(90_400, f.text, "a\u0000b"), f.row.apply(90_401)), "\n")), 2, 0),
        new Case("binary", i -> binary, 0, 1),
        new Case("overflowing-numbers",
            i -> utf8(f.file(List.of(f.rowWith(90_500, f.number, "1e309"), f.rowWith(90_501, f.number, "-1e-400"), f.row.apply(90_502)), "\n")), 3, 0),
        new Case("50mb-line", i -> utf8(f.file(List.of(f.rowWith(90_600, f.text, "x".repeat(50 << 20))), "\n")), 1, 0));
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static Stream<Arguments> corpus() {
    List<Arguments> all = new ArrayList<>();
    for (Format f : List.of(LOANS, TAXI, SALES)) {
      for (Case c : cases(f)) {
        all.add(Arguments.of(f.pipeline(), c.name(), f, c));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("corpus")
  void everyRecordIsAccountedForAndAFailedRunTouchesNothing(String pipeline, String name, Format f, Case c) throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Files.writeString(in.resolve("a-good.csv"), f.file(f.rows(0, GOOD_ROWS), "\n"));
    Files.write(in.resolve("b-" + c.name() + ".csv"), c.bytes().apply(0));
    Path report = tmp.resolve("report.json");

    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int exit = BeamEtl.execute(args(f, in, report).toArray(String[]::new), quiet(), new java.io.PrintStream(errors, true, StandardCharsets.UTF_8));
    assertThat("a report is written: " + errors.toString(StandardCharsets.UTF_8), Files.exists(report), is(true));

    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertThat(json.toString(), exit, is(c.exit()));
    assertThat(json.get("status").asText(), is(c.exit() == 0 ? "SUCCEEDED" : "FAILED"));
    if (json.get("countsKnown").asBoolean()) {
      assertThat("read = written + filtered + rejected: " + json.get("counts"), json.get("balanced").asBoolean(), is(true));
      assertThat("every physical record is read, none lost", json.get("counts").get("read").asLong(), is((long) GOOD_ROWS + c.records()));
    }
    if (f.afterLoad()) {
      try (Stream<Path> files = Files.list(in)) {
        assertThat("inputs are deleted only after a run that succeeded", files.count(), is(c.exit() == 0 ? 0L : 2L));
      }
    }
  }

  List<String> args(Format f, Path in, Path report) {
    List<String> args = new ArrayList<>(List.of(f.pipeline(), "--input=" + in + "/*.csv", "--rejects=" + tmp.resolve("rejects.jsonl"), "--runReport=" + report));
    switch (f.pipeline()) {
      case "loan-filter" -> {
        PostgresServer pg = PostgresServer.shared();
        args.addAll(List.of("--jdbcUrl=" + pg.jdbcUrl(), "--jdbcUser=" + PostgresServer.USER, "--table=corpus_loans", "--afterLoad=delete"));
      }
      case "taxi-staging" -> args.addAll(List.of("--output=" + tmp.resolve("staging"), "--afterLoad=delete"));
      default -> args.addAll(
          List.of("--output=" + tmp.resolve("summary"), "--outputFormat=csv", "--groupBy=region", "--measures=units:sum,price:avg",
              "--columnTypes=units:long,price:double"));
    }
    return Collections.unmodifiableList(args);
  }

  static java.io.PrintStream quiet() {
    return new java.io.PrintStream(new ByteArrayOutputStream());
  }
}
