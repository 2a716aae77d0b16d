package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.options.PipelineCatalog;
import dev.beametl.options.TaxiGoldOptions;
import dev.beametl.options.TaxiStagingOptions;
import dev.beametl.testing.Processes;
import dev.beametl.transforms.report.RunReport;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC section 2 on a hand-made fixture: 12 records, of which 8 good (3 with empty keys, one with
 * an empty pickup location, one with empty amounts) and 4 bad (a bad number, an impossible date, a
 * word for a long, a missing field). The expected gold was computed by hand.
 */
class TaxiGoldenTest {
  /** pulocationid, trip_type, payment_type, total_fare_amount, trip_count, total_trip_distance, total_tip_amount, total_amount. */
  static final List<List<Object>> EXPECTED_GOLD =
      List.of(
          Arrays.asList(166L, 1L, 1L, 20.5, 2L, 4.53, 5.41, 31.26),
          Arrays.asList(166L, 1L, 2L, 10.0, 1L, 2.0, 0.0, 10.8),
          Arrays.asList(166L, null, null, 40.5, 2L, 10.0, 0.0, 42.1),
          Arrays.asList(74L, null, null, null, 1L, 1.0, null, null),
          Arrays.asList(null, 2L, 2L, 4.0, 1L, 0.5, 0.0, 5.3),
          Arrays.asList(74L, 2L, 1L, 52.0, 1L, 0.0, 10.56, 69.48));

  static final List<String> GOLD_COLUMNS =
      List.of("pulocationid", "trip_type", "payment_type", "total_fare_amount", "trip_count", "total_trip_distance", "total_tip_amount", "total_amount");

  @TempDir Path tmp;

