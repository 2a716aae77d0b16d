package dev.beametl.pipelines;

import dev.beametl.options.LoanFilterOptions;
import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.csv.CsvHeaderCheck;
import dev.beametl.transforms.csv.ParseCsvFiles;
import dev.beametl.transforms.files.IncrementalPlan;
import dev.beametl.transforms.files.InputFiles;
import dev.beametl.transforms.files.SourceLifecycle;
import dev.beametl.transforms.jdbc.JdbcTarget;
import dev.beametl.transforms.jdbc.PostgresSink;
import dev.beametl.transforms.records.SourceColumns;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import dev.beametl.transforms.rejects.WriteRejects;
import dev.beametl.transforms.report.RunReport;
import dev.beametl.transforms.rows.RoundDoubles;
import dev.beametl.transforms.rows.RowFilter;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.transforms.RenameFields;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.Row;

/**
 * {@code loan-filter}: Lending Club loans CSV -> typed, rounded, filtered rows -> PostgreSQL.
 *
 * <p>Each file's header is checked by name; values are cast to the SPEC's types (a bad value
 * rejects its row, naming the column); doubles are rounded half-up; {@code desc} becomes
 * {@code description}; rows that are charged off, of purpose {@code other} or under the FICO
 * threshold are filtered out. The load is an upsert keyed by source file and record number, so a
 * re-run never duplicates. Inputs are archived or deleted only after the load committed.
 */
public final class LoanFilter {
  public static final EtlPipeline<LoanFilterOptions> PIPELINE = EtlPipeline.of(LoanFilterOptions.class, LoanFilter::run);
  public static final String NAME = PIPELINE.name();
  public static final String DEFAULT_TABLE = LoanFilterOptions.DEFAULT_TABLE;

  /** The 53 columns of the Lending Club export, in file order, with their SPEC types. */
  public static final Schema SCHEMA =
      Schema.builder()
          .addNullableInt32Field("id")
          .addNullableDoubleField("loan_amnt")
          .addNullableDoubleField("funded_amnt")
          .addNullableDoubleField("funded_amnt_inv")
          .addNullableStringField("term")
          .addNullableStringField("int_rate")
          .addNullableDoubleField("installment")
          .addNullableStringField("grade")
          .addNullableStringField("sub_grade")
          .addNullableStringField("emp_length")
          .addNullableStringField("home_ownership")
          .addNullableDoubleField("annual_inc")
          .addNullableStringField("verification_status")
          .addNullableStringField("issue_d")
          .addNullableStringField("loan_status")
          .addNullableStringField("desc")
          .addNullableStringField("purpose")
          .addNullableStringField("title")
          .addNullableStringField("zip_code")
          .addNullableStringField("addr_state")
          .addNullableDoubleField("dti")
          .addNullableInt32Field("delinq_2yrs")
          .addNullableStringField("earliest_cr_line")
          .addNullableInt32Field("fico_range_low")
          .addNullableInt32Field("fico_range_high")
          .addNullableInt32Field("inq_last_6mths")
          .addNullableInt32Field("mths_since_last_delinq")
          .addNullableInt32Field("mths_since_last_record")
          .addNullableInt32Field("open_acc")
          .addNullableInt32Field("pub_rec")
          .addNullableDoubleField("revol_bal")
          .addNullableStringField("revol_util")
          .addNullableInt32Field("total_acc")
          .addNullableStringField("initial_list_status")
          .addNullableInt32Field("out_prncp")
          .addNullableInt32Field("out_prncp_inv")
          .addNullableDoubleField("total_pymnt")
          .addNullableDoubleField("total_pymnt_inv")
          .addNullableDoubleField("total_rec_prncp")
          .addNullableDoubleField("total_rec_int")
          .addNullableDoubleField("total_rec_late_fee")
          .addNullableDoubleField("recoveries")
          .addNullableDoubleField("collection_recovery_fee")
          .addNullableStringField("last_pymnt_d")
          .addNullableDoubleField("last_pymnt_amnt")
          .addNullableStringField("next_pymnt_d")
          .addNullableStringField("last_credit_pull_d")
          .addNullableInt32Field("last_fico_range_high")
          .addNullableInt32Field("last_fico_range_low")
          .addNullableInt32Field("collections_12_mths_ex_med")
          .addNullableStringField("mths_since_last_major_derog")
          .addNullableInt32Field("policy_code")
          .addNullableStringField("application_type")
          .build();

  /** What the pipeline produces before the sink: the loans to load and everything rejected. */
  public record Outputs(PCollection<Row> loans, PCollection<Reject> rejects) {}

  private LoanFilter() {}

  /** Runs against the PostgreSQL table named by the options. */
  public static RunReport run(LoanFilterOptions options) {
    return run(options, () -> {});
  }

