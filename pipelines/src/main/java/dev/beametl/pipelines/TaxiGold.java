package dev.beametl.pipelines;

import dev.beametl.options.TaxiGoldOptions;
import dev.beametl.options.TaxiGoldOptions.LoadTo;
import dev.beametl.transforms.Materialize;
import dev.beametl.transforms.aggregate.Aggregate;
import dev.beametl.transforms.aggregate.AggregateSpec;
import dev.beametl.transforms.csv.ParseCsvFiles;
import dev.beametl.transforms.files.InputFiles;
import dev.beametl.transforms.files.WriteRows;
import dev.beametl.transforms.gates.RowRules;
import dev.beametl.transforms.jdbc.JdbcTarget;
import dev.beametl.transforms.jdbc.PostgresSink;
import dev.beametl.transforms.jdbc.RedshiftCopyReplace;
import dev.beametl.transforms.jdbc.SqlSession;
import dev.beametl.transforms.parquet.ReadParquetRows;
import dev.beametl.transforms.parquet.RecordToRow;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import dev.beametl.transforms.rejects.WriteRejects;
import dev.beametl.transforms.report.RunReport;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * {@code taxi-gold} (was the EMR step, the Airflow DAG and the Redshift COPY): staging files ->
 * per {@code pulocationid, trip_type, payment_type} (a null key is its own group) the sums of
 * fare, distance, tip and total (nulls skipped) and the trip count -> Parquet or CSV files ->
 * optionally the table {@code nyc.main_data} replaced with them in one transaction; the table and
 * the files change only once the run passed its gates.
 *
 * <p>Counts: {@code read} staging rows, each {@code aggregated} into exactly one group (or
 * rejected, for a CSV staging value that does not parse); {@code written} gold rows (also {@code
 * groups}); {@code loaded} rows in PostgreSQL, {@code loads} for a Redshift COPY.
 */
public final class TaxiGold {
  public static final EtlPipeline<TaxiGoldOptions> PIPELINE = EtlPipeline.of(TaxiGoldOptions.class, TaxiGold::run);
  public static final String NAME = PIPELINE.name();
  public static final String DEFAULT_TABLE = TaxiGoldOptions.DEFAULT_TABLE;

  /** The staging columns the gold needs: only these are decoded from Parquet. */
  public static final Schema INPUT =
      Schema.builder()
          .addNullableInt64Field("pulocationid")
          .addNullableInt64Field("trip_type")
          .addNullableInt64Field("payment_type")
          .addNullableDoubleField("fare_amount")
          .addNullableDoubleField("trip_distance")
          .addNullableDoubleField("tip_amount")
          .addNullableDoubleField("total_amount")
          .build();

  public static final List<String> KEYS = List.of("pulocationid", "trip_type", "payment_type");

  /** TLC files give money in cents and distances in hundredths of a mile: sums keep that scale. */
  static final int SUM_DECIMALS = 2;

  /** The gold: the original's sum of fares, plus the trip count and the other sums. */
  public static final AggregateSpec TOTALS =
      AggregateSpec.groupBy(KEYS.toArray(String[]::new))
          .sum("fare_amount", "total_fare_amount")
          .count("trip_count")
          .sum("trip_distance", "total_trip_distance")
          .sum("tip_amount", "total_tip_amount")
          .sum("total_amount", "total_amount")
          .sumsRoundedTo(SUM_DECIMALS);

  /** The gold rows' columns. */
  static final Schema GOLD = TOTALS.outputSchema(INPUT);

  /** The count of gold rows staged for a PostgreSQL load. */
  static final String LOADED = "loaded";

  /** The count of Redshift COPYs, made on the driver. */
  static final String LOADS = "loads";

  /** Beside the staged gold files, the list of them a Redshift COPY loads (its "_" keeps it out of the publish). */
  static final String COPY_MANIFEST = "_redshift-copy.manifest";

  static Aggregate totals() {
    return Aggregate.of(TOTALS);
  }

  /** The gold rows and the staging rows rejected on the way. */
  public record Outputs(PCollection<Row> gold, PCollection<Reject> rejects) {}

  private TaxiGold() {}

  public static RunReport run(TaxiGoldOptions options) {
    return run(options, null, () -> {});
  }

