package dev.beametl.pipelines;

import dev.beametl.options.RideWeatherOptions;
import dev.beametl.transforms.files.IncrementalPlan;
import dev.beametl.transforms.files.InputFiles;
import dev.beametl.transforms.files.OutputManifest;
import dev.beametl.transforms.files.StagedOutput;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import dev.beametl.transforms.rejects.WriteRejects;
import dev.beametl.transforms.report.RunReport;
import dev.beametl.transforms.rides.EnrichRides;
import dev.beametl.transforms.rides.ParseRides;
import dev.beametl.transforms.rides.WriteRides;
import dev.beametl.transforms.stations.ReadStations;
import dev.beametl.transforms.stations.StationTable;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;

/**
 * {@code ride-weather}: ride telemetry JSON -> each ride with its nearest weather station -> files.
 *
 * <p>Ride files (a JSON array, {@code {"travel_data": [...]}}, or JSON lines) are streamed record
 * by record; bad records go to rejects with the reason. Each ride gets the station nearest by the
 * SPEC's haversine (ties to the station listed first), found by an index built once per worker from
 * the station list (a side input) and always equal to a scan of all stations; then
 * {@code heavy_utilization} and the distance to the station. Written as sharded Parquet, CSV or
 * JSON lines: nothing is overwritten or dropped, unlike the per-ride objects of the original. The
 * files appear under their final names only once the run passed its gates ({@link FileOutputRun}).
 *
 * <p>Counts: read = every ride record (plus each unreadable piece of a file), written = rides
 * written with their station, rejected = bad records; nothing is filtered.
 */
public final class RideWeather {
  public static final EtlPipeline<RideWeatherOptions> PIPELINE = EtlPipeline.of(RideWeatherOptions.class, RideWeather::run);
  public static final String NAME = PIPELINE.name();

  /** What the pipeline produces before the sinks: enriched rides and everything rejected. */
  public record Outputs(PCollection<Row> rides, PCollection<Reject> rejects) {}

  private RideWeather() {}

  public static RunReport run(RideWeatherOptions options) {
    return run(options, () -> {});
  }

  /**
   * Runs; the staged files are published after the gates, then the manifest is written;
   * {@code beforeManifest} runs in between (tests simulate a crash there).
   *
   * <p>With {@code --incremental} each run's files are its own ({@code part-<runId>-...}): a changed
   * or reprocessed input is read again together with every input whose rides share its earlier
   * run's files, and those files are replaced.
   */
  static RunReport run(RideWeatherOptions options, Runnable beforeManifest) {
    PipelineRun run = PipelineRun.start(options);
    List<InputFiles.Listed> listed = InputFiles.list(options.getInput());
    Set<String> forced = options.getReprocess() == null ? Set.of() : Set.copyOf(InputFiles.resolve(options.getReprocess()));
    String stations = stationFile(options.getStations());
    run.output(options.getOutput());
    try (FileOutputRun output = FileOutputRun.start(run, options, NAME, options.getOutput())) {
      OutputManifest manifest = output.manifest();
      IncrementalPlan plan =
          run.prepare(() -> withRunsReplaced(IncrementalPlan.of(listed, options.getIncremental(), manifest.recordedInputs(), forced), listed, manifest));
      List<String> inputs = plan.paths();
      run.inputs(inputs).inputs(List.of(stations)).incremental(plan);
      Set<String> replacedRuns = new HashSet<>();
      plan.toRead().forEach(in -> {
        OutputManifest.Entry before = manifest.entries().get(in.path());
        if (before != null) {
          replacedRuns.add(before.runId());
        }
      });

      Pipeline pipeline = Pipeline.create(options);
      Outputs outputs = build(pipeline, options, inputs, stations);
      outputs
          .rides()
          .apply("Write", WriteRides.to(output.directory(), options.getOutputFormat()).withNumShards(options.getOutputShards()));
      outputs.rejects().apply("WriteRejects", WriteRejects.to(options.getRejects()));
      StagedOutput staged = options.getIncremental() ? output.staged().taggingFilesWithRun(options.getRunId()) : output.staged();
      // An incremental run keeps the files of the runs whose inputs it does not read again.
      Set<String> keptRuns = new HashSet<>();
      if (options.getIncremental() && manifest.incremental()) {
        manifest.entries().values().forEach(e -> keptRuns.add(e.runId()));
        keptRuns.removeAll(replacedRuns);
      }
      return output.execute(
          run,
          pipeline,
          report -> {
            staged.publishReplacing(name -> keptRuns.stream().anyMatch(r -> StagedOutput.isOfRun(name, r)));
            beforeManifest.run();
            List<OutputManifest.Entry> read =
                plan.toRead().stream().map(in -> new OutputManifest.Entry(in, options.getRunId(), "")).toList();
            manifest.with(options.getIncremental(), read).writeTo(options.getOutput(), options.getRunId());
          });
    }
  }

