package dev.beametl.pipelines;

import dev.beametl.options.TaxiStagingOptions;
import dev.beametl.transforms.csv.CsvHeaderCheck;
import dev.beametl.transforms.csv.ParseCsvFiles;
import dev.beametl.transforms.csv.ParseCsvToFiles;
import dev.beametl.transforms.files.FinalizeFiles;
import dev.beametl.transforms.files.IncrementalPlan;
import dev.beametl.transforms.files.InputFiles;
import dev.beametl.transforms.files.OutputFormat;
import dev.beametl.transforms.files.OutputManifest;
import dev.beametl.transforms.files.SourceLifecycle;
import dev.beametl.transforms.files.WriteRows;
import dev.beametl.transforms.gates.RowRules;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import dev.beametl.transforms.rejects.WriteRejects;
import dev.beametl.transforms.report.RunReport;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.Row;

/**
 * {@code taxi-staging} (was the Glue job): raw NYC TLC green taxi CSV -> typed rows with
 * lower-case names -> Parquet (Snappy) or CSV files.
 *
 * <p>Columns are bound by header name, case-insensitively ({@code VendorID} is {@code vendorid});
 * {@code congestion_surcharge} is dropped (and may be absent, as in files before 2019); empty
 * fields are nulls; a value that does not parse rejects its row, naming the column. Counts:
 * every data record read is either written or rejected. The files appear under their final names
 * only once the run passed its gates ({@link FileOutputRun}); inputs are archived or deleted
 * ({@code --afterLoad}) only after that and after the manifest recorded them.
 */
public final class TaxiStaging {
  public static final EtlPipeline<TaxiStagingOptions> PIPELINE = EtlPipeline.of(TaxiStagingOptions.class, TaxiStaging::run);
  public static final String NAME = PIPELINE.name();
  public static final String DROPPED_COLUMN = "congestion_surcharge";

  /** The staging layout: the TLC columns in file order, lower-case, with their SPEC types. */
  public static final Schema SCHEMA =
      Schema.builder()
          .addNullableInt64Field("vendorid")
          .addNullableField("lpep_pickup_datetime", FieldType.DATETIME)
          .addNullableField("lpep_dropoff_datetime", FieldType.DATETIME)
          .addNullableStringField("store_and_fwd_flag")
          .addNullableInt64Field("ratecodeid")
          .addNullableInt64Field("pulocationid")
          .addNullableInt64Field("dolocationid")
          .addNullableInt64Field("passenger_count")
          .addNullableDoubleField("trip_distance")
          .addNullableDoubleField("fare_amount")
          .addNullableDoubleField("extra")
          .addNullableDoubleField("mta_tax")
          .addNullableDoubleField("tip_amount")
          .addNullableDoubleField("tolls_amount")
          .addNullableStringField("ehail_fee")
          .addNullableDoubleField("improvement_surcharge")
          .addNullableDoubleField("total_amount")
          .addNullableInt64Field("payment_type")
          .addNullableInt64Field("trip_type")
          .build();

  /** The staging files written (once complete, in the run's staging directory) and everything rejected. */
  public record Outputs(PCollection<String> files, PCollection<Reject> rejects) {}

  private TaxiStaging() {}

  public static RunReport run(TaxiStagingOptions options) {
    return run(options, () -> {});
  }

  /**
   * Runs; the staged files are published after the gates, then the manifest is written, then the
   * inputs are archived or deleted. {@code beforeManifest} runs between publish and manifest (tests
   * simulate a crash there).
   */
  static RunReport run(TaxiStagingOptions options, Runnable beforeManifest) {
    OutputFormat format = options.getOutputFormat();
    PipelineRun run = PipelineRun.start(options);
    SourceLifecycle lifecycle = SourceLifecycle.of(options.getAfterLoad(), options.getArchiveTo(), options.getRunId());
    List<InputFiles.Listed> listed = InputFiles.list(options.getInput());
    Set<String> forced = options.getReprocess() == null ? Set.of() : Set.copyOf(InputFiles.resolve(options.getReprocess()));
    run.output(options.getOutput());
    try (FileOutputRun output = FileOutputRun.start(run, options, NAME, options.getOutput())) {
      IncrementalPlan plan = IncrementalPlan.of(listed, options.getIncremental(), output.manifest().recordedInputs(), forced);
      List<String> inputs = plan.paths();
      lifecycle.checkInputs(inputs);
      run.inputs(inputs).incremental(plan);

      Pipeline pipeline = Pipeline.create(options);
      Outputs outputs = run.prepare(() -> build(pipeline, options, inputs, output.directory()));
      outputs.rejects().apply("WriteRejects", WriteRejects.to(options.getRejects()));
      String extension = format.name().toLowerCase(Locale.ROOT);
      // Files of inputs recorded and not read again stay; a re-read input's file is replaced by name.
      Set<String> kept = options.getIncremental() ? Set.copyOf(output.manifest().outputFileNames()) : Set.of();
      return output.execute(
          run,
          pipeline,
          report -> {
            output.staged().publishReplacing(kept::contains);
            beforeManifest.run();
            List<OutputManifest.Entry> read =
                plan.toRead().stream()
                    .map(in -> new OutputManifest.Entry(in, options.getRunId(), options.getIncremental() ? output.staged().output() + FinalizeFiles.nameFor(in.path(), extension) : ""))
                    .toList();
            output.manifest().with(options.getIncremental(), read).writeTo(options.getOutput(), options.getRunId());
            lifecycle.apply(inputs).forEach(report::output);
          });
    }
  }

  /**
   * Reads, types and writes the trips under {@code directory}. By default each input file is
   * parsed and written in one step, one staging file per input file (with {@code --incremental}
   * named after it); with {@code --outputShards=N} the rows are redistributed into exactly N files
   * (which costs a shuffle of every row).
   */
  public static Outputs build(Pipeline pipeline, TaxiStagingOptions options, List<String> inputs, String directory) {
    OutputFormat format = options.getOutputFormat();
    ParseCsvFiles parse = ParseCsvFiles.as(SCHEMA).withIgnoredColumns(DROPPED_COLUMN).withRangeBytes(options.getReadRangeBytes());
    PCollection<Reject> badFiles =
        pipeline.apply("BadHeaderFiles", CsvHeaderCheck.of(parse.parser(), options.getOnBadHeader()).check(inputs));
    PCollection<FileIO.ReadableFile> files = pipeline.apply("ReadFiles", InputFiles.readEvenly(inputs));
    RowRules rules = QualityGates.rowRules(options);
    if (options.getOutputShards() == 0 && rules.isEmpty()) {
      ParseCsvToFiles write = parse.writeTo(directory, format);
      WithRejects<String> written = files.apply("ParseAndWrite", options.getIncremental() ? write.namedAfterInputs() : write);
      return new Outputs(written.getOutput(), withBadFiles(written.getRejects(), badFiles));
    }
    // Row rules need the rows as a collection, so they take the parse-then-write path.
    WithRejects<Row> parsed = files.apply("Parse", parse);
    WithRejects<Row> checked = rules.after(parsed.getOutput(), parsed.getRejects());
    PCollection<String> written =
        checked.getOutput().apply("Write", WriteRows.to(directory, format).withNumShards(options.getOutputShards()).countingWritten());
    return new Outputs(written, withBadFiles(checked.getRejects(), badFiles));
  }

  private static PCollection<Reject> withBadFiles(PCollection<Reject> rejects, PCollection<Reject> badFiles) {
    return PCollectionList.of(rejects).and(badFiles).apply("AllRejects", Flatten.pCollections());
  }
}