  /**
   * As {@link #run(TaxiGoldOptions)}, sending the Redshift SQL to {@code redshiftSessions} instead of
   * a JDBC connection to {@code --jdbcUrl} when not null (tests record it: no Redshift here), and
   * running {@code beforeLoad} after the gates, just before the load (tests simulate a crash there).
   *
   * <p>Nothing is visible before the run passed its gates: the gold files are written into the
   * run's staging directory, and a PostgreSQL load into a staging table. After the gates the table
   * is replaced in one transaction (PostgreSQL: from the staging table; Redshift: COPY from the
   * staged files), and only then are the files published. A failed load publishes nothing.
   */
  static RunReport run(TaxiGoldOptions options, SqlSession.Factory redshiftSessions, Runnable beforeLoad) {
    LoadTo loadTo = options.getLoadTo();
    JdbcTarget target = loadTo == LoadTo.NONE ? null : target(options);
    RedshiftCopyReplace redshift =
        loadTo != LoadTo.REDSHIFT
            ? null
            : redshiftSessions == null
                ? RedshiftCopyReplace.of(target, options.getOutput(), options.getRedshiftIamRole())
                : RedshiftCopyReplace.of(target.table(), options.getOutput(), options.getRedshiftIamRole(), redshiftSessions);
    PostgresSink postgres = loadTo == LoadTo.POSTGRES ? PostgresSink.replace(target, KEYS.toArray(String[]::new)).countingAs(LOADED) : null;
    PipelineRun run = PipelineRun.start(options);
    List<String> inputs = InputFiles.resolve(inputPatterns(options.getInput()));
    run.inputs(inputs).output(options.getOutput());
    if (target != null) {
      run.output(target.toString());
      DatabaseCheck.beforeReading(run, target.toString(), postgres != null ? () -> postgres.checkTarget(GOLD) : redshift::checkTarget);
    }
    try (FileOutputRun output = FileOutputRun.start(run, options, NAME, options.getOutput());
        PostgresSink.Publication publication = postgres == null ? null : run.prepare(postgres::prepare)) {
      Pipeline pipeline = Pipeline.create(options);
      Outputs outputs = run.prepare(() -> build(pipeline, inputs, QualityGates.rowRules(options)));
      PCollection<Row> gold = outputs.gold();
      PCollectionList<Reject> rejects = PCollectionList.of(outputs.rejects());
      if (publication != null) {
        // Two consumers: materialized first, so that a cluster never re-runs the counted merge for the second.
        gold = gold.apply("OnceForBoth", Materialize.inBatches());
        rejects = rejects.and(gold.apply("StageLoad", postgres));
        run.prepare(() -> {
          publication.createTables(GOLD);
          return null;
        });
      }
      // One file (the default) is sorted by the keys, as a user reads it; more files are not sorted.
      WriteRows write = WriteRows.to(output.directory(), options.getOutputFormat()).countingWritten();
      gold.apply("WriteGold", options.getOutputShards() <= 1 ? write.sortedBy(KEYS) : write.withNumShards(options.getOutputShards()));
      rejects.apply("WithLoadRejects", Flatten.pCollections()).apply("WriteRejects", WriteRejects.to(options.getRejects()));
      return output.execute(
          run,
          pipeline,
          report -> {
            beforeLoad.run();
            if (publication != null) {
              publication.publish(report.count(LOADED));
            }
            if (redshift != null) {
              redshift.replaceWith(output.staged().files(), output.directory() + COPY_MANIFEST);
              report.counted(LOADS, 1);
            }
            output.staged().publishReplacing(name -> false);
          });
    } catch (SQLException e) {
      throw new IllegalStateException("could not release the load of " + target, e);
    }
  }

  /** Reads the staging files (Parquet, or CSV written with --outputFormat=csv) and totals them. */
  public static Outputs build(Pipeline pipeline, List<String> inputs) {
    return build(pipeline, inputs, RowRules.none());
  }

  /**
   * As {@link #build(Pipeline, List)}, the staging rows checked by {@code rules} before they are
   * totalled: a row that breaks one is rejected, not aggregated.
   *
   * @throws IllegalArgumentException when a rule names a column the staging files do not have
   */
  public static Outputs build(Pipeline pipeline, List<String> inputs, RowRules rules) {
    List<String> csv = inputs.stream().filter(f -> f.toLowerCase(Locale.ROOT).endsWith(".csv")).toList();
    if (!csv.isEmpty() && csv.size() != inputs.size()) {
      throw new IllegalArgumentException("the staging input mixes CSV and Parquet files; give one format per run");
    }
    PCollection<FileIO.ReadableFile> files = pipeline.apply("ReadFiles", InputFiles.readEvenly(inputs));
    if (csv.isEmpty() && rules.isEmpty()) {
      // Parquet staging is typed already: read only the columns needed, folding them as they are read.
      return new Outputs(
          files.apply("Totals", totals().overParquetFiles(INPUT)), pipeline.apply("NoRejects", Create.empty(TypeDescriptor.of(Reject.class))));
    }
    WithRejects<Row> parsed =
        csv.isEmpty()
            ? files.apply("ReadParquet", ReadParquetRows.as(RecordToRow.to(withRuleColumns(rules))))
            : files.apply("ParseCsv", ParseCsvFiles.as(TaxiStaging.SCHEMA));
    WithRejects<Row> checked = rules.after(parsed.getOutput(), parsed.getRejects());
    return new Outputs(checked.getOutput().apply("Totals", totals()), checked.getRejects());
  }

  /** The columns the gold reads, and those the rules read (staging columns, by name). */
  static Schema withRuleColumns(RowRules rules) {
    Schema.Builder columns = Schema.builder().addFields(INPUT.getFields());
    for (String column : rules.columns()) {
      if (!TaxiStaging.SCHEMA.hasField(column)) {
        throw new IllegalArgumentException(
            "a row rule names the column '" + column + "', which staging files do not have (columns: "
                + String.join(", ", TaxiStaging.SCHEMA.getFieldNames()) + ")");
      }
      if (!INPUT.hasField(column)) {
        columns.addField(TaxiStaging.SCHEMA.getField(column));
      }
    }
    return columns.build();
  }

  /** A staging directory (no wildcard, no extension) stands for the Parquet and CSV files in it. */
  static String inputPatterns(String input) {
    List<String> patterns = new ArrayList<>();
    for (String pattern : Arrays.stream(input.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()) {
      String last = pattern.substring(pattern.lastIndexOf('/') + 1);
      boolean directory = pattern.endsWith("/") || (!pattern.matches(".*[*?\\[{].*") && !last.contains("."));
      if (directory) {
        String dir = pattern.endsWith("/") ? pattern : pattern + "/";
        patterns.add(dir + "*.parquet");
        patterns.add(dir + "*.csv");
      } else {
        patterns.add(pattern);
      }
    }
    return String.join(",", patterns);
  }

  static JdbcTarget target(TaxiGoldOptions options) {
    return JdbcTargets.of(options, DEFAULT_TABLE);
  }
}