  @Test
  void stagingTypesTheTripsAndRejectsBadValuesNamingTheColumn() throws Exception {
    RunReport report = staging(TaxiTestFiles.fixture("green_small.csv"), tmp.resolve("staging"), "parquet");

    assertThat(report.status(), is(RunReport.SUCCEEDED));
    assertThat(report.count("read"), is(12L));
    assertThat(report.count("written"), is(8L));
    assertThat(report.count("rejected"), is(4L));
    assertThat(report.rejectReasons(), equalTo(Map.of("unparsable_value", 3L, "missing_field", 1L)));

    List<String> rejected = new ArrayList<>();
    for (String line : Files.readAllLines(tmp.resolve("rejects.jsonl"))) {
      JsonNode r = new ObjectMapper().readTree(line);
      rejected.add(r.get("record").asLong() + ":" + r.get("reason").asText() + ":" + r.get("column").asText(""));
    }
    assertThat(
        rejected,
        containsInAnyOrder(
            "8:unparsable_value:fare_amount", "9:unparsable_value:lpep_pickup_datetime", "10:unparsable_value:payment_type", "11:missing_field:"));

    assertThat(TaxiTestFiles.files(tmp.resolve("staging"), "parquet"), hasSize(1));
    List<Map<String, Object>> rows = TaxiTestFiles.readParquet(tmp.resolve("staging"));
    assertThat(rows, hasSize(8));
    Map<String, Object> first = rows.stream().filter(r -> Long.valueOf(141).equals(r.get("dolocationid"))).findFirst().orElseThrow();
    assertThat(first.keySet(), equalTo(new java.util.HashSet<>(TaxiStaging.SCHEMA.getFieldNames())));
    assertThat(first, not(hasKey("congestion_surcharge")));
    assertThat(first.get("vendorid"), is(2L));
    // 2020-06-01 00:09:05 UTC as Parquet timestamp-millis.
    assertThat(first.get("lpep_pickup_datetime"), is(1590970145000L));
    assertThat(first.get("store_and_fwd_flag"), is("N"));
    assertThat(first.get("trip_distance"), is(3.43));
    assertThat(first.get("ehail_fee"), is((Object) null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "SparkRunner", "ForkCheckingRunner"})
  void goldTotalsPerPickupTripAndPaymentType(String runner) throws Exception {
    staging(TaxiTestFiles.fixture("green_small.csv"), tmp.resolve("staging"), "parquet");

    RunReport report =
        TaxiGold.run(
            gold(
                "--runner=" + runner,
                "--sparkMaster=local[2]",
                "--input=" + tmp.resolve("staging"),
                "--output=" + tmp.resolve("gold"),
                "--rejects=" + tmp.resolve("gold-rejects.jsonl"),
                "--runReport=" + tmp.resolve("gold-report.json")));

    assertThat(report.status(), is(RunReport.SUCCEEDED));
    assertThat(report.count("read"), is(8L));
    assertThat(report.count("aggregated"), is(8L));
    assertThat(report.count("written"), is(6L));
    assertThat(report.count("groups"), is(6L));
    assertThat(report.balanced(), is(true));
    assertThat(TaxiTestFiles.files(tmp.resolve("gold"), "parquet"), hasSize(1));
    assertThat(goldRows(TaxiTestFiles.readParquet(tmp.resolve("gold"))), containsInAnyOrder(EXPECTED_GOLD.toArray()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner:parquet", "SparkRunner:parquet", "ForkCheckingRunner:parquet", "DirectRunner:csv"})
  void rowRulesRejectStagingRowsBeforeTheyAreTotalled(String runnerAndFormat) throws Exception {
    String[] parts = runnerAndFormat.split(":");
    staging(TaxiTestFiles.fixture("green_small.csv"), tmp.resolve("staging"), parts[1]);

    // vendorid is not a gold column: the rule makes the gold read it too.
    RunReport report =
        TaxiGold.run(
            gold(
                "--runner=" + parts[0],
                "--sparkMaster=local[2]",
                "--input=" + tmp.resolve("staging"),
                "--output=" + tmp.resolve("gold"),
                "--notNull=vendorid",
                "--range=fare_amount:0..50",
                "--rejects=" + tmp.resolve("gold-rejects.jsonl"),
                "--runReport=" + tmp.resolve("gold-report.json")));

    assertThat(report.status(), is(RunReport.SUCCEEDED));
    assertThat(report.count("read"), is(8L));
    assertThat(report.count("aggregated"), is(4L));
    assertThat(report.count("rejected"), is(4L));
    assertThat(report.rejectReasons(), equalTo(Map.of("rule_not_null", 3L, "rule_range", 1L)));
    assertThat(report.balanced(), is(true));
    assertThat(
        goldRows(TaxiTestFiles.readParquet(tmp.resolve("gold"))),
        containsInAnyOrder(
            Arrays.asList(166L, 1L, 1L, 20.5, 2L, 4.53, 5.41, 31.26),
            Arrays.asList(166L, 1L, 2L, 10.0, 1L, 2.0, 0.0, 10.8),
            Arrays.asList(null, 2L, 2L, 4.0, 1L, 0.5, 0.0, 5.3)));
  }

  @Test
  void aRuleOnAColumnStagingDoesNotHaveIsABadArgument() throws Exception {
    staging(TaxiTestFiles.fixture("green_small.csv"), tmp.resolve("staging"), "parquet");
    IllegalArgumentException bad =
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> TaxiGold.run(
            gold("--input=" + tmp.resolve("staging"), "--output=" + tmp.resolve("gold"), "--notNull=no_such_column",
                "--rejects=" + tmp.resolve("gold-rejects.jsonl"), "--runReport=" + tmp.resolve("gold-report.json"))));
    assertThat(bad.getMessage(), containsString("'no_such_column', which staging files do not have"));
  }

  @Test
  void csvStagingAndCsvGoldGiveTheSameTotals() throws Exception {
    RunReport staging = staging(TaxiTestFiles.fixture("green_small.csv"), tmp.resolve("staging"), "csv");
    assertThat(staging.count("written"), is(8L));
    List<Path> stagingFiles = TaxiTestFiles.files(tmp.resolve("staging"), "csv");
    assertThat(stagingFiles, hasSize(1));
    List<String> stagingLines = Files.readAllLines(stagingFiles.get(0));
    assertThat(stagingLines.get(0), is(String.join(",", TaxiStaging.SCHEMA.getFieldNames())));
    assertThat(stagingLines, org.hamcrest.Matchers.hasItem("2,2020-06-01 00:09:05,2020-06-01 00:22:46,N,1,166,141,1,3.43,13.0,0.5,0.5,3.41,0.0,,0.3,20.46,1,1"));

    RunReport gold =
        TaxiGold.run(
            gold(
                "--input=" + tmp.resolve("staging"),
                "--output=" + tmp.resolve("gold"),
                "--outputFormat=csv",
                "--rejects=" + tmp.resolve("gold-rejects.jsonl"),
                "--runReport=" + tmp.resolve("gold-report.json")));

    assertThat(gold.count("read"), is(8L));
    assertThat(gold.count("rejected"), is(0L));
    List<String> lines = Files.readAllLines(TaxiTestFiles.files(tmp.resolve("gold"), "csv").get(0), StandardCharsets.UTF_8);
    assertThat(lines.get(0), is(String.join(",", GOLD_COLUMNS)));
    assertThat(
        lines.subList(1, lines.size()),
        containsInAnyOrder(
            "166,1,1,20.5,2,4.53,5.41,31.26",
            "166,1,2,10.0,1,2.0,0.0,10.8",
            "166,,,40.5,2,10.0,0.0,42.1",
            "74,,,,1,1.0,,",
            ",2,2,4.0,1,0.5,0.0,5.3",
            "74,2,1,52.0,1,0.0,10.56,69.48"));
  }

  @Test
  void oneStagingFilePerInputAndARerunReplacesTheDirectory() throws Exception {
    Path raw = Files.createDirectories(tmp.resolve("raw"));
    for (String month : List.of("2020-05", "2020-06", "2020-07")) {
      Files.copy(TaxiTestFiles.fixture("green_small.csv"), raw.resolve("green_tripdata_" + month + ".csv"));
    }
    RunReport three = staging(raw.resolve("*.csv"), tmp.resolve("staging"), "parquet");
    assertThat(three.count("written"), is(24L));
    assertThat(TaxiTestFiles.files(tmp.resolve("staging"), "parquet"), hasSize(3));

    RunReport one = staging(raw.resolve("green_tripdata_2020-06.csv"), tmp.resolve("staging"), "parquet");
    assertThat(one.count("written"), is(8L));
    // The two part files of the first run that this one did not overwrite are gone: the gold reads one run.
    assertThat(TaxiTestFiles.files(tmp.resolve("staging"), "parquet"), hasSize(1));
    assertThat(TaxiTestFiles.readParquet(tmp.resolve("staging")), hasSize(8));
  }

  @Test
  void readRangeBytesReadsTheFileInRangesAStagingFileEach() throws Exception {
    RunReport report = staging(TaxiTestFiles.fixture("green_small.csv"), tmp.resolve("staging"), "parquet", "--readRangeBytes=300");
    assertThat(report.count("written"), is(8L));
    assertThat(report.count("rejected"), is(4L));
    assertThat(TaxiTestFiles.files(tmp.resolve("staging"), "parquet").size(), greaterThan(1));
    assertThat(TaxiTestFiles.readParquet(tmp.resolve("staging")), hasSize(8));
  }

  @Test
  void theJune2020HeadParsesWithoutRejects() throws Exception {
    // The shared sample is the first 1024 bytes of the real file: 8 complete rows, then a cut one.
    String text = Files.readString(Processes.sharedData().resolve(TaxiTestFiles.JUNE_HEAD));
    Path head = tmp.resolve("green_tripdata_2020-06.csv");
    Files.writeString(head, text.substring(0, text.lastIndexOf('\n') + 1));

    RunReport report = staging(head, tmp.resolve("staging"), "parquet");

    assertThat(report.status(), is(RunReport.SUCCEEDED));
    assertThat(report.count("read"), is(8L));
    assertThat(report.count("written"), is(8L));
    assertThat(report.count("rejected"), is(0L));
    List<Map<String, Object>> rows = TaxiTestFiles.readParquet(tmp.resolve("staging"));
    assertThat(rows.stream().mapToDouble(r -> (Double) r.get("fare_amount")).sum(), is(98.2));
  }

  /**
   * The June 2020 head's trips spread over four files with random amounts in cents (20,000 trips,
   * 48 groups): summed as doubles they read like 94.50999999999999. The gold holds each group's
   * exact decimal sum rounded to the inputs' 2 decimals, in one CSV file sorted by its keys.
   */
  @Test
  void goldSumsReadAsDecimalsInOneFileSortedByKeys() throws Exception {
    String head = Files.readString(Processes.sharedData().resolve(TaxiTestFiles.JUNE_HEAD));
    List<String> lines = List.of(head.substring(0, head.lastIndexOf('\n')).split("\n"));
    String header = lines.get(0);
    List<String[]> trips = lines.subList(1, lines.size()).stream().map(l -> l.split(",", -1)).toList();
    Random random = new Random(17);
    // key (pulocationid, trip_type, payment_type) -> exact sums of fare, distance, tip, total; then the count
    Map<List<Long>, BigDecimal[]> expected = new TreeMap<>(Comparator.comparing((List<Long> k) -> k.get(0)).thenComparing(k -> k.get(1)).thenComparing(k -> k.get(2)));
    Map<List<Long>, Long> counts = new HashMap<>();
    Path raw = Files.createDirectories(tmp.resolve("raw"));
    for (int file = 0; file < 4; file++) {
      StringBuilder csv = new StringBuilder(header).append('\n');
      for (int i = 0; i < 5_000; i++) {
        String[] trip = trips.get(random.nextInt(trips.size())).clone();
        List<Long> key = List.of(Long.parseLong(trip[5]), 1L + random.nextInt(2), 1L + random.nextInt(3));
        trip[18] = key.get(1).toString();
        trip[17] = key.get(2).toString();
        BigDecimal[] amounts = new BigDecimal[4];
        int[] columns = {9, 8, 12, 16}; // fare_amount, trip_distance, tip_amount, total_amount
        for (int a = 0; a < 4; a++) {
          amounts[a] = BigDecimal.valueOf(random.nextInt(10_000), 2);
          trip[columns[a]] = amounts[a].toPlainString();
        }
        BigDecimal[] sums = expected.computeIfAbsent(key, k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO});
        for (int a = 0; a < 4; a++) {
          sums[a] = sums[a].add(amounts[a]);
        }
        counts.merge(key, 1L, Long::sum);
        csv.append(String.join(",", trip)).append('\n');
      }
      Files.writeString(raw.resolve("green_tripdata_2020-0" + (file + 1) + ".csv"), csv);
    }
    staging(raw.resolve("*.csv"), tmp.resolve("staging"), "parquet");

    RunReport report =
        TaxiGold.run(
            gold(
                "--input=" + tmp.resolve("staging"),
                "--output=" + tmp.resolve("gold"),
                "--outputFormat=csv",
                "--rejects=" + tmp.resolve("gold-rejects.jsonl"),
                "--runReport=" + tmp.resolve("gold-report.json")));

    assertThat(report.count("read"), is(20_000L));
    assertThat(report.count("aggregated"), is(20_000L));
    assertThat(report.count("written"), is((long) expected.size()));
    assertThat(report.balanced(), is(true));
    assertThat(report.summary(), containsString("read 20000, aggregated 20000, written " + expected.size() + ","));
    List<String> goldLines = new ArrayList<>();
    expected.forEach(
        (key, sums) ->
            goldLines.add(
                String.format(
                    "%d,%d,%d,%s,%d,%s,%s,%s",
                    key.get(0), key.get(1), key.get(2), sums[0].doubleValue(), counts.get(key), sums[1].doubleValue(), sums[2].doubleValue(), sums[3].doubleValue())));
    List<Path> files = TaxiTestFiles.files(tmp.resolve("gold"), "csv");
    assertThat(files, hasSize(1));
    List<String> written = Files.readAllLines(files.get(0), StandardCharsets.UTF_8);
    assertThat(written.get(0), is(String.join(",", GOLD_COLUMNS)));
    assertThat(written.subList(1, written.size()), contains(goldLines.toArray()));
  }

  RunReport staging(Path input, Path output, String format, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                // The DirectRunner, after checking the graph's counted steps (see ForkCheckingRunner).
                "--runner=ForkCheckingRunner",
                "--input=" + input,
                "--output=" + output,
                "--outputFormat=" + format,
                "--rejects=" + tmp.resolve("rejects.jsonl"),
                "--runReport=" + tmp.resolve("report.json")));
    args.addAll(List.of(more));
    return TaxiStaging.run(options(TaxiStaging.NAME, TaxiStagingOptions.class, args.toArray(String[]::new)));
  }

  static List<List<Object>> goldRows(List<Map<String, Object>> records) {
    return records.stream().map(r -> GOLD_COLUMNS.stream().map(r::get).toList()).toList();
  }

  static TaxiGoldOptions gold(String... args) {
    return options(TaxiGold.NAME, TaxiGoldOptions.class, args);
  }

  static <T extends org.apache.beam.sdk.options.PipelineOptions> T options(String pipeline, Class<T> type, String... args) {
    return BeamEtl.parse(PipelineCatalog.find(pipeline).orElseThrow(), args).as(type);
  }
}
