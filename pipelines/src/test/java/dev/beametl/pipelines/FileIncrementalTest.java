package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.options.RideWeatherOptions;
import dev.beametl.options.TaxiStagingOptions;
import dev.beametl.testing.S3Server;
import dev.beametl.transforms.files.OutputFormat;
import dev.beametl.transforms.files.OutputLease;
import dev.beametl.transforms.report.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --incremental} / {@code --reprocess} for the file pipelines, and one run per output at a
 * time: what is read, what is skipped, a changed input's file replaced, a run killed between its
 * output and its manifest, a second run refused while a lease is held, an expired lease taken over.
 */
class FileIncrementalTest {
  private static final int ROWS = 5_000;

  @TempDir Path tmp;

  @Test
  void taxiStagingReadsOnlyNewAndChangedInputsAndReplacesAChangedInputsFile() throws Exception {
    Path raw = tmp.resolve("raw");
    for (int i = 0; i < 3; i++) {
      FileOutputs.taxiCsv(raw.resolve("day-" + i + ".csv"), i, ROWS, 0);
    }
    Path out = tmp.resolve("staging");

    RunReport first = TaxiStaging.run(taxi(raw, out, "--runId=r1"));
    assertThat(first.count("read"), is(3L * ROWS));
    assertThat(names(inputStates().get("new")), contains("day-0.csv", "day-1.csv", "day-2.csv"));
    List<String> parts = FileOutputs.tree(out).stream().filter(f -> f.startsWith("part-")).toList();
    assertThat(parts, hasSize(3));
    assertThat(parts.get(0), containsString("part-day-0-"));
    Map<String, String> afterFirst = FileOutputs.snapshot(out);

    RunReport nothing = TaxiStaging.run(taxi(raw, out, "--runId=r2"));
    assertThat(nothing.status(), is(RunReport.SUCCEEDED));
    assertThat(nothing.count("read"), is(0L));
    assertThat(names(inputStates().get("skipped")), contains("day-0.csv", "day-1.csv", "day-2.csv"));
    assertThat(partsOf(FileOutputs.snapshot(out)), equalTo(partsOf(afterFirst)));

    FileOutputs.taxiCsv(raw.resolve("day-3.csv"), 3, ROWS, 0);
    RunReport fresh = TaxiStaging.run(taxi(raw, out, "--runId=r3"));
    assertThat(fresh.count("read"), is((long) ROWS));
    assertThat(names(inputStates().get("new")), contains("day-3.csv"));
    assertThat(TaxiTestFiles.readParquet(out), hasSize(4 * ROWS));

    // day-1 lands again with fewer rows: its file is replaced, none of its old rows stay.
    FileOutputs.taxiCsv(raw.resolve("day-1.csv"), 11, ROWS / 2, 0);
    Files.setLastModifiedTime(raw.resolve("day-1.csv"), FileTime.from(Instant.now().plusSeconds(5)));
    RunReport changed = TaxiStaging.run(taxi(raw, out, "--runId=r4"));
    assertThat(changed.count("read"), is((long) ROWS / 2));
    assertThat(names(inputStates().get("changed")), contains("day-1.csv"));
    assertThat(TaxiTestFiles.readParquet(out), hasSize(3 * ROWS + ROWS / 2));
    assertThat(partsOf(FileOutputs.snapshot(out)).size(), is(4));

    // Killed after publishing, before the manifest: the re-run reads day-2 again and replaces its file once.
    FileOutputs.taxiCsv(raw.resolve("day-2.csv"), 22, ROWS * 2, 0);
    assertThrows(
        PipelineRun.PipelineFailedException.class,
        () -> TaxiStaging.run(taxi(raw, out, "--runId=r5"), () -> {
          throw new IllegalStateException("simulated crash before the manifest");
        }));
    RunReport repaired = TaxiStaging.run(taxi(raw, out, "--runId=r6"));
    assertThat(names(inputStates().get("changed")), contains("day-2.csv"));
    assertThat(repaired.count("read"), is(2L * ROWS));
    assertThat(TaxiTestFiles.readParquet(out), hasSize(ROWS + ROWS / 2 + 2 * ROWS + ROWS));
    assertThat("no staging left", FileOutputs.tree(out).stream().filter(f -> f.startsWith(".")).toList(), empty());

    RunReport backfill = TaxiStaging.run(taxi(raw, out, "--runId=r7", "--reprocess=" + raw.resolve("day-0.csv")));
    assertThat(backfill.count("read"), is((long) ROWS));
    assertThat(names(inputStates().get("reprocessed")), contains("day-0.csv"));
    assertThat(TaxiTestFiles.readParquet(out), hasSize(ROWS + ROWS / 2 + 2 * ROWS + ROWS));
  }

