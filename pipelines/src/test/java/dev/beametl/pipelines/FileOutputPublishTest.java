package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.beametl.options.DatasetSummaryOptions;
import dev.beametl.options.RideWeatherOptions;
import dev.beametl.options.TaxiStagingOptions;
import dev.beametl.testing.S3Server;
import dev.beametl.transforms.files.OutputFormat;
import dev.beametl.transforms.report.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * File outputs become visible only when the run passed its gates: a gated run leaves the output
 * directory byte for byte as it was (an earlier run's files included) and its inputs in place; a
 * run that passes publishes exactly its own files and leaves no staging behind.
 */
class FileOutputPublishTest {
  private static final int FILES = 4;
  private static final int ROWS = 6_000;

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "SparkRunner"})
  void taxiStagingPublishesOnlyARunThatPassedItsGates(String runner) throws Exception {
    Path raw = tmp.resolve("raw");
    for (int i = 0; i < FILES; i++) {
      FileOutputs.taxiCsv(raw.resolve("green_tripdata_2020-0" + (i + 1) + ".csv"), i, ROWS, 0);
    }
    Path out = tmp.resolve("staging");
    RunReport first = TaxiStaging.run(taxi(runner, raw.resolve("*.csv"), out, "--runId=first"));
    assertThat(first.count("written"), is((long) FILES * ROWS));
    assertThat(FileOutputs.tree(out), equalTo(List.of(
        "_beam-etl-manifest.json", "part-00000-of-00004.parquet", "part-00001-of-00004.parquet", "part-00002-of-00004.parquet", "part-00003-of-00004.parquet")));
    Map<String, String> before = FileOutputs.snapshot(out);
    Map<String, String> inputsBefore = FileOutputs.snapshot(raw);

    // A fifth file with 3 bad fares: over --maxRejected=0, so nothing is published or deleted.
    FileOutputs.taxiCsv(raw.resolve("green_tripdata_2020-05.csv"), 5, ROWS, 3);
    Map<String, String> inputsWithFifth = FileOutputs.snapshot(raw);
    assertThat(inputsWithFifth.size(), is(inputsBefore.size() + 1));
    RunReport gated =
        assertThrows(
                PipelineRun.PipelineFailedException.class,
                () -> TaxiStaging.run(taxi(runner, raw.resolve("*.csv"), out, "--runId=gated", "--maxRejected=0", "--afterLoad=delete")))
            .report();
    assertThat(gated.status(), is(RunReport.FAILED));
    assertThat(gated.count("rejected"), is(3L));
    assertThat(FileOutputs.snapshot(out), equalTo(before));
    assertThat("no staging, no lease left", FileOutputs.tree(out), hasSize(before.size()));
    assertThat(FileOutputs.snapshot(raw), equalTo(inputsWithFifth));

    // The same inputs under a limit they meet: the output is exactly this run's five files.
    RunReport passed = TaxiStaging.run(taxi(runner, raw.resolve("*.csv"), out, "--runId=passed", "--maxRejected=3"));
    assertThat(passed.count("written"), is(5L * ROWS));
    assertThat(FileOutputs.tree(out), hasSize(6));
    assertThat(TaxiTestFiles.readParquet(out), hasSize(5 * ROWS));
  }

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "SparkRunner"})
  void rideWeatherGatedRunLeavesTheOutputAsItWas(String runner) throws Exception {
    Path raw = tmp.resolve("rides");
    FileOutputs.rideFiles(raw, FILES, 0);
    Path out = tmp.resolve("out");
    RunReport first = RideWeather.run(rides(runner, raw.resolve("*.jsonl"), out, "--runId=first", "--outputShards=3"));
    assertThat(first.count("written"), is(7755L));
    Map<String, String> before = FileOutputs.snapshot(out);
    assertThat(before.keySet().stream().filter(f -> f.startsWith("part-")).toList(), hasSize(3));

    FileOutputs.rideFiles(raw, FILES, 2);
    Map<String, String> inputs = FileOutputs.snapshot(raw);
    PipelineRun.PipelineFailedException failed =
        assertThrows(
            PipelineRun.PipelineFailedException.class,
            () -> RideWeather.run(rides(runner, raw.resolve("*.jsonl"), out, "--runId=gated", "--maxRejected=0", "--outputShards=2")));
    assertThat(failed.getMessage(), containsString("maxRejected"));
    assertThat(FileOutputs.snapshot(out), equalTo(before));
    assertThat(FileOutputs.tree(out), hasSize(before.size()));
    assertThat(FileOutputs.snapshot(raw), equalTo(inputs));

    RideWeather.run(rides(runner, raw.resolve("*.jsonl"), out, "--runId=passed", "--outputShards=2"));
    List<String> parts = FileOutputs.tree(out).stream().filter(f -> f.startsWith("part-")).toList();
    assertThat(parts, equalTo(List.of("part-00000-of-00002.parquet", "part-00001-of-00002.parquet")));
    assertThat(RideOutputs.read(out, OutputFormat.PARQUET), hasSize(7755));
  }

  @Test
  void datasetSummaryGatedRunLeavesTheSummaryAsItWas() throws Exception {
    Path raw = tmp.resolve("raw");
    for (int i = 0; i < FILES; i++) {
      FileOutputs.taxiCsv(raw.resolve("trips-" + i + ".csv"), i, ROWS, 0);
    }
    Path out = tmp.resolve("summary");
    DatasetSummary.run(summary(raw.resolve("*.csv"), out, "--runId=first"));
    Map<String, String> before = FileOutputs.snapshot(out);
    assertThat(before.keySet(), everyItem(startsWith("part-")));

    FileOutputs.taxiCsv(raw.resolve("trips-9.csv"), 9, 10, 1);
    assertThrows(PipelineRun.PipelineFailedException.class, () -> DatasetSummary.run(summary(raw.resolve("*.csv"), out, "--runId=gated", "--maxRejected=0")));
    assertThat(FileOutputs.snapshot(out), equalTo(before));
    assertThat(FileOutputs.tree(out), hasSize(before.size()));

    DatasetSummary.run(summary(raw.resolve("*.csv"), out, "--runId=passed"));
    assertThat(FileOutputs.snapshot(out), not(equalTo(before)));
    assertThat(FileOutputs.tree(out), equalTo(List.of("part-00000-of-00001.csv")));
  }

  @Test
  void onS3AGatedRunLeavesTheObjectsAsTheyWereAndAPassingRunReplacesThem() throws Exception {
    S3Server s3 = S3Server.shared();
    s3.createBucket("taxi-publish");
    for (int i = 0; i < 3; i++) {
      Path file = FileOutputs.taxiCsv(tmp.resolve("raw/green_tripdata_2020-0" + (i + 1) + ".csv"), i, 4_000, i == 2 ? 1 : 0);
      s3.put("taxi-publish", "raw/" + file.getFileName(), Files.readAllBytes(file));
    }
    List<String> s3Args = s3.pipelineArgs();
    String input = "s3://taxi-publish/raw/green_tripdata_2020-0[12].csv";
    List<String> args = new ArrayList<>(List.of("--input=" + input, "--output=s3://taxi-publish/staging/", "--runId=first"));
    args.addAll(s3Args);
    TaxiStaging.run(taxiArgs(args));
    Map<String, String> before = objects(s3, "staging/");
    assertThat(before.keySet(), equalTo(new java.util.TreeSet<>(List.of(
        "staging/_beam-etl-manifest.json", "staging/part-00000-of-00002.parquet", "staging/part-00001-of-00002.parquet"))));

    List<String> gated = new ArrayList<>(List.of("--input=s3://taxi-publish/raw/*.csv", "--output=s3://taxi-publish/staging/", "--runId=gated", "--maxRejected=0", "--afterLoad=delete"));
    gated.addAll(s3Args);
    assertThrows(PipelineRun.PipelineFailedException.class, () -> TaxiStaging.run(taxiArgs(gated)));
    assertThat(objects(s3, "staging/"), equalTo(before));
    assertThat(s3.list("taxi-publish", "raw/"), hasSize(3));

    List<String> passed = new ArrayList<>(List.of("--input=s3://taxi-publish/raw/*.csv", "--output=s3://taxi-publish/staging/", "--runId=passed", "--afterLoad=delete"));
    passed.addAll(s3Args);
    RunReport report = TaxiStaging.run(taxiArgs(passed));
    assertThat(report.count("written"), is(12_000L));
    assertThat(report.count("rejected"), is(1L));
    assertThat(objects(s3, "staging/").keySet(), equalTo(new java.util.TreeSet<>(List.of(
        "staging/_beam-etl-manifest.json", "staging/part-00000-of-00003.parquet", "staging/part-00001-of-00003.parquet", "staging/part-00002-of-00003.parquet"))));
    assertThat(s3.list("taxi-publish", "raw/"), hasSize(0));
  }

  private Map<String, String> objects(S3Server s3, String prefix) {
    Map<String, String> objects = new TreeMap<>();
    for (String key : s3.list("taxi-publish", prefix)) {
      objects.put(key, FileOutputs.digest(s3.get("taxi-publish", key)));
    }
    return objects;
  }

  private TaxiStagingOptions taxi(String runner, Path input, Path output, String... extra) {
    List<String> args = new ArrayList<>(List.of("--runner=" + runner, "--sparkMaster=local[2]", "--input=" + input, "--output=" + output));
    args.addAll(List.of(extra));
    return taxiArgs(args);
  }

  private TaxiStagingOptions taxiArgs(List<String> args) {
    List<String> all = new ArrayList<>(args);
    all.add("--rejects=" + tmp.resolve("rejects.jsonl"));
    all.add("--runReport=" + tmp.resolve("report.json"));
    return FileOutputs.options(TaxiStaging.NAME, TaxiStagingOptions.class, all);
  }

  private RideWeatherOptions rides(String runner, Path input, Path output, String... extra) {
    List<String> args = new ArrayList<>(List.of(
        "--runner=" + runner, "--sparkMaster=local[2]", "--input=" + input, "--output=" + output,
        "--stations=" + RideWeatherGoldenTest.STATIONS, "--rejects=" + tmp.resolve("rejects.jsonl"), "--runReport=" + tmp.resolve("report.json")));
    args.addAll(List.of(extra));
    return FileOutputs.options(RideWeather.NAME, RideWeatherOptions.class, args);
  }

  private DatasetSummaryOptions summary(Path input, Path output, String... extra) {
    List<String> args = new ArrayList<>(List.of(
        "--input=" + input, "--output=" + output, "--outputFormat=csv", "--groupBy=PULocationID", "--measures=fare_amount:sum,*:count",
        "--columnTypes=fare_amount:double", "--rejects=" + tmp.resolve("rejects.jsonl"), "--runReport=" + tmp.resolve("report.json")));
    args.addAll(List.of(extra));
    return FileOutputs.options(DatasetSummary.NAME, DatasetSummaryOptions.class, args);
  }
}
