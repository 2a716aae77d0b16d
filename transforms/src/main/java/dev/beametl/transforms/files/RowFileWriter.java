package dev.beametl.transforms.files;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.Row;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

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

  /** Parquet: rows written directly when the schema is flat and simple, else through Avro records. */
  private static final class ParquetRowSink implements FileIO.Sink<Row> {
    private final Schema schema;
    private final org.apache.avro.Schema avro;
    private ParquetWriter<Row> direct;
    private FileIO.Sink<GenericRecord> viaAvro;
    private SerializableFunction<Row, GenericRecord> toRecord;

    ParquetRowSink(Schema schema) {
      this.schema = schema;
      this.avro = AvroUtils.toAvroSchema(schema);
    }

    @Override
    public void open(WritableByteChannel channel) throws IOException {
      if (RowParquetWriter.supports(schema)) {
        direct = RowParquetWriter.open(channel, schema);
      } else {
        viaAvro = ParquetIO.sink(avro).withCompressionCodec(CompressionCodecName.SNAPPY);
        toRecord = AvroUtils.getRowToGenericRecordFunction(avro);
        viaAvro.open(channel);
      }
    }

    @Override
    public void write(Row row) throws IOException {
      if (direct != null) {
        direct.write(row);
      } else {
        viaAvro.write(toRecord.apply(row));
      }
    }

    @Override
    public void flush() throws IOException {
      if (direct != null) {
        direct.close();
      } else {
        viaAvro.flush();
      }
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