  @Test
  void aSecondRunRefusesWhileTheLeaseIsHeldAndAnExpiredLeaseIsTakenOver() throws Exception {
    Path raw = tmp.resolve("raw");
    FileOutputs.taxiCsv(raw.resolve("day-0.csv"), 0, 100, 0);
    Path out = tmp.resolve("staging");
    TaxiStagingOptions options = taxi(raw, out, "--runId=second");
    try (OutputLease held = OutputLease.take(out.toString(), TaxiStaging.NAME, "nightly-0400", options)) {
      PipelineRun.PipelineFailedException refused =
          assertThrows(PipelineRun.PipelineFailedException.class, () -> TaxiStaging.run(options));
      assertThat(refused.getMessage(), containsString("nightly-0400"));
      assertThat(Files.exists(out.resolve("_beam-etl-manifest.json")), is(false));
    }

    // A killed run's lease, expired: the next run takes it over, and releases it at the end.
    Files.writeString(
        out.resolve(OutputLease.FILE), "{\"runId\":\"killed-run\",\"pipeline\":\"taxi-staging\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}");
    Files.createDirectories(out.resolve(".beam-etl-staging/killed-run"));
    Files.writeString(out.resolve(".beam-etl-staging/killed-run/part-00000-of-00001.parquet"), "half written");
    RunReport report = TaxiStaging.run(taxi(raw, out, "--runId=third"));
    assertThat(report.count("read"), is(100L));
    assertThat(FileOutputs.tree(out).stream().filter(f -> f.startsWith(".") || f.equals(OutputLease.FILE)).toList(), empty());
  }

  @Test
  void rideWeatherReadsOnlyNewInputsAndReplacesTheFilesOfAChangedInputsRun() throws Exception {
    Path raw = tmp.resolve("rides");
    List<Path> files = FileOutputs.rideFiles(raw, 4, 0);
    Path held = Files.move(files.get(3), tmp.resolve("later.jsonl"));
    Path out = tmp.resolve("out");

    RunReport first = RideWeather.run(rides(raw, out, "--runId=r1"));
    long firstRides = first.count("read");
    assertThat(names(inputStates().get("new")), hasSize(3));
    RunReport nothing = RideWeather.run(rides(raw, out, "--runId=r2"));
    assertThat(nothing.count("read"), is(0L));

    Files.move(held, files.get(3));
    RunReport fresh = RideWeather.run(rides(raw, out, "--runId=r3"));
    assertThat(names(inputStates().get("new")), contains("rides-03.jsonl"));
    assertThat(RideOutputs.read(out, OutputFormat.PARQUET), hasSize((int) (firstRides + fresh.count("read"))));
    assertThat(firstRides + fresh.count("read"), is(7755L));

    // rides-01 changes: it and the other inputs of run r1 (whose files it shares) are read again.
    List<String> lines = Files.readAllLines(files.get(1));
    Files.write(files.get(1), lines.subList(0, 100));
    RunReport changed = RideWeather.run(rides(raw, out, "--runId=r4"));
    assertThat(names(inputStates().get("changed")), contains("rides-01.jsonl"));
    assertThat(names(inputStates().get("reprocessed")), contains("rides-00.jsonl", "rides-02.jsonl"));
    assertThat(names(inputStates().get("skipped")), contains("rides-03.jsonl"));
    int expected = 7755 - lines.size() + 100;
    assertThat(RideOutputs.read(out, OutputFormat.PARQUET), hasSize(expected));
    assertThat(changed.count("read") + fresh.count("read"), is((long) expected));
  }

