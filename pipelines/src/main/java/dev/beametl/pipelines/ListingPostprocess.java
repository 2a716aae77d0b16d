package dev.beametl.pipelines;

import dev.beametl.options.ListingPostprocessOptions.Kind;
import dev.beametl.options.ListingPostprocessOptions;
import dev.beametl.transforms.files.BatchFolders;
import dev.beametl.transforms.files.InputFiles;
import dev.beametl.transforms.parquet.PartitionedParquetTable;
import dev.beametl.transforms.parquet.ReadParquetRows;
import dev.beametl.transforms.parquet.RecordToRow;
import dev.beametl.transforms.records.SourceColumns;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import dev.beametl.transforms.rejects.WriteRejects;
import dev.beametl.transforms.report.RunReport;
import dev.beametl.transforms.rows.DropDuplicates;
import java.security.SecureRandom;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.Field;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code listing-postprocess}: raw Airbnb scraper Parquet -> typed, de-duplicated rows appended to
 * a Parquet table partitioned by {@code id % partitions}.
 *
 * <p>Text timestamps ({@code yyyyMMdd'T'HHmmss}, hour 00 included, read as UTC) and dates
 * ({@code yyyy-MM-dd}) are parsed; a value that does not parse rejects its row. Rows are
 * de-duplicated on the kind's key within the batch and against the keys already in the table.
 *
 * <p>Commit protocol (docs/listing-postprocess.md): the table is its own ledger. A run lists the
 * batch folders, writes only rows whose key is not in the table yet into its staging directory
 * (each file under a name unique to the attempt), moves them into the table once the run passed its
 * gates ({@link FileOutputRun}), and archives or deletes the raw files it
 * listed only after the write succeeded. A run that died at any point is repaired by running again: what it
 * already wrote is found in the table and filtered as {@code duplicate_in_table}.
 */
public final class ListingPostprocess {
  private static final Logger LOG = LoggerFactory.getLogger(ListingPostprocess.class);
  public static final EtlPipeline<ListingPostprocessOptions> PIPELINE = EtlPipeline.of(ListingPostprocessOptions.class, ListingPostprocess::run);
  public static final String NAME = PIPELINE.name();
  /** The scraper's timestamps: {@code trigger_time}, {@code pulled}. */
  public static final String TIMESTAMP_FORMAT = "uuuuMMdd'T'HHmmss";
  public static final String DATE_FORMAT = "uuuu-MM-dd";
  public static final String ID = "id";

  /** One kind's table: its columns (in order, typed) and the columns that identify a row. */
  public record Table(Schema schema, List<String> key) {
    /** The key columns, all nullable: how keys are read back from the table, whatever wrote it. */
    Schema keySchema() {
      Schema.Builder b = Schema.builder();
      for (String column : key) {
        b.addField(schema.getField(column).withNullable(true));
      }
      return b.build();
    }
  }

  private static final FieldType DATE = FieldType.logicalType(SqlTypes.DATE);

  static final Table PRICE =
      new Table(
          Schema.builder()
              .addNullableInt64Field("index")
              .addNullableDoubleField("cleaning_fee")
              .addNullableDoubleField("service_fee")
              .addNullableDoubleField("total_price")
              .addField("check_in", DATE)
              .addField("check_out", DATE)
              .addNullableStringField("total_price_description")
              .addNullableStringField("currency")
              .addInt64Field(ID)
              .addNullableDateTimeField("trigger_time")
              .addDateTimeField("pulled")
              .build(),
          List.of(ID, "check_in", "check_out", "pulled"));

  static final Table OCCUPANCY =
      new Table(
          Schema.builder()
              .addNullableInt64Field("index")
              .addField("date", DATE)
              .addNullableBooleanField("available")
              .addNullableInt64Field("min_nights")
              .addNullableInt64Field("max_nights")
              .addNullableBooleanField("available_for_checkin")
              .addNullableBooleanField("available_for_checkout")
              .addNullableBooleanField("bookable")
              .addInt64Field(ID)
              .addNullableDateTimeField("trigger_time")
              .addDateTimeField("pulled")
              .build(),
          List.of(ID, "date", "pulled"));

  static final Table REVIEWS =
      new Table(
          Schema.builder()
              .addNullableInt64Field("index")
              .addField(Field.nullable("date_of_review", DATE))
              .addNullableStringField("review")
              .addNullableDoubleField("rating")
              .addDateTimeField("pulled")
              .addInt64Field(ID)
              .build(),
          List.of("index", "date_of_review", "review", "rating", "pulled", ID));

  /** What the pipeline produces before the table write: the new rows (with the partition column) and the rejects. */
  public record Outputs(PCollection<Row> rows, PCollection<Reject> rejects) {}

  /** Work done after the table write and before the raw files are archived or deleted (tests simulate crashes here). */
  @FunctionalInterface
  interface BeforeCleanup {
    void run() throws Exception;
  }

  private ListingPostprocess() {}