  /**
   * Runs, and publishes the loaded rows only once the pipeline succeeded and every quality gate
   * passed; {@code beforePublish} runs just before (tests simulate a crash there).
   */
  static RunReport run(LoanFilterOptions options, Runnable beforePublish) {
    PipelineRun run = PipelineRun.start(options);
    SourceLifecycle lifecycle = SourceLifecycle.of(options.getAfterLoad(), options.getArchiveTo(), options.getRunId());
    List<InputFiles.Listed> listed = InputFiles.list(options.getInput());
    Set<String> forced = options.getReprocess() == null ? Set.of() : Set.copyOf(InputFiles.resolve(options.getReprocess()));
    JdbcTarget target = target(options);
    run.output(target.toString());
    PostgresSink sink =
        PostgresSink.upsert(target, SourceColumns.FILE, SourceColumns.RECORD).withBatchSize(options.getJdbcBatchSize());
    // build() reads every input's header: take the loans' schema from a build over no input instead.
    Schema loans = build(Pipeline.create(options), options, List.of()).loans().getSchema();
    DatabaseCheck.beforeReading(run, target.toString(), () -> sink.checkTarget(loans));

    try (PostgresSink.Publication publication = run.prepare(sink::prepare)) {
      IncrementalPlan plan =
          IncrementalPlan.of(listed, options.getIncremental(), run.prepare(() -> publication.recordedInputs(NAME)), forced);
      List<String> inputs = plan.paths();
      lifecycle.checkInputs(inputs);
      run.inputs(inputs).incremental(plan);

      Pipeline pipeline = Pipeline.create(options);
      Outputs outputs = run.prepare(() -> build(pipeline, options, inputs));
      PCollection<Reject> refused = outputs.loans().apply("Load", sink);
      WithRejects.concat("WithLoadRejects", outputs.rejects(), refused).apply("WriteRejects", WriteRejects.to(options.getRejects()));
      run.prepare(() -> {
        publication.createTables(loans);
        return null;
      });
      return run.execute(
          pipeline,
          report -> {
            beforePublish.run();
            publication.publish(report.count(EtlMetrics.WRITTEN), NAME, options.getRunId(), plan.toRead());
            lifecycle.apply(inputs).forEach(report::output);
          });
    } catch (SQLException e) {
      throw new IllegalStateException("could not release the load of " + target, e);
    }
  }

  /**
   * Runs with any sink for the loans (tests swap it); {@code sinkName} goes in the report. Nothing
   * is staged or published: the sink itself is the load.
   */
  static RunReport run(LoanFilterOptions options, PTransform<PCollection<Row>, ? extends POutput> sink, String sinkName) {
    PipelineRun run = PipelineRun.start(options);
    SourceLifecycle lifecycle = SourceLifecycle.of(options.getAfterLoad(), options.getArchiveTo(), options.getRunId());
    List<String> inputs = InputFiles.resolve(options.getInput());
    lifecycle.checkInputs(inputs);
    run.inputs(inputs).output(sinkName);

    Pipeline pipeline = Pipeline.create(options);
    Outputs outputs = run.prepare(() -> build(pipeline, options, inputs));
    outputs.loans().apply("Load", sink);
    outputs.rejects().apply("WriteRejects", WriteRejects.to(options.getRejects()));
    return run.execute(pipeline, report -> lifecycle.apply(inputs).forEach(report::output));
  }

  /**
   * The pipeline up to (not including) the sink: parse, round, rename, filter. Checks every input's
   * header first (see {@link CsvHeaderCheck}).
   */
  public static Outputs build(Pipeline pipeline, LoanFilterOptions options, List<String> inputs) {
    ParseCsvFiles parse = ParseCsvFiles.as(SCHEMA).withSourceColumns().withRangeBytes(options.getReadRangeBytes());
    PCollection<Reject> badFiles =
        pipeline.apply("BadHeaderFiles", CsvHeaderCheck.of(parse.parser(), options.getOnBadHeader()).check(inputs));
    WithRejects<Row> parsed = pipeline.apply("ReadFiles", InputFiles.read(inputs)).apply("Parse", parse);
    PCollection<Row> loans =
        parsed
            .getOutput()
            .apply("Round", RoundDoubles.halfUp(options.getRoundingScale()))
            .apply("Rename", RenameFields.<Row>create().rename("desc", "description"))
            .apply(
                "Filter",
                RowFilter.where(
                    RowFilter.notEqual("loan_status", options.getExcludeLoanStatus()),
                    RowFilter.notEqual("purpose", options.getExcludePurpose()),
                    RowFilter.atLeast("last_fico_range_low", options.getMinLastFicoRangeLow())));
    PCollection<Reject> rejects = WithRejects.concat("AllRejects", parsed.getRejects(), badFiles);
    WithRejects<Row> checked = QualityGates.rowRules(options).after(loans, rejects);
    return new Outputs(checked.getOutput(), checked.getRejects());
  }

  static JdbcTarget target(LoanFilterOptions options) {
    return JdbcTargets.of(options, DEFAULT_TABLE);
  }
}
