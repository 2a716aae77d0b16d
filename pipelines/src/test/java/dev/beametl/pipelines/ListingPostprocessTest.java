package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.options.ListingPostprocessOptions;
import dev.beametl.options.ListingPostprocessOptions.Kind;
import dev.beametl.options.PipelineCatalog;
import dev.beametl.testing.S3Server;
import dev.beametl.transforms.report.RunReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC section 5: each kind's table after one run, a re-run of the same input, a crash between
 * the table write and the clean-up, and a later batch; on DirectRunner, Spark local and S3.
 */
class ListingPostprocessTest {
  // Real listing ids from id_config.json, and the partition (id % 20) each lands in.
  static final long A = 6774081L; // partition 1
  static final long B = 19967872L; // partition 12
  static final long C = 45324938L; // partition 18
  static final long D = 41608324L; // partition 4
  static final long E = 47112870L; // partition 10
  static final long F = 9885947L; // partition 7
  static final long G = 40694741L; // partition 1
  static final long H = 21812372L; // partition 12

  static final String BATCH_1 = "array_0/20220501000000";

  /** After the first price batch: one row per key, the earliest file's row winning. */
  static final List<String> PRICE_TABLE_1 =
      List.of(
          "partition_col=1 index=0 cleaning_fee=100.0 service_fee=40.0 total_price=183.0 check_in=2022-05-08 check_out=2022-05-09 total_price_description=$183 x 1 night currency=$ id=6774081 trigger_time=2022-05-01T00:00:00.000Z pulled=2022-05-01T00:15:02.000Z",
          "partition_col=12 index=1 cleaning_fee=25.0 service_fee=25.0 total_price=80.0 check_in=2022-05-08 check_out=2022-05-09 total_price_description=$80 x 1 night currency=$ id=19967872 trigger_time=2022-05-01T00:00:00.000Z pulled=2022-05-01T00:20:01.000Z",
          "partition_col=18 index=0 cleaning_fee=150.0 service_fee=49.0 total_price=200.0 check_in=2022-05-08 check_out=2022-05-09 total_price_description=$200 x 1 night currency=$ id=45324938 trigger_time=2022-05-01T00:00:00.000Z pulled=2022-05-01T00:00:00.000Z",
          "partition_col=4 index=1 cleaning_fee=135.0 service_fee=60.0 total_price=289.0 check_in=2022-05-10 check_out=2022-05-11 total_price_description=$289 x 1 night currency=$ id=41608324 trigger_time=2022-05-01T00:00:00.000Z pulled=2022-05-01T00:30:00.000Z");

  @TempDir Path tmp;
  private int runs;

  @BeforeAll
  static void idsAreReal() throws IOException {
    assertThat(RawListings.realIds(), hasItems(A, B, C, D, E, F, G, H));
  }

