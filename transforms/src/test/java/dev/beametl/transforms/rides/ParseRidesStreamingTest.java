package dev.beametl.transforms.rides;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.records.ReadRecords;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ride files of tens of thousands of records are read in small bundles (memory bounded by the
 * bundle, not the file), with every record read once, in every layout, bad records included.
 */
class ParseRidesStreamingTest {
  static final int PER_FILE = 25_000;
  static final int BAD_EVERY = 997;
  /** The DirectRunner checkpoints a splittable read every 100 outputs (batches) or second: a bundle never holds a file. */
  static final int MAX_BUNDLE = 100 * ReadRecords.BATCH;
  static final AtomicInteger largestBundle = new AtomicInteger();

  @TempDir Path tmp;

  @Test
  void bigFilesAreReadInSmallBundlesAndEveryRecordOnce() throws IOException {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Map<String, List<String>> bad = new HashMap<>();
    for (int f = 0; f < 3; f++) {
      write(in.resolve("lines-" + f + ".jsonl"), f, false, bad);
    }
    write(in.resolve("array.json"), 3, true, bad);
    int badCount = bad.values().stream().mapToInt(List::size).sum();
    int total = 4 * PER_FILE;

    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollection<FileIO.ReadableFile> files = p.apply(FileIO.match().filepattern(in + "/*")).apply(FileIO.readMatches());
    files.apply("Read", ParseRides.fromFiles().read()).apply("Measure", ParDo.of(new LargestBundleFn()));
    WithRejects<Row> parsed = files.apply("Parse", ParseRides.fromFiles());
    PAssert.that(parsed.getOutput().apply("Names", MapElements.into(TypeDescriptors.strings()).via(r -> r.getString(RideSchemas.NAME))))
        .satisfies(names -> {
          List<String> all = new ArrayList<>();
          names.forEach(all::add);
          assertThat(all.size(), is(total - badCount));
          assertThat("no ride twice", all.stream().distinct().count(), is((long) all.size()));
          return null;
        });
    PAssert.that(parsed.getRejects()).satisfies(rejects -> {
      Map<String, List<String>> found = new HashMap<>();
      for (Reject r : rejects) {
        assertThat(r.reason, is("malformed_json"));
        found.computeIfAbsent(r.source.replaceAll(".*/", ""), k -> new ArrayList<>()).add(r.record + ":" + r.original);
      }
      found.values().forEach(list -> list.sort(null));
      Map<String, List<String>> expected = new HashMap<>(bad);
      expected.values().forEach(list -> list.sort(null));
      assertThat(found, is(expected));
      return null;
    });
    largestBundle.set(0);
    PipelineResult result = p.run();
    result.waitUntilFinish();

    // Both reads count, per step: the measured one and the one inside ParseRides.
    assertThat(readCount(result), is(2L * total));
    assertThat("largest bundle of a " + PER_FILE + "-record file", largestBundle.get(), lessThanOrEqualTo(MAX_BUNDLE));
  }

  private static long readCount(PipelineResult result) {
    long total = 0;
    for (var counter : result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.named(EtlMetrics.NAMESPACE, EtlMetrics.READ)).build()).getCounters()) {
      total += counter.getAttempted();
    }
    return total;
  }

  /** A file of {@code PER_FILE} rides, every {@code BAD_EVERY}th malformed (remembered as record:text). */
  private static void write(Path file, int f, boolean array, Map<String, List<String>> bad) throws IOException {
    StringBuilder s = new StringBuilder(array ? "[\n" : "");
    for (int i = 1; i <= PER_FILE; i++) {
      String ride = i % BAD_EVERY == 0
          ? "{\"Latitude\": 40.7 \"Name\": \"bad " + f + "-" + i + "\"}"
          : "{\"Latitude\": " + (40 + i % 100 / 100.0) + ", \"Longitude\": -73.9, \"Name\": \"r" + f + "-" + i + "\", \"Note\": \"" + "n".repeat(i % 50) + "\"}";
      if (i % BAD_EVERY == 0) {
        bad.computeIfAbsent(file.getFileName().toString(), k -> new ArrayList<>()).add(i + ":" + ride);
      }
      s.append(ride).append(array ? (i < PER_FILE ? ",\n" : "\n]\n") : "\n");
    }
    Files.writeString(file, s);
  }

  /** Records the largest bundle it is given. */
  static final class LargestBundleFn extends DoFn<KV<Row, Reject>, Void> {
    private int size;

    @StartBundle
    public void start() {
      size = 0;
    }

    @ProcessElement
    public void process(@Element KV<Row, Reject> outcome) {
      size++;
    }

    @FinishBundle
    public void finish() {
      largestBundle.accumulateAndGet(size, Math::max);
    }
  }
}
