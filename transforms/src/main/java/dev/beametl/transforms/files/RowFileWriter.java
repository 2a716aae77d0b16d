package dev.beametl.transforms.files;

import dev.beametl.transforms.parquet.RowParquetWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.Row;

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
        sink = RowParquetWriter.sink(schema);
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