  public static Table table(Kind kind) {
    switch (kind) {
      case PRICE:
        return PRICE;
      case OCCUPANCY:
        return OCCUPANCY;
      case REVIEWS:
        return REVIEWS;
      default:
        throw new IllegalArgumentException("unknown kind " + kind);
    }
  }

  public static RunReport run(ListingPostprocessOptions options) {
    return run(options, () -> {});
  }

  static RunReport run(ListingPostprocessOptions options, BeforeCleanup beforeCleanup) {
    PipelineRun run = PipelineRun.start(options);
    BatchFolders raw = BatchFolders.under(options.getInput(), ".parquet");
    raw.checkAfterLoad(options.getAfterLoad(), options.getArchiveTo());
    PartitionedParquetTable table = PartitionedParquetTable.at(options.getOutput(), options.getPartitionColumn());
    List<BatchFolders.Batch> batches = raw.list();
    List<String> inputs = BatchFolders.files(batches);
    List<String> tableFiles = inputs.isEmpty() ? List.of() : table.files();
    if (batches.isEmpty()) {
      LOG.warn("no batch folders (array_<n>/<yyyyMMddHHmmss>/*.parquet) under {}: nothing to do", options.getInput());
    } else {
      LOG.info("{} batch folders, {} files; the table has {} files", batches.size(), inputs.size(), tableFiles.size());
    }
    run.inputs(inputs).output(table.root());
    try (FileOutputRun output = FileOutputRun.start(run, options, NAME, table.root())) {
      Pipeline pipeline = Pipeline.create(options);
      Outputs outputs = build(pipeline, options, inputs, tableFiles);
      // A scheduler may retry with the same run id: a fresh suffix keeps one attempt from replacing another's files.
      String fileTag = options.getRunId() + "-" + String.format("%06x", new SecureRandom().nextInt(1 << 24));
      outputs.rows()
          .apply(
              "AppendToTable",
              PartitionedParquetTable.at(output.directory(), options.getPartitionColumn())
                  .append(fileTag)
                  .withFilesPerPartition(options.getFilesPerPartition()));
      outputs.rejects().apply("WriteRejects", WriteRejects.to(options.getRejects()));
      return output.execute(
          run,
          pipeline,
          report -> {
            output.staged().publishAdding();
            beforeCleanup.run();
            raw.afterLoad(batches, options.getAfterLoad(), options.getArchiveTo()).forEach(report::output);
          });
    }
  }

  /** The pipeline up to (not including) the table write: parse, de-duplicate, add the partition column. */
  public static Outputs build(Pipeline pipeline, ListingPostprocessOptions options, List<String> inputs, List<String> tableFiles) {
    Table table = table(options.getKind());
    WithRejects<Row> parsed =
        pipeline
            .apply("ListRawFiles", InputFiles.read(inputs))
            .apply("Parse", ReadParquetRows.as(converter(table.schema())).withSourceColumns());
    PCollection<Row> existing =
        pipeline
            .apply("ListTableFiles", InputFiles.read(tableFiles))
            .apply("ReadTableKeys", ReadParquetRows.as(converter(table.keySchema())).strict("table_rows"))
            .getOutput();
    PCollection<Row> fresh =
        parsed
            .getOutput()
            .apply(
                "DropDuplicates",
                DropDuplicates.on(table.key())
                    .keepingFirstBy(SourceColumns.FILE, SourceColumns.RECORD)
                    .against(existing));
    WithRejects<Row> checked = QualityGates.rowRules(options).after(fresh, parsed.getRejects());
    fresh = checked.getOutput();
    PCollection<Reject> rejects = checked.getRejects();
    Schema output = withPartitionColumn(table.schema(), options.getPartitionColumn());
    PCollection<Row> rows =
        fresh
            .apply("AddPartitionColumn", ParDo.of(new PartitionFn(output, options.getPartitions())))
            .setRowSchema(output);
    return new Outputs(rows, rejects);
  }

  private static RecordToRow converter(Schema schema) {
    return RecordToRow.to(schema).withTimestampFormat(TIMESTAMP_FORMAT).withDateFormat(DATE_FORMAT);
  }

  static Schema withPartitionColumn(Schema schema, String column) {
    return Schema.builder().addFields(schema.getFields()).addInt32Field(column).build();
  }

  /** Drops the lineage columns and adds {@code id mod partitions} (never negative). */
  private static final class PartitionFn extends DoFn<Row, Row> {
    private final Schema output;
    private final int partitions;

    PartitionFn(Schema output, int partitions) {
      this.output = output;
      this.partitions = partitions;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<Row> out) {
      Row.Builder b = Row.withSchema(output);
      for (int i = 0; i < output.getFieldCount() - 1; i++) {
        b.addValue(row.getValue(output.getField(i).getName()));
      }
      long id = row.getInt64(ID);
      out.output(b.addValue((int) Math.floorMod(id, (long) partitions)).build());
    }
  }
}