  /**
   * 12 records: 4 written; 3 duplicates (twice in one file, once across files, once across
   * arrays with the id stored as a double); 5 rejected (hour 25, 30 February, id 4.5, no pulled,
   * a trigger_time in the wrong format).
   */
  static void writePriceBatch1(Path raw) throws IOException {
    RawListings.write(
        raw.resolve(BATCH_1 + "/part-0.parquet"),
        Kind.PRICE,
        List.of(
            price(0, 100.0, 40.0, 183.0, "2022-05-08", "2022-05-09", A, "20220501T000000", "20220501T001502"),
            price(1, 25.0, 25.0, 80.0, "2022-05-08", "2022-05-09", B, "20220501T000000", "20220501T002001"),
            price(2, 100.0, 40.0, 999.0, "2022-05-08", "2022-05-09", A, "20220501T000000", "20220501T001502"),
            price(3, 150.0, 56.0, 250.0, "2022-05-08", "2022-05-09", C, "20220501T000000", "20220501T250000"),
            price(4, 135.0, 64.0, 320.0, "2022-02-30", "2022-03-01", D, "20220501T000000", "20220501T003000")));
    RawListings.write(
        raw.resolve(BATCH_1 + "/part-1.parquet"),
        Kind.PRICE,
        List.of(
            price(0, 25.0, 25.0, 85.0, "2022-05-08", "2022-05-09", B, "20220501T000000", "20220501T002001"),
            price(1, 135.0, 60.0, 289.0, "2022-05-10", "2022-05-11", D, "20220501T000000", "20220501T003000")));
    RawListings.write(
        raw.resolve("array_1/20220501000000/part-0.parquet"),
        Kind.PRICE,
        List.of(
            price(0, 150.0, 49.0, 200.0, "2022-05-08", "2022-05-09", (double) C, "20220501T000000", "20220501T000000"),
            price(1, 100.0, 40.0, 183.0, "2022-05-08", "2022-05-09", (double) A, "20220501T000000", "20220501T001502"),
            price(2, 100.0, 40.0, 183.0, "2022-05-08", "2022-05-09", 4.5, "20220501T000000", "20220501T001502"),
            price(3, 25.0, 25.0, 80.0, "2022-05-08", "2022-05-09", (double) B, "20220501T000000", null),
            price(4, 25.0, 25.0, 80.0, "2022-05-12", "2022-05-13", (double) B, "2022-05-01 00:15:02", "20220501T002001")));
  }

