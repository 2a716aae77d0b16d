package dev.beametl.transforms.parquet;

import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
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
import org.apache.beam.sdk.values.TupleTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads Parquet files into typed rows ({@link RecordToRow}), one file per element, each file with
 * its own schema and only the columns the rows need. Every record counts as read; a record that
 * does not fit is rejected naming the column; a file whose content is not valid Parquet is one
 * reject (record 0, counted as one record read), and the other files go on. An I/O error (a
 * network or storage failure, which may be transient) fails the bundle instead, naming the file:
 * the runner retries it, or the run fails with its input untouched.
 *
 * <p>{@link #strict()} is for data that must be readable, such as an existing table the run
 * compares against: any problem fails the run, naming the file, instead of being rejected.
 */
public final class ReadParquetRows extends PTransform<PCollection<FileIO.ReadableFile>, WithRejects<Row>> {
  public static final String SOURCE_FILE = "source_file";
  public static final String SOURCE_RECORD = "source_record";
  public static final String UNREADABLE_FILE = "unreadable_file";

  private static final TupleTag<Row> ROWS = new TupleTag<>() {};
  private static final TupleTag<Reject> REJECTS = new TupleTag<>() {};

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
    if (!sourceColumns) {
      return converter.schema();
    }
    return Schema.builder().addFields(converter.schema().getFields()).addStringField(SOURCE_FILE).addInt64Field(SOURCE_RECORD).build();
  }

  @Override
  public WithRejects<Row> expand(PCollection<FileIO.ReadableFile> files) {
    // One output, split after a shuffle (WithRejects.split): the counted read runs once on a Spark cluster.
    WithRejects<Row> read =
        WithRejects.split(
            files
                .apply("ReadRecords", ParDo.of(new ReadFileFn(this)))
                .setCoder(WithRejects.outcomeCoder(files.getPipeline(), SchemaCoder.of(outputSchema()))));
    return WithRejects.of(ROWS, read.getOutput().setRowSchema(outputSchema()), REJECTS, read.getRejects());
  }

  private static final class ReadFileFn extends DoFn<FileIO.ReadableFile, KV<Row, Reject>> {
    private static final Logger LOG = LoggerFactory.getLogger(ReadFileFn.class);
    private final RecordToRow converter;
    private final boolean strict;
    private final String step;
    private final Schema outputSchema;
    private final boolean sourceColumns;
    private final Counter read;
    private final Counter files = EtlMetrics.counter("files");

    ReadFileFn(ReadParquetRows spec) {
      this.converter = spec.converter;
      this.strict = spec.strict;
      this.step = spec.step;
      this.outputSchema = spec.outputSchema();
      this.sourceColumns = spec.sourceColumns;
      this.read = EtlMetrics.counter(spec.readCounter);
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<KV<Row, Reject>> out) throws IOException {
      String source = file.getMetadata().resourceId().toString();
      long records = 0;
      ParquetFiles.Reader reader;
      try {
        reader = ParquetFiles.open(file.getMetadata(), Set.copyOf(converter.schema().getFieldNames()));
      } catch (IOException e) {
        throw new IOException("cannot read " + source + ": " + e.getMessage(), e);
      } catch (RuntimeException e) {
        unreadable(source, 0, e, out);
        return;
      }
      try (reader) {
        checkColumns(source, reader.fileSchema());
        while (true) {
          GenericRecord record;
          try {
            record = reader.next();
          } catch (IOException e) {
            throw new IOException("cannot read " + source + " after " + records + " records: " + e.getMessage(), e);
          } catch (RuntimeException e) {
            unreadable(source, records, e, out);
            return;
          }
          if (record == null) {
            break;
          }
          records++;
          read.inc();
          RecordToRow.Result result = converter.convert(record);
          if (result.row() != null) {
            out.output(KV.of(sourceColumns ? withSource(result.row(), source, records) : result.row(), null));
          } else {
            RecordToRow.Problem p = result.problem();
            if (strict) {
              throw new IllegalStateException(String.format("%s record %d: column %s: %s", source, records, p.column(), p.detail()));
            }
            out.output(KV.of(null, new Reject(step, p.reason(), p.column(), p.detail(), source, records, record.toString())));
          }
        }
      }
      if (!strict) {
        // Counts the run's inputs, not the data it compares against.
        files.inc();
      }
      LOG.info("{}: {} records", source, records);
    }

    private void checkColumns(String source, org.apache.avro.Schema fileSchema) {
      List<String> missing = converter.missingColumns(fileSchema);
      if (strict && !missing.isEmpty()) {
        throw new IllegalStateException(source + " has no column(s) " + missing);
      }
      if (!missing.isEmpty()) {
        LOG.warn("{}: no column(s) {}; they are read as nulls", source, missing);
      }
      List<String> unknown = converter.unknownColumns(fileSchema);
      if (!unknown.isEmpty() && !strict) {
        LOG.warn("{}: column(s) {} are not part of the output and are not read", source, unknown);
      }
    }

    /** The file failed after {@code records} good records: one reject for the rest of it. */
    private void unreadable(String source, long records, RuntimeException e, OutputReceiver<KV<Row, Reject>> out) {
      if (strict) {
        throw new IllegalStateException("cannot read " + source + ": " + e, e);
      }
      LOG.error("{}: unreadable after {} records: {}", source, records, e.toString());
      read.inc();
      String detail = (records == 0 ? "" : "after " + records + " records: ") + e;
      out.output(KV.of(null, new Reject(step, UNREADABLE_FILE, null, detail, source, 0, null)));
    }

    private Row withSource(Row row, String source, long record) {
      return Row.withSchema(outputSchema).addValues(row.getValues()).addValues(source, record).build();
    }
  }
}