  /**
   * The plan, plus the unchanged inputs whose rides share files with an input read again (the
   * files of the run that read it earlier are replaced whole), reported as reprocessed.
   *
   * @throws IllegalArgumentException when such an input is no longer listed (moved or deleted)
   */
  static IncrementalPlan withRunsReplaced(IncrementalPlan plan, List<InputFiles.Listed> listed, OutputManifest manifest) {
    if (!plan.incremental()) {
      return plan;
    }
    Set<String> runs = new HashSet<>();
    for (String path : plan.paths()) {
      OutputManifest.Entry before = manifest.entries().get(path);
      if (before != null) {
        runs.add(before.runId());
      }
    }
    Set<String> forced = new HashSet<>(plan.reprocessed());
    Set<String> present = new HashSet<>();
    listed.forEach(l -> present.add(l.path()));
    for (OutputManifest.Entry e : manifest.entries().values()) {
      if (runs.contains(e.runId()) && !plan.paths().contains(e.input().path())) {
        if (!present.contains(e.input().path())) {
          throw new IllegalArgumentException(
              "an input read again shares output files of run " + e.runId() + " with " + e.input().path()
                  + ", which is no longer there; rebuild the output with a run without --incremental");
        }
        forced.add(e.input().path());
      }
    }
    return IncrementalPlan.of(listed, true, manifest.recordedInputs(), forced);
  }

  /** The pipeline up to (not including) the sinks: stations, parse, nearest station. */
  public static Outputs build(Pipeline pipeline, RideWeatherOptions options, List<String> inputs, String stationFile) {
    PCollectionView<StationTable> stations =
        pipeline.apply(
            "ReadStations",
            ReadStations.from(stationFile)
                .withColumns(
                    new StationTable.Columns(
                        options.getStationIdColumn(), options.getStationLatitudeColumn(), options.getStationLongitudeColumn())));
    WithRejects<Row> parsed =
        pipeline
            .apply("ReadFiles", InputFiles.read(inputs))
            .apply("Parse", ParseRides.fromFiles().withArrayKey(options.getRidesArrayKey()).withRangeBytes(options.getReadRangeBytes()));
    PCollection<Row> rides =
        parsed
            .getOutput()
            .apply("Enrich", EnrichRides.withStations(stations).withMagicPerDistance(options.getMagicPerDistance()));
    WithRejects<Row> checked = QualityGates.rowRules(options).after(rides, parsed.getRejects());
    return new Outputs(checked.getOutput(), checked.getRejects());
  }

  /** The one file {@code --stations} names: the tie rule needs a single, ordered list. */
  static String stationFile(String pattern) {
    List<String> files;
    try {
      files = InputFiles.resolve(pattern);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--stations=" + pattern + ": no such file");
    }
    if (files.size() != 1) {
      throw new IllegalArgumentException("--stations=" + pattern + " must name one file, it matches " + files.size());
    }
    return files.get(0);
  }
}