  static Object[] price(long index, double cleaning, double service, double total, String checkIn, String checkOut, Object id, String trigger, String pulled) {
    String description = String.format("$%.0f x 1 night", total);
    return new Object[] {index, cleaning, service, total, checkIn, checkOut, description, "$", id, trigger, pulled};
  }

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "SparkRunner", "ForkCheckingRunner"})
  void firstRunWritesEachKeyOnceAndDeletesTheBatchFolders(String runner) throws Exception {
    Path raw = tmp.resolve("raw");
    Path table = tmp.resolve("price");
    writePriceBatch1(raw);

    RunReport report = ListingPostprocess.run(options(Kind.PRICE, raw, table, "--runner=" + runner, "--afterLoad=DELETE", "--runId=first-run"));

    assertThat(report.status(), is(RunReport.SUCCEEDED));
    assertCounts(report, 12, 4, 3, 5);
    assertThat(report.count("duplicate_in_batch"), is(3L));
    assertThat(report.count("duplicate_in_table"), is(0L));
    assertThat(report.rejectReasons(), equalTo(Map.of("unparsable_value", 4L, "missing_value", 1L)));
    assertThat(
        rejectedColumns(),
        contains("check_in:unparsable_value", "id:unparsable_value", "pulled:missing_value", "pulled:unparsable_value", "trigger_time:unparsable_value"));
    assertThat(RawListings.table(table.toString(), Kind.PRICE, "partition_col"), equalTo(PRICE_TABLE_1));
    assertThat(
        RawListings.localFiles(table),
        contains(
            matchesPattern("partition_col=1/part-first-run-[0-9a-f]{6}-00000-of-00001\\.parquet"),
            matchesPattern("partition_col=12/part-first-run-[0-9a-f]{6}-00000-of-00001\\.parquet"),
            matchesPattern("partition_col=18/part-first-run-[0-9a-f]{6}-00000-of-00001\\.parquet"),
            matchesPattern("partition_col=4/part-first-run-[0-9a-f]{6}-00000-of-00001\\.parquet")));
    assertThat("the raw files and their folders are gone", RawListings.localFiles(raw), empty());
    assertThat(Files.exists(raw.resolve(BATCH_1)), is(false));
  }

  @Test
  void rejectsNameTheFileTheRecordAndTheValue() throws Exception {
    Path raw = tmp.resolve("raw");
    writePriceBatch1(raw);

    ListingPostprocess.run(options(Kind.PRICE, raw, tmp.resolve("price")));

    JsonNode hour25 = rejects().stream().filter(r -> r.get("column").asText().equals("pulled") && r.get("reason").asText().equals("unparsable_value")).findFirst().orElseThrow();
    assertThat(hour25.get("source").asText(), is(raw.resolve(BATCH_1 + "/part-0.parquet").toString()));
    assertThat(hour25.get("record").asLong(), is(4L));
    assertThat(hour25.get("step").asText(), is("parse"));
    assertThat(hour25.get("detail").asText(), is("'20220501T250000' is not a timestamp like uuuuMMdd'T'HHmmss"));
    assertThat(hour25.get("original").asText(), matchesPattern(".*\"pulled\": \"20220501T250000\".*"));
  }

  @Test
  void reRunningTheSameInputAddsNothing() throws Exception {
    Path raw = tmp.resolve("raw");
    Path table = tmp.resolve("price");
    writePriceBatch1(raw);
    ListingPostprocess.run(options(Kind.PRICE, raw, table, "--afterLoad=KEEP"));
    List<String> filesAfterFirstRun = RawListings.localFiles(table);

    RunReport again = ListingPostprocess.run(options(Kind.PRICE, raw, table, "--afterLoad=KEEP"));

    assertCounts(again, 12, 0, 7, 5);
    assertThat("every valid row's key is in the table", again.count("duplicate_in_table"), is(7L));
    assertThat(again.count("duplicate_in_batch"), is(0L));
    assertThat(RawListings.table(table.toString(), Kind.PRICE, "partition_col"), equalTo(PRICE_TABLE_1));
    assertThat("no file was added or replaced", RawListings.localFiles(table), equalTo(filesAfterFirstRun));
    assertThat(RawListings.localFiles(raw), hasSize(3));
  }

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "SparkRunner"})
  void aCrashBetweenWriteAndDeleteIsRepairedByTheNextRun(String runner) throws Exception {
    Path raw = tmp.resolve("raw");
    Path table = tmp.resolve("price");
    writePriceBatch1(raw);

    PipelineRun.PipelineFailedException crash =
        assertThrows(
            PipelineRun.PipelineFailedException.class,
            () -> ListingPostprocess.run(options(Kind.PRICE, raw, table, "--runner=" + runner, "--afterLoad=DELETE", "--runId=nightly"), () -> {
              throw new IllegalStateException("simulated crash before the clean-up");
            }));
    assertThat(crash.report().status(), is(RunReport.FAILED));
    assertCounts(crash.report(), 12, 4, 3, 5);
    assertThat("the raw input is untouched", RawListings.localFiles(raw), hasSize(3));
    assertThat("the table was written", RawListings.table(table.toString(), Kind.PRICE, "partition_col"), equalTo(PRICE_TABLE_1));
    // Worse still: the crash also lost one of the renames that put files into place.
    Files.delete(table.resolve(RawListings.localFiles(table).stream().filter(f -> f.startsWith("partition_col=4/")).findFirst().orElseThrow()));

    // Retried by a scheduler under the same run id.
    RunReport repair = ListingPostprocess.run(options(Kind.PRICE, raw, table, "--runner=" + runner, "--afterLoad=DELETE", "--runId=nightly"));

    assertThat(repair.status(), is(RunReport.SUCCEEDED));
    assertCounts(repair, 12, 1, 6, 5);
    assertThat(repair.count("duplicate_in_table"), is(6L));
    assertThat(RawListings.table(table.toString(), Kind.PRICE, "partition_col"), equalTo(PRICE_TABLE_1));
    assertThat(RawListings.localFiles(raw), empty());
  }

  @Test
  void aLaterBatchIsDeduplicatedAgainstTheTable() throws Exception {
    Path raw = tmp.resolve("raw");
    Path table = tmp.resolve("price");
    writePriceBatch1(raw);
    ListingPostprocess.run(options(Kind.PRICE, raw, table, "--afterLoad=DELETE"));
    RawListings.write(
        raw.resolve("array_0/20220502000000/part-0.parquet"),
        Kind.PRICE,
        List.of(
            // Sent again by the scraper: already in the table.
            price(0, 100.0, 40.0, 183.0, "2022-05-08", "2022-05-09", A, "20220501T000000", "20220501T001502"),
            // Same key as a table row with another price: the table's row stands.
            price(1, 25.0, 25.0, 99.0, "2022-05-08", "2022-05-09", B, "20220502T000000", "20220501T002001"),
            price(2, 100.0, 38.0, 167.0, "2022-05-08", "2022-05-09", A, "20220502T000000", "20220502T000501"),
            price(3, 135.0, 30.0, 75.0, "2022-05-11", "2022-05-12", D, "20220502T000000", "20220502T001000")));

    RunReport second = ListingPostprocess.run(options(Kind.PRICE, raw, table, "--afterLoad=DELETE"));

    assertCounts(second, 4, 2, 2, 0);
    assertThat(second.count("duplicate_in_table"), is(2L));
    List<String> expected = new ArrayList<>(PRICE_TABLE_1);
    expected.add("partition_col=1 index=2 cleaning_fee=100.0 service_fee=38.0 total_price=167.0 check_in=2022-05-08 check_out=2022-05-09 total_price_description=$167 x 1 night currency=$ id=6774081 trigger_time=2022-05-02T00:00:00.000Z pulled=2022-05-02T00:05:01.000Z");
    expected.add("partition_col=4 index=3 cleaning_fee=135.0 service_fee=30.0 total_price=75.0 check_in=2022-05-11 check_out=2022-05-12 total_price_description=$75 x 1 night currency=$ id=41608324 trigger_time=2022-05-02T00:00:00.000Z pulled=2022-05-02T00:10:00.000Z");
    expected.sort(null);
    assertThat(RawListings.table(table.toString(), Kind.PRICE, "partition_col"), equalTo(expected));
  }

  @Test
  void occupancyIntoATableWithTheOldPartitionColumnName() throws Exception {
    Path raw = tmp.resolve("raw");
    Path table = tmp.resolve("occupancy");
    RawListings.write(
        raw.resolve("array_0/20220801120000/occupancy.parquet"),
        Kind.OCCUPANCY,
        List.of(
            occupancy(0, "2022-08-01", false, 3, E, "20220801T120301"),
            occupancy(1, "2022-08-02", true, 3, E, "20220801T120301"),
            occupancy(0, "2022-08-01", false, 3, E, "20220801T120301"),
            occupancy(2, "2022/08/03", true, 1, E, "20220801T120301"),
            occupancy(0, "2022-08-01", true, 2, F, "20220801T000059"),
            // Hour 24 (the old job's kk pattern took it): not a valid time.
            occupancy(1, "2022-08-02", true, 2, F, "20220801T240000")));
    String[] args = {"--afterLoad=DELETE", "--partitionColumn=parition_col"};

    RunReport first = ListingPostprocess.run(options(Kind.OCCUPANCY, raw, table, args));
    RawListings.write(
        raw.resolve("array_1/20220802120000/occupancy.parquet"),
        Kind.OCCUPANCY,
        List.of(occupancy(0, "2022-08-01", false, 3, E, "20220801T120301"), occupancy(0, "2022-08-02", false, 3, E, "20220802T120502")));
    RunReport second = ListingPostprocess.run(options(Kind.OCCUPANCY, raw, table, args));

    assertCounts(first, 6, 3, 1, 2);
    assertCounts(second, 2, 1, 1, 0);
    assertThat(second.count("duplicate_in_table"), is(1L));
    assertThat(
        RawListings.table(table.toString(), Kind.OCCUPANCY, "parition_col"),
        contains(
            "parition_col=10 index=0 date=2022-08-01 available=false min_nights=3 max_nights=15 available_for_checkin=false available_for_checkout=false bookable=false id=47112870 trigger_time=2022-08-01T12:00:00.000Z pulled=2022-08-01T12:03:01.000Z",
            "parition_col=10 index=0 date=2022-08-02 available=false min_nights=3 max_nights=15 available_for_checkin=false available_for_checkout=false bookable=false id=47112870 trigger_time=2022-08-01T12:00:00.000Z pulled=2022-08-02T12:05:02.000Z",
            "parition_col=10 index=1 date=2022-08-02 available=true min_nights=3 max_nights=15 available_for_checkin=true available_for_checkout=true bookable=true id=47112870 trigger_time=2022-08-01T12:00:00.000Z pulled=2022-08-01T12:03:01.000Z",
            "parition_col=7 index=0 date=2022-08-01 available=true min_nights=2 max_nights=15 available_for_checkin=true available_for_checkout=true bookable=true id=9885947 trigger_time=2022-08-01T12:00:00.000Z pulled=2022-08-01T00:00:59.000Z"));
  }

  static Object[] occupancy(long index, String date, boolean available, long minNights, long id, String pulled) {
    return new Object[] {index, date, available, minNights, 15L, available, available, available, id, "20220801T120000", pulled};
  }

  @Test
  void reviewsAreDeduplicatedOnTheWholeRow() throws Exception {
    Path raw = tmp.resolve("raw");
    Path table = tmp.resolve("reviews");
    RawListings.write(
        raw.resolve("array_0/20220901000000/reviews.parquet"),
        Kind.REVIEWS,
        List.of(
            review(0, "2022-08-15", "Great stay, would come back", 5L, "20220901T000510", G),
            review(1, "2022-08-20", "Noisy street", 3L, "20220901T000510", G),
            review(0, "2022-08-15", "Great stay, would come back", 5L, "20220901T000510", G),
            review(0, "2022-08-15", "Great stay, would come back", 4L, "20220901T000510", G),
            review(0, "2022-13-01", "Bad date", 4L, "20220901T000510", H),
            review(0, null, "No date given", null, "20220901T000510", H)));

    RunReport first = ListingPostprocess.run(options(Kind.REVIEWS, raw, table, "--afterLoad=DELETE"));
    RawListings.write(
        raw.resolve("array_0/20220902000000/reviews.parquet"),
        Kind.REVIEWS,
        List.of(review(0, null, "No date given", null, "20220901T000510", H), review(2, "2022-09-02", "Lovely host", 5L, "20220902T000000", G)));
    RunReport second = ListingPostprocess.run(options(Kind.REVIEWS, raw, table, "--afterLoad=DELETE"));

    assertCounts(first, 6, 4, 1, 1);
    assertCounts(second, 2, 1, 1, 0);
    assertThat(
        RawListings.table(table.toString(), Kind.REVIEWS, "partition_col"),
        contains(
            "partition_col=1 index=0 date_of_review=2022-08-15 review=Great stay, would come back rating=4.0 pulled=2022-09-01T00:05:10.000Z id=40694741",
            "partition_col=1 index=0 date_of_review=2022-08-15 review=Great stay, would come back rating=5.0 pulled=2022-09-01T00:05:10.000Z id=40694741",
            "partition_col=1 index=1 date_of_review=2022-08-20 review=Noisy street rating=3.0 pulled=2022-09-01T00:05:10.000Z id=40694741",
            "partition_col=1 index=2 date_of_review=2022-09-02 review=Lovely host rating=5.0 pulled=2022-09-02T00:00:00.000Z id=40694741",
            "partition_col=12 index=0 date_of_review=null review=No date given rating=null pulled=2022-09-01T00:05:10.000Z id=21812372"));
  }

  static Object[] review(long index, String date, String text, Long rating, String pulled, long id) {
    return new Object[] {index, date, text, rating, pulled, id};
  }

  @Test
  void readsAndWritesS3AndArchivesTheBatchFolders() throws Exception {
    S3Server s3 = S3Server.shared();
    String bucket = "listing-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
    Path local = tmp.resolve("staging");
    writePriceBatch1(local);
    for (String file : RawListings.localFiles(local)) {
      s3.put(bucket, "raw/" + file, Files.readAllBytes(local.resolve(file)));
    }
    List<String> args = new ArrayList<>(s3.pipelineArgs());
    args.add("--afterLoad=ARCHIVE");
    args.add("--archiveTo=s3://" + bucket + "/archive/");

    RunReport report = ListingPostprocess.run(options(Kind.PRICE, "s3://" + bucket + "/raw", "s3://" + bucket + "/price", args.toArray(String[]::new)));

    assertCounts(report, 12, 4, 3, 5);
    assertThat(RawListings.table("s3://" + bucket + "/price", Kind.PRICE, "partition_col"), equalTo(PRICE_TABLE_1));
    assertThat(s3.list(bucket, "raw/"), empty());
    assertThat(
        s3.list(bucket, "archive/"),
        contains("archive/array_0/20220501000000/part-0.parquet", "archive/array_0/20220501000000/part-1.parquet", "archive/array_1/20220501000000/part-0.parquet"));
    assertThat(s3.list(bucket, "price/"), hasSize(4));
  }

  @Test
  void nothingToDoIsASuccess() throws Exception {
    Path raw = Files.createDirectories(tmp.resolve("raw"));

    RunReport report = ListingPostprocess.run(options(Kind.PRICE, raw, tmp.resolve("price"), "--afterLoad=DELETE"));

    assertThat(report.status(), is(RunReport.SUCCEEDED));
    assertCounts(report, 0, 0, 0, 0);
  }

  @Test
  void theCommandLineTakesLowerCaseKindsAndRefusesBadOptions() throws Exception {
    Path raw = tmp.resolve("raw");
    writePriceBatch1(raw);
    String[] common = {"--input=" + raw, "--output=" + tmp.resolve("price"), "--runReport=" + tmp.resolve("cli-report.json"), "--rejects=" + tmp.resolve("cli-rejects.jsonl")};
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());

    assertThat(BeamEtl.execute(concat(new String[] {"listing-postprocess", "--kind=price"}, common), quiet, quiet), is(0));
    assertThat(BeamEtl.execute(concat(new String[] {"listing-postprocess", "--kind=price", "--partitions=0"}, common), quiet, quiet), is(2));
    assertThat(BeamEtl.execute(concat(new String[] {"listing-postprocess", "--kind=price", "--afterLoad=ARCHIVE"}, common), quiet, quiet), is(2));
    assertThat(BeamEtl.execute(concat(new String[] {"listing-postprocess", "--kind=price", "--partitionColumn=id"}, common), quiet, quiet), is(2));
  }

  // --- helpers ---

  private ListingPostprocessOptions options(Kind kind, Path raw, Path table, String... more) {
    return options(kind, raw.toString(), table.toString(), more);
  }

  private ListingPostprocessOptions options(Kind kind, String raw, String table, String... more) {
    runs++;
    List<String> args = new ArrayList<>();
    args.add("--kind=" + kind.name().toLowerCase());
    args.add("--input=" + raw);
    args.add("--output=" + table);
    args.add("--sparkMaster=local[2]");
    args.add("--rejects=" + tmp.resolve("rejects-" + runs + ".jsonl"));
    args.add("--runReport=" + tmp.resolve("report-" + runs + ".json"));
    args.addAll(List.of(more));
    return BeamEtl.parse(PipelineCatalog.find(ListingPostprocess.NAME).orElseThrow(), args.toArray(String[]::new)).as(ListingPostprocessOptions.class);
  }

  private static void assertCounts(RunReport report, long read, long written, long filtered, long rejected) {
    assertThat(report.summary(), List.of(report.count("read"), report.count("written"), report.count("filtered"), report.count("rejected")), contains(read, written, filtered, rejected));
    assertThat(report.balanced(), is(true));
  }

  /** The rejects of the latest run. */
  private List<JsonNode> rejects() throws IOException {
    List<JsonNode> rejects = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(tmp.resolve("rejects-" + runs + ".jsonl"))) {
      rejects.add(json.readTree(line));
    }
    return rejects;
  }

  private List<String> rejectedColumns() throws IOException {
    return rejects().stream().map(r -> r.get("column").asText() + ":" + r.get("reason").asText()).sorted().toList();
  }

  private static String[] concat(String[] a, String[] b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }
}
