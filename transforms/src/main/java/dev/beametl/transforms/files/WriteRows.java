package dev.beametl.transforms.files;

import dev.beametl.options.FileOutputOptions.OutputFormat;
import dev.beametl.transforms.EtlMetrics;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Contextful;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.ToJson;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.joda.time.ReadableInstant;

/**
 * Writes rows as files under a directory: Parquet (Snappy, schema from the rows), CSV with a
 * header, or JSON lines. Files appear under their final names only once the write is complete,
 * so a reader never sees a half-written output.
 */
public final class WriteRows extends PTransform<PCollection<Row>, WriteFilesResult<Void>> {
  private static final DateTimeFormatter CSV_TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private final String directory;
  private final OutputFormat format;
  private final int shards;
  private final boolean countWritten;

  private WriteRows(String directory, OutputFormat format, int shards, boolean countWritten) {
    this.directory = directory;
    this.format = format;
    this.shards = shards;
    this.countWritten = countWritten;
  }

  public static WriteRows to(String directory, OutputFormat format) {
    return new WriteRows(directory, format, 0, false);
  }

  /** Counts each row as {@code written} (for a pipeline whose output is these files). */
  public WriteRows countingWritten() {
    return new WriteRows(directory, format, shards, true);
  }

  /** A fixed number of files; 0 (the default) lets the runner choose. */
  public WriteRows withNumShards(int shards) {
    if (shards < 0) {
      throw new IllegalArgumentException("shards must be >= 0, got " + shards);
    }
    return new WriteRows(directory, format, shards, countWritten);
  }

  @Override
  public WriteFilesResult<Void> expand(PCollection<Row> rows) {
    if (countWritten) {
      rows = rows.apply("CountWritten", ParDo.of(new CountFn())).setRowSchema(rows.getSchema());
    }
    Schema schema = rows.getSchema();
    String suffix = "." + format.name().toLowerCase(Locale.ROOT);
    FileIO.Write<Void, Row> write;
    switch (format) {
      case PARQUET:
        org.apache.avro.Schema avro = AvroUtils.toAvroSchema(schema);
        SerializableFunction<Row, GenericRecord> toRecord = AvroUtils.getRowToGenericRecordFunction(avro);
        write =
            FileIO.<Row>write()
                .via(
                    Contextful.fn(toRecord::apply),
                    ParquetIO.sink(avro).withCompressionCodec(CompressionCodecName.SNAPPY));
        break;
      case CSV:
        write = FileIO.<Row>write().via(Contextful.fn(WriteRows::toCsvLine), TextIO.sink().withHeader(csvHeader(schema)));
        break;
      case JSONL:
        return rows.apply("ToJson", ToJson.of())
            .apply(
                "WriteJsonl",
                FileIO.<String>write().via(TextIO.sink()).to(directory).withPrefix("part").withSuffix(suffix).withNumShards(shards));
      default:
        throw new IllegalArgumentException("unsupported output format " + format);
    }
    return rows.apply("Write" + format, write.to(directory).withPrefix("part").withSuffix(suffix).withNumShards(shards));
  }

  private static final class CountFn extends DoFn<Row, Row> {
    private final Counter written = EtlMetrics.written();

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<Row> out) {
      written.inc();
      out.output(row);
    }
  }

  static String csvHeader(Schema schema) {
    return csv(schema.getFieldNames().toArray());
  }

  /** One row as a CSV line: nulls empty, timestamps {@code yyyy-MM-dd HH:mm:ss} UTC. */
  static String toCsvLine(Row row) {
    Object[] values = new Object[row.getFieldCount()];
    for (int i = 0; i < values.length; i++) {
      Object v = row.getValue(i);
      values[i] = v instanceof ReadableInstant ? CSV_TIMESTAMP.format(java.time.Instant.ofEpochMilli(((ReadableInstant) v).getMillis())) : v;
    }
    return csv(values);
  }

  private static String csv(Object[] values) {
    StringWriter out = new StringWriter();
    try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180.builder().setRecordSeparator("").build())) {
      printer.printRecord(values);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