  @Test
  void onS3TheLeaseIsAConditionalPutAndARerunReadsNothing() throws Exception {
    S3Server s3 = S3Server.shared();
    s3.createBucket("taxi-daily");
    for (int i = 0; i < 2; i++) {
      Path file = FileOutputs.taxiCsv(tmp.resolve("raw/day-" + i + ".csv"), i, 3_000, 0);
      s3.put("taxi-daily", "raw/day-" + i + ".csv", Files.readAllBytes(file));
    }
    TaxiStaging.run(s3Taxi(s3, "--runId=s1"));
    assertThat(names(inputStates().get("new")), contains("day-0.csv", "day-1.csv"));
    assertThat(TaxiStaging.run(s3Taxi(s3, "--runId=s2")).count("read"), is(0L));

    s3.put("taxi-daily", "raw/day-2.csv", Files.readAllBytes(FileOutputs.taxiCsv(tmp.resolve("raw/day-2.csv"), 2, 1_000, 0)));
    TaxiStagingOptions third = s3Taxi(s3, "--runId=s3");
    try (OutputLease lease = OutputLease.take("s3://taxi-daily/staging/", TaxiStaging.NAME, "holder-run", third)) {
      PipelineRun.PipelineFailedException refused = assertThrows(PipelineRun.PipelineFailedException.class, () -> TaxiStaging.run(third));
      assertThat(refused.getMessage(), containsString("holder-run"));
    }
    RunReport report = TaxiStaging.run(s3Taxi(s3, "--runId=s4"));
    assertThat(report.count("read"), is(1_000L));
    assertThat(names(inputStates().get("new")), contains("day-2.csv"));
    assertThat(s3.list("taxi-daily", "staging/").stream().filter(k -> k.startsWith("staging/part-")).toList(), hasSize(3));
    assertThat(s3.list("taxi-daily", "staging/").stream().filter(k -> k.contains("lease") || k.contains(".beam-etl")).toList(), empty());
  }

  private TaxiStagingOptions s3Taxi(S3Server s3, String... extra) {
    List<String> args = new ArrayList<>(List.of(
        "--input=s3://taxi-daily/raw/*.csv", "--output=s3://taxi-daily/staging/", "--incremental",
        "--rejects=" + tmp.resolve("rejects.jsonl"), "--runReport=" + tmp.resolve("report.json")));
    args.addAll(s3.pipelineArgs());
    args.addAll(List.of(extra));
    return FileOutputs.options(TaxiStaging.NAME, TaxiStagingOptions.class, args);
  }

  private TaxiStagingOptions taxi(Path raw, Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of(
        "--input=" + raw.resolve("*.csv"), "--output=" + out, "--incremental",
        "--rejects=" + tmp.resolve("rejects.jsonl"), "--runReport=" + tmp.resolve("report.json")));
    args.addAll(List.of(extra));
    return FileOutputs.options(TaxiStaging.NAME, TaxiStagingOptions.class, args);
  }

  private RideWeatherOptions rides(Path raw, Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of(
        "--input=" + raw.resolve("*.jsonl"), "--output=" + out, "--incremental", "--stations=" + RideWeatherGoldenTest.STATIONS,
        "--rejects=" + tmp.resolve("rejects.jsonl"), "--runReport=" + tmp.resolve("report.json")));
    args.addAll(List.of(extra));
    return FileOutputs.options(RideWeather.NAME, RideWeatherOptions.class, args);
  }

  private JsonNode inputStates() throws Exception {
    return new ObjectMapper().readTree(tmp.resolve("report.json").toFile()).get("inputStates");
  }

  private static List<String> names(JsonNode paths) {
    List<String> names = new ArrayList<>();
    paths.forEach(p -> names.add(p.asText().substring(p.asText().lastIndexOf('/') + 1)));
    return names;
  }

  private static Map<String, String> partsOf(Map<String, String> snapshot) {
    Map<String, String> parts = new java.util.TreeMap<>(snapshot);
    parts.keySet().removeIf(k -> !k.startsWith("part-"));
    return parts;
  }
}
