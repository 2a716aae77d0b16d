package dev.beametl.pipelines;

import dev.beametl.options.FileOutputOptions.OutputFormat;
import dev.beametl.options.TaxiStagingOptions;
import dev.beametl.transforms.csv.CsvHeaderCheck;
import dev.beametl.transforms.csv.ParseCsvFiles;
import dev.beametl.transforms.files.InputFiles;
import dev.beametl.transforms.files.SourceLifecycle;
import dev.beametl.transforms.files.WriteRows;
import dev.beametl.transforms.gates.RowRules;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import dev.beametl.transforms.rejects.WriteRejects;
import dev.beametl.transforms.report.RunReport;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
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
 * every data record read is either written or rejected. Inputs are archived or deleted
 * ({@code --afterLoad}) only after the staging files are complete.
 */
public final class TaxiStaging {
  public static final String NAME = "taxi-staging";
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

  /** The staging files written (once complete) and everything rejected. */
  public record Outputs(PCollection<String> files, PCollection<Reject> rejects) {}

  private TaxiStaging() {}

  public static void main(String[] args) {
    BeamEtl.main(LoanFilter.prepend(NAME, args));
  }

  public static RunReport run(TaxiStagingOptions options) {
    PipelineRun run = PipelineRun.start(options);
    SourceLifecycle lifecycle = SourceLifecycle.of(options.getAfterLoad(), options.getArchiveTo(), options.getRunId());
    List<String> inputs = InputFiles.resolve(options.getInput());
    lifecycle.checkInputs(inputs);
    run.inputs(inputs).output(options.getOutput());

    Pipeline pipeline = Pipeline.create(options);
    Outputs outputs = run.prepare(() -> build(pipeline, options, inputs));
    outputs.rejects().apply("WriteRejects", WriteRejects.to(options.getRejects()));
    return run.execute(pipeline, report -> lifecycle.apply(inputs).forEach(report::output));
  }

  /**
   * Reads, types and writes the trips. By default each input file is parsed and written in one
   * step, one staging file per input file; with {@code --outputShards=N} the rows are
   * redistributed into exactly N files (which costs a shuffle of every row).
   */
  public static Outputs build(Pipeline pipeline, TaxiStagingOptions options, List<String> inputs) {
    OutputFormat format = options.getOutputFormat();
    ParseCsvFiles parse = ParseCsvFiles.as(SCHEMA).withIgnoredColumns(DROPPED_COLUMN);
    PCollection<Reject> badFiles =
        pipeline.apply("BadHeaderFiles", CsvHeaderCheck.of(parse.parser(), options.getOnBadHeader()).check(inputs));
    PCollection<FileIO.ReadableFile> files = pipeline.apply("ReadFiles", InputFiles.readEvenly(inputs));
    RowRules rules = QualityGates.rowRules(options);
    if (options.getOutputShards() == 0 && rules.isEmpty()) {
      WithRejects<String> written = files.apply("ParseAndWrite", parse.writeTo(options.getOutput(), format));
      return new Outputs(written.getOutput(), withBadFiles(written.getRejects(), badFiles));
    }
    // Row rules need the rows as a collection, so they take the parse-then-write path.
    WithRejects<Row> parsed = files.apply("Parse", parse);
    PCollection<Row> rows = parsed.getOutput();
    PCollection<Reject> rejects = parsed.getRejects();
    if (!rules.isEmpty()) {
      WithRejects<Row> checked = rows.apply("Rules", rules);
      rows = checked.getOutput();
      rejects = WithRejects.concat("AllRejects", rejects, checked.getRejects());
    }
    WriteFilesResult<Void> written =
        rows.apply("Write", WriteRows.to(options.getOutput(), format).withNumShards(options.getOutputShards()).countingWritten());
    return new Outputs(written.getPerDestinationOutputFilenames().apply("FileNames", Values.create()), withBadFiles(rejects, badFiles));
  }

  private static PCollection<Reject> withBadFiles(PCollection<Reject> rejects, PCollection<Reject> badFiles) {
    return PCollectionList.of(rejects).and(badFiles).apply("AllRejects", Flatten.pCollections());
  }
}
