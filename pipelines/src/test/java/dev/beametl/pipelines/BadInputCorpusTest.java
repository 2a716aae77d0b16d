package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.options.ListingPostprocessOptions.Kind;
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
import org.checkerframework.checker.nullness.qual.Nullable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus, run through each pipeline's command line beside a good file: for every
 * kind of bad file, the exit status, the run's status, {@code read = written + filtered + rejected}
 * (or {@code aggregated} for an aggregation), and no input touched by a run that failed. The CSV
 * pipelines get every case; ride-weather (JSON) and listing-postprocess (Parquet) the cases of
 * their format, each record rejected with its original text.
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

  // ride-weather (JSON) and listing-postprocess (Parquet): the cases that apply to their format.

  static final String RIDE = "{\"Latitude\": 40.7%d, \"Longitude\": -73.9, \"Distance\": 1.5, \"MagicPoints\": 80, \"Name\": \"r%d\"}";

  static String ride(int i) {
    return String.format(RIDE, i % 10, i);
  }

  static String rideLines(int from, int n, String eol) {
    StringBuilder s = new StringBuilder();
    for (int i = from; i < from + n; i++) {
      s.append(ride(i)).append(eol);
    }
    return s.toString();
  }

  /**
   * One bad ride file: its name, bytes, physical records, exit status, and the original text of
   * each record rejected (null: not checked record by record, e.g. random bytes).
   */
  record RideCase(String name, byte[] bytes, int records, int exit, @Nullable List<String> rejected) {}

  static List<RideCase> rideCases() {
    byte[] binary = new byte[8_192];
    new Random(11).nextBytes(binary);
    System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 0, binary, 0, 8);
    String cut = "{\"Latitude\": 40.7, \"Longi";
    String broken = "{\"Latitude\": 40.7 \"Name\": \"missing comma\"}";
    String nul = "{\"Latitude\": 40.7, \"Longitude\": -73.9, \"Name\": \"a\u0000b\"}";
    String overflow = "{\"Latitude\": 1e309, \"Longitude\": -73.9}";
    String underflow = "{\"Latitude\": 40.7, \"Longitude\": -73.9, \"Distance\": -1e-400}";
    String huge = "{\"Latitude\": 40.7, \"Longitude\": -73.9, \"Name\": \"" + "x".repeat(50 << 20) + "\"}";
    String csv = "id,latitude,longitude\nA,40.7,-73.9\n";
    return List.of(
        new RideCase("empty", new byte[0], 1, 0, List.of("")),
        new RideCase("whitespace-only", utf8(" \n\r\n\t\n"), 1, 0, List.of("")),
        new RideCase("truncated-array", utf8("[" + ride(90_001) + ",\n" + ride(90_002) + ",\n" + cut), 3, 0, List.of(cut)),
        new RideCase("array-never-closed", utf8("[" + ride(90_003) + ",\n" + ride(90_004)), 3, 0, List.of("")),
        new RideCase("truncated-lines", utf8(rideLines(90_010, 20, "\n") + cut), 21, 0, List.of(cut)),
        new RideCase("binary", binary, nonBlankLines(binary), 0, null),
        new RideCase("wrong-format-csv", utf8(csv), 2, 0, List.of("id,latitude,longitude", "A,40.7,-73.9")),
        new RideCase("bom-crlf", utf8("\uFEFF" + rideLines(90_100, 20, "\r\n")), 20, 0, List.of()),
        new RideCase("latin1", ride(90_200).replace("r90200", "caf\u00e9").getBytes(StandardCharsets.ISO_8859_1), 1, 0, null),
        new RideCase("nul", utf8(nul + "\n" + ride(90_300) + "\n"), 2, 0, List.of(nul)),
        new RideCase("overflowing-numbers", utf8(overflow + "\n" + underflow + "\n" + ride(90_400) + "\n"), 3, 0, List.of(overflow, underflow)),
        new RideCase("broken-line-in-the-middle", utf8(ride(90_500) + "\n" + broken + "\n" + rideLines(90_501, 50, "\n")), 52, 0, List.of(broken)),
        new RideCase("broken-element-in-the-middle",
            utf8("[" + ride(90_600) + ",\n" + broken + ",\n" + rideLines(90_601, 50, "\n").strip().replace("\n", ",\n") + "]"), 52, 0, List.of(broken)),
        new RideCase("trailing-content", utf8("[" + ride(90_700) + "]\n" + ride(90_701) + "\n"), 2, 0, List.of(ride(90_701))),
        new RideCase("50mb-line", utf8(huge + "\n" + ride(90_800) + "\n"), 2, 0, List.of(huge.substring(0, 4096))));
  }

  /** JSON lines' records: lines holding anything but JSON whitespace. */
  static int nonBlankLines(byte[] bytes) {
    int lines = 0;
    boolean blank = true;
    for (int i = 0; i <= bytes.length; i++) {
      byte b = i < bytes.length ? bytes[i] : (byte) '\n';
      if (b == '\n') {
        lines += blank ? 0 : 1;
        blank = true;
      } else if (b != ' ' && b != '\t' && b != '\r') {
        blank = false;
      }
    }
    return lines;
  }

  static Stream<Arguments> rideCorpus() {
    return rideCases().stream().map(c -> Arguments.of(c.name(), c));
  }

  @ParameterizedTest(name = "ride-weather: {0}")
  @MethodSource("rideCorpus")
  void everyRideRecordIsWrittenOrRejectedWithItsText(String name, RideCase c) throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Files.writeString(in.resolve("a-good.jsonl"), rideLines(0, GOOD_ROWS, "\n"));
    Files.write(in.resolve("b-" + c.name() + ".json"), c.bytes());
    Path stations = tmp.resolve("stations.csv");
    Files.writeString(stations, "id,latitude,longitude\nNORTH,41,-74\nSOUTH,40,-74\n");
    Path report = tmp.resolve("report.json");
    List<String> args = List.of("ride-weather", "--input=" + in + "/*", "--stations=" + stations, "--output=" + tmp.resolve("out"),
        "--outputFormat=jsonl", "--rejects=" + tmp.resolve("rejects.jsonl"), "--runReport=" + report);

    JsonNode json = runCli(args, report);
    assertThat(json.get("status").asText(), is(c.exit() == 0 ? "SUCCEEDED" : "FAILED"));
    assertBalanced(json, GOOD_ROWS + c.records());
    List<JsonNode> rejects = rejects(tmp.resolve("rejects.jsonl"));
    assertThat("only the bad file has rejects", rejects.stream().filter(r -> !r.get("source").asText().endsWith("b-" + c.name() + ".json")).count(), is(0L));
    assertThat("every written ride is in the output", json.get("counts").get("written").asLong(),
        is((long) RideOutputs.read(tmp.resolve("out"), dev.beametl.transforms.files.OutputFormat.JSONL).size()));
    if (c.rejected() != null) {
      assertThat(rejects.stream().map(r -> r.get("original").asText()).toList(), containsInAnyOrder(c.rejected().toArray()));
    }
  }

  /** One bad raw Parquet batch file for listing-postprocess: its name, how it is made, its records, and the exit status. */
  record ParquetCase(String name, ParquetFile file, int records, int rejected, int exit) {}

  interface ParquetFile {
    void write(Path file) throws Exception;
  }

  static final String BATCH = "array_0/20220501000000";
  static final String BAD_BATCH = "array_1/20220502000000";

  static Object[] price(long index, Object cleaning, String checkIn, long id, String pulled) {
    return new Object[] {index, cleaning, 40.0, 183.0, checkIn, "2022-05-09", "$183 x 1 night", "$", id, "20220501T000000", pulled};
  }

  static List<Object[]> prices(int from, int n) {
    List<Object[]> rows = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      rows.add(price(i, 100.0, "2022-05-08", 1_000_000L + i, "20220501T001502"));
    }
    return rows;
  }

  static List<ParquetCase> parquetCases() {
    byte[] binary = new byte[8_192];
    new Random(11).nextBytes(binary);
    return List.of(
        new ParquetCase("empty", f -> Files.write(f, new byte[0]), 1, 1, 0),
        new ParquetCase("binary", f -> Files.write(f, binary), 1, 1, 0),
        new ParquetCase("wrong-format-json", f -> Files.writeString(f, "{\"id\": 1, \"pulled\": \"20220501T001502\"}\n"), 1, 1, 0),
        new ParquetCase("truncated", f -> {
          Path whole = f.resolveSibling("whole.tmp");
          RawListings.write(whole, Kind.PRICE, prices(5_000, 200));
          byte[] bytes = Files.readAllBytes(whole);
          Files.delete(whole);
          Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        }, 1, 1, 0),
        new ParquetCase("nul", f -> {
          List<Object[]> rows = new ArrayList<>(prices(6_000, 2));
          rows.get(0)[6] = "a\u0000b";
          RawListings.write(f, Kind.PRICE, rows);
        }, 2, 0, 0),
        new ParquetCase("overflowing-numbers", f -> {
          List<Object[]> rows = new ArrayList<>(prices(7_000, 3));
          rows.get(0)[1] = "1e309";
          rows.get(1)[1] = "-1e-400";
          rows.get(2)[1] = "12.5";
          RawListings.write(f, Kind.PRICE, rows);
        }, 3, 2, 0),
        new ParquetCase("bad-record-in-the-middle", f -> {
          List<Object[]> rows = new ArrayList<>(prices(8_000, 51));
          rows.set(1, price(8_001, 100.0, "2022-02-30", 1_008_001L, "20220501T001502"));
          RawListings.write(f, Kind.PRICE, rows);
        }, 51, 1, 0));
  }

  static Stream<Arguments> parquetCorpus() {
    return parquetCases().stream().map(c -> Arguments.of(c.name(), c));
  }

  @ParameterizedTest(name = "listing-postprocess: {0}")
  @MethodSource("parquetCorpus")
  void everyListingRecordIsWrittenFilteredOrRejected(String name, ParquetCase c) throws Exception {
    Path raw = tmp.resolve("raw");
    RawListings.write(raw.resolve(BATCH + "/part-0.parquet"), Kind.PRICE, prices(0, GOOD_ROWS));
    Path bad = Files.createDirectories(raw.resolve(BAD_BATCH)).resolve("part-" + c.name() + ".parquet");
    c.file().write(bad);
    Path report = tmp.resolve("report.json");
    List<String> args = List.of("listing-postprocess", "--kind=price", "--input=" + raw, "--output=" + tmp.resolve("table"),
        "--rejects=" + tmp.resolve("rejects.jsonl"), "--runReport=" + report);

    JsonNode json = runCli(args, report);
    assertThat(json.get("status").asText(), is(c.exit() == 0 ? "SUCCEEDED" : "FAILED"));
    assertBalanced(json, GOOD_ROWS + c.records());
    assertThat(json.toString(), json.get("counts").get("rejected").asLong(), is((long) c.rejected()));
    List<JsonNode> rejects = rejects(tmp.resolve("rejects.jsonl"));
    for (JsonNode r : rejects) {
      assertThat(r.toString(), r.get("source").asText(), endsWith(bad.getFileName().toString()));
      if (r.get("record").asLong() == 0) {
        // The whole file: it has no record text to give, so the detail names what is wrong with it.
        assertThat(r.toString(), r.get("reason").asText(), is("unreadable_file"));
        assertThat(r.toString(), r.get("detail").asText(), containsString("is not a Parquet file"));
      } else {
        assertThat("a rejected record carries its values: " + r, r.get("original").asText(), containsString("\"id\""));
      }
    }
  }

  private JsonNode runCli(List<String> args, Path report) throws Exception {
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int exit = BeamEtl.execute(args.toArray(String[]::new), quiet(), new java.io.PrintStream(errors, true, StandardCharsets.UTF_8));
    assertThat("a report is written: " + errors.toString(StandardCharsets.UTF_8), Files.exists(report), is(true));
    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertThat(json.toString() + errors.toString(StandardCharsets.UTF_8), exit, is(json.get("status").asText().equals("SUCCEEDED") ? 0 : 1));
    return json;
  }

  private static void assertBalanced(JsonNode json, long records) {
    assertThat("counts are known: " + json, json.get("countsKnown").asBoolean(), is(true));
    assertThat("read = written + filtered + rejected: " + json.get("counts"), json.get("balanced").asBoolean(), is(true));
    assertThat("every physical record is read, none lost: " + json.get("counts"), json.get("counts").get("read").asLong(), is(records));
  }

  private static List<JsonNode> rejects(Path file) throws java.io.IOException {
    List<JsonNode> rejects = new ArrayList<>();
    if (Files.exists(file)) {
      ObjectMapper mapper = new ObjectMapper();
      for (String line : Files.readAllLines(file)) {
        rejects.add(mapper.readTree(line));
      }
    }
    return rejects;
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
