package dev.beametl.transforms.parquet;

import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.records.ReadRecords;
import dev.beametl.transforms.records.SourceColumns;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import java.io.IOException;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Reads Parquet files into typed rows ({@link RecordToRow}), one file per element, each file with
 * its own schema and only the columns the rows need. Every record counts as read; a record that
 * does not fit is rejected naming the column; a file whose content is not valid Parquet is one
 * reject (record 0, counted as one record read), and the other files go on. An I/O error (a
 * network or storage failure, which may be transient) fails the bundle instead, naming the file:
 * the runner retries it, or the run fails with its input untouched. Read whole, with the record
 * loop of {@link ReadRecords#readBatches} ({@link ParquetFileRecords}).
 *
 * <p>{@link #strict()} is for data that must be readable, such as an existing table the run
 * compares against: any problem fails the run, naming the file, instead of being rejected.
 */
public final class ReadParquetRows extends PTransform<PCollection<FileIO.ReadableFile>, WithRejects<Row>> {
  public static final String UNREADABLE_FILE = "unreadable_file";


  private final RecordToRow converter;
  private final boolean sourceColumns;
  private final boolean strict;
  private final String readCounter;
  private final String step;

  private ReadParquetRows(RecordToRow converter, boolean sourceColumns, boolean strict, String readCounter, String step) {
    this.converter = converter;
    this.sourceColumns = sourceColumns;
    this.strict = strict;
    this.readCounter = readCounter;
    this.step = step;
  }

  /** Rows converted by {@code converter}, counted as {@code read}; rejects are attributed to the step {@code parse}. */
  public static ReadParquetRows as(RecordToRow converter) {
    return new ReadParquetRows(converter, false, false, EtlMetrics.READ, "parse");
  }

  /** Adds {@code source_file} and {@code source_record} (1-based) to every row: its lineage. */
  public ReadParquetRows withSourceColumns() {
    return new ReadParquetRows(converter, true, strict, readCounter, step);
  }

  /** Fails on the first problem instead of rejecting, and counts records under {@code counter} instead of {@code read}. */
  public ReadParquetRows strict(String counter) {
    return new ReadParquetRows(converter, sourceColumns, true, counter, step);
  }

  public Schema outputSchema() {
    return sourceColumns ? SourceColumns.addedTo(converter.schema()) : converter.schema();
  }

  @Override
  public WithRejects<Row> expand(PCollection<FileIO.ReadableFile> files) {
    // One output, split after a shuffle (WithRejects.split): the counted read runs once on a Spark cluster.
    WithRejects<Row> read =
        WithRejects.split(
            files
                .apply("ReadRecords", ParDo.of(new ReadFileFn(this)))
                .setCoder(WithRejects.outcomeCoder(files.getPipeline(), SchemaCoder.of(outputSchema()))));
    return WithRejects.of(read.getOutput().setRowSchema(outputSchema()), read.getRejects());
  }

  /** Reads a file whole (no byte position a checkpoint could resume at) with the one record loop. */
  private static final class ReadFileFn extends DoFn<FileIO.ReadableFile, KV<Row, Reject>> {
    private final ParquetFileRecords records;
    private final boolean strict;
    private final Counter read;
    private final Counter files = EtlMetrics.counter("files");

    ReadFileFn(ReadParquetRows spec) {
      this.records = new ParquetFileRecords(spec.converter, spec.outputSchema(), spec.sourceColumns, spec.strict, spec.step);
      this.strict = spec.strict;
      this.read = EtlMetrics.counter(spec.readCounter);
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<KV<Row, Reject>> out) throws IOException {
      boolean[] unreadable = {false};
      ReadRecords.readBatches(records, file, records.range(file), after -> true, read, batch -> {
        for (KV<Row, Reject> outcome : batch) {
          unreadable[0] |= outcome.getValue() != null && UNREADABLE_FILE.equals(outcome.getValue().reason);
          out.output(outcome);
        }
      });
      if (!strict && !unreadable[0]) {
        // Counts the run's inputs, not the data it compares against.
        files.inc();
      }
    }
  }
}
