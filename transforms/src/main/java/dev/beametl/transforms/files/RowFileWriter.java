package dev.beametl.transforms.files;

import dev.beametl.options.FileOutputOptions.OutputFormat;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.util.function.Function;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.Row;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.joda.time.ReadableInstant;

/**
 * Writes rows to one file, in the formats and layout of {@link WriteRows} (Parquet with Snappy,
 * or CSV with a header), from inside a DoFn: for steps that write as they go instead of handing
 * every row on to a separate write step.
 */
public final class RowFileWriter implements Closeable {
  private final WritableByteChannel channel;
  private final FileIO.Sink<Row> sink;

  private RowFileWriter(WritableByteChannel channel, FileIO.Sink<Row> sink) {
    this.channel = channel;
    this.sink = sink;
  }

  public static RowFileWriter create(ResourceId file, OutputFormat format, Schema schema) throws IOException {
    FileIO.Sink<Row> sink;
    switch (format) {
      case PARQUET:
        sink = new ParquetRowSink(schema);
        break;
      case CSV:
        sink = new CsvRowSink(schema);
        break;
      default:
        throw new IllegalArgumentException("RowFileWriter writes parquet or csv, not " + format);
    }
    WritableByteChannel channel = FileSystems.create(file, MimeTypes.BINARY);
    sink.open(channel);
    return new RowFileWriter(channel, sink);
  }

  public void write(Row row) throws IOException {
    sink.write(row);
  }

  @Override
  public void close() throws IOException {
    sink.flush();
    if (channel.isOpen()) {
      channel.close();
    }
  }

  /** Parquet through Avro records built field by field (AvroUtils' generic conversion costs more than the write). */
  private static final class ParquetRowSink implements FileIO.Sink<Row> {
    private final FileIO.Sink<GenericRecord> parquet;
    private final org.apache.avro.Schema avro;
    private final Function<Row, GenericRecord> toRecord;

    ParquetRowSink(Schema schema) {
      this.avro = AvroUtils.toAvroSchema(schema);
      this.parquet = ParquetIO.sink(avro).withCompressionCodec(CompressionCodecName.SNAPPY);
      this.toRecord = converter(schema, avro);
    }

    @Override
    public void open(WritableByteChannel channel) throws IOException {
      parquet.open(channel);
    }

    @Override
    public void write(Row row) throws IOException {
      parquet.write(toRecord.apply(row));
    }

    @Override
    public void flush() throws IOException {
      parquet.flush();
    }

    private static Function<Row, GenericRecord> converter(Schema schema, org.apache.avro.Schema avro) {
      int n = schema.getFieldCount();
      boolean[] datetime = new boolean[n];
      for (int i = 0; i < n; i++) {
        switch (schema.getField(i).getType().getTypeName()) {
          case INT32, INT64, DOUBLE, FLOAT, BOOLEAN, STRING -> {}
          case DATETIME -> datetime[i] = true;
          default -> {
            return AvroUtils.getRowToGenericRecordFunction(avro)::apply;
          }
        }
      }
      return row -> {
        GenericData.Record record = new GenericData.Record(avro);
        for (int i = 0; i < n; i++) {
          Object v = row.getValue(i);
          record.put(i, datetime[i] && v != null ? (Object) ((ReadableInstant) v).getMillis() : v);
        }
        return record;
      };
    }
  }

  private static final class CsvRowSink implements FileIO.Sink<Row> {
    private final TextIO.Sink text;

    CsvRowSink(Schema schema) {
      this.text = TextIO.sink().withHeader(WriteRows.csvHeader(schema));
    }

    @Override
    public void open(WritableByteChannel channel) throws IOException {
      text.open(channel);
    }

    @Override
    public void write(Row row) throws IOException {
      text.write(WriteRows.toCsvLine(row));
    }

    @Override
    public void flush() throws IOException {
      text.flush();
    }
  }
}
