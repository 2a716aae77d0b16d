package dev.beametl.bench.fastpaths;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/** Runs a pipeline on one runner in this JVM, as {@code scripts/beam-etl} sets the runner up, and fingerprints its rows. */
final class Runs {
  /** The output rows of each run, gathered in this JVM: the DirectRunner and Spark local[2] run their workers here. */
  private static final Map<String, Queue<String>> GATHERED = new ConcurrentHashMap<>();

  private final List<String> runnerArgs;

  private Runs(List<String> runnerArgs) {
    this.runnerArgs = runnerArgs;
  }

  /** {@code direct} or {@code spark} (local[2]), with the real-run defaults of {@code RealRunDefaults}. */
  static Runs on(String runner) {
    return switch (runner) {
      case "direct" -> new Runs(List.of("--runner=DirectRunner", "--enforceImmutability=false", "--enforceEncodability=false"));
      case "spark" -> {
        // One Spark context for every run of the sitting, as a cluster's is: its start-up is not what is measured.
        System.setProperty("beam.spark.test.reuseSparkContext", "true");
        yield new Runs(List.of("--runner=SparkRunner", "--sparkMaster=local[2]", "--storageLevel=MEMORY_AND_DISK_SER"));
      }
      default -> throw new IllegalArgumentException("unknown runner " + runner + " (direct, spark)");
    };
  }

  /**
   * Builds a pipeline with {@code build}, runs it to the end, and returns the rows aggregated (the
   * sum of the output's {@code trip_count}) with a fingerprint of the output rows, in any order.
   */
  Sitting.Result run(Function<Pipeline, PCollection<Row>> build) {
    PipelineOptions options = PipelineOptionsFactory.fromArgs(runnerArgs.toArray(String[]::new)).create();
    Pipeline pipeline = Pipeline.create(options);
    String tag = UUID.randomUUID().toString();
    GATHERED.put(tag, new ConcurrentLinkedQueue<>());
    build.apply(pipeline).apply("Gather", ParDo.of(new GatherFn(tag)));
    PipelineResult.State state = pipeline.run().waitUntilFinish();
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("the pipeline ended " + state);
    }
    List<String> rows = new ArrayList<>(GATHERED.remove(tag));
    rows.sort(null);
    long aggregated = rows.stream().mapToLong(r -> Long.parseLong(r.substring(r.lastIndexOf('|') + 1))).sum();
    return new Sitting.Result(aggregated, String.format("%,d groups, hash %08x", rows.size(), String.join("\n", rows).hashCode()));
  }

  /** Keeps each row's values as text, its trip count last. */
  private static final class GatherFn extends DoFn<Row, Void> {
    private final String tag;

    GatherFn(String tag) {
      this.tag = tag;
    }

    @ProcessElement
    public void process(@Element Row row) {
      GATHERED.get(tag).add(row.getValues() + "|" + row.getInt64("trip_count"));
    }
  }
}
