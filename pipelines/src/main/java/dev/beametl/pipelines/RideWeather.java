package dev.beametl.pipelines;

import dev.beametl.options.RideWeatherOptions;
import dev.beametl.transforms.files.InputFiles;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.gates.RowRules;
import dev.beametl.transforms.rejects.WithRejects;
import dev.beametl.transforms.rejects.WriteRejects;
import dev.beametl.transforms.report.RunReport;
import dev.beametl.transforms.rides.EnrichRides;
import dev.beametl.transforms.rides.ParseRides;
import dev.beametl.transforms.rides.WriteRides;
import dev.beametl.transforms.stations.ReadStations;
import dev.beametl.transforms.stations.StationTable;
import java.util.List;
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
 * JSON lines: nothing is overwritten or dropped, unlike the per-ride objects of the original.
 *
 * <p>Counts: read = every ride record (plus each unreadable piece of a file), written = rides
 * written with their station, rejected = bad records; nothing is filtered.
 */
public final class RideWeather {
  public static final String NAME = "ride-weather";

  /** What the pipeline produces before the sinks: enriched rides and everything rejected. */
  public record Outputs(PCollection<Row> rides, PCollection<Reject> rejects) {}

  private RideWeather() {}

  public static void main(String[] args) {
    BeamEtl.main(LoanFilter.prepend(NAME, args));
  }

  public static RunReport run(RideWeatherOptions options) {
    PipelineRun run = PipelineRun.start(options);
    List<String> inputs = InputFiles.resolve(options.getInput());
    String stations = stationFile(options.getStations());
    run.inputs(inputs).inputs(List.of(stations)).output(options.getOutput());

    Pipeline pipeline = Pipeline.create(options);
    Outputs outputs = build(pipeline, options, inputs, stations);
    outputs
        .rides()
        .apply("Write", WriteRides.to(options.getOutput(), options.getOutputFormat()).withNumShards(options.getOutputShards()));
    outputs.rejects().apply("WriteRejects", WriteRejects.to(options.getRejects()));
    return run.execute(pipeline, report -> {});
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
            .apply("Parse", ParseRides.fromFiles().withArrayKey(options.getRidesArrayKey()));
    PCollection<Row> rides =
        parsed
            .getOutput()
            .apply("Enrich", EnrichRides.withStations(stations).withMagicPerDistance(options.getMagicPerDistance()));
    RowRules rules = QualityGates.rowRules(options);
    if (rules.isEmpty()) {
      return new Outputs(rides, parsed.getRejects());
    }
    WithRejects<Row> checked = rides.apply("Rules", rules);
    return new Outputs(checked.getOutput(), WithRejects.concat("AllRejects", parsed.getRejects(), checked.getRejects()));
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
