package dev.beametl.transforms.files;

import dev.beametl.transforms.EtlMetrics;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.function.Consumer;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * Reads Parquet files (such as {@link WriteRows} writes) into rows of a schema that names the
 * columns wanted, bound by name: only those columns are decoded, so reading 7 of 19 columns costs
 * about 7/19. Counts each row as {@code read}. Field types: INT32, INT64, DOUBLE, FLOAT, BOOLEAN,
 * STRING and DATETIME (Parquet timestamp-millis). A file without one of the columns, or with a
 * different type, fails the run naming the file.
 */
public final class ReadParquetRows extends PTransform<PCollection<FileIO.ReadableFile>, PCollection<Row>> {
  private final Schema schema;

  private ReadParquetRows(Schema schema) {
    this.schema = schema;
  }

  public static ReadParquetRows as(Schema schema) {
    for (Schema.Field f : schema.getFields()) {
      RowReadSupport.parquetType(f.getType().getTypeName());
    }
    return new ReadParquetRows(schema);
  }

  @Override
  public PCollection<Row> expand(PCollection<FileIO.ReadableFile> files) {
    return files.apply("ReadParquet", ParDo.of(new ReadFn(schema))).setRowSchema(schema);
  }

  private static final class ReadFn extends DoFn<FileIO.ReadableFile, Row> {
    private final Counter read = EtlMetrics.read();
    private final Schema schema;

    ReadFn(Schema schema) {
      this.schema = schema;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<Row> out) throws IOException {
      forEachRow(file, schema, read, out::output);
    }
  }

  /**
   * Hands every row of one file to {@code each}, counting them as {@code read}: for a step that
   * consumes rows as it reads them instead of emitting them (see {@code GroupTotals}).
   */
  public static void forEachRow(FileIO.ReadableFile file, Schema schema, Counter read, Consumer<Row> each) throws IOException {
    String name = file.getMetadata().resourceId().toString();
    RowReadSupport support = new RowReadSupport(schema);
    try (ParquetReader<Row> reader =
        new ParquetReader.Builder<Row>(new ChannelInputFile(file)) {
          @Override
          protected ReadSupport<Row> getReadSupport() {
            return support;
          }
        }.withConf(new Configuration(false)).build()) {
      long rows = 0;
      for (Row row = reader.read(); row != null; row = reader.read()) {
        each.accept(row);
        // Counted in batches: a metric update per row costs as much as decoding the row.
        if (++rows % 10_000 == 0) {
          read.inc(10_000);
        }
      }
      read.inc(rows % 10_000);
    } catch (RuntimeException e) {
      throw new IOException("cannot read " + name + " as " + schema.getFieldNames() + ": " + e.getMessage(), e);
    }
  }

  /** A Beam file (local, s3://...) as a Parquet input: Parquet seeks to the footer and the column chunks it needs. */
  private static final class ChannelInputFile implements InputFile {
    private final FileIO.ReadableFile file;

    ChannelInputFile(FileIO.ReadableFile file) {
      this.file = file;
    }

    @Override
    public long getLength() {
      return file.getMetadata().sizeBytes();
    }

    @Override
    public SeekableInputStream newStream() throws IOException {
      return new ChannelInputStream(file.openSeekable());
    }
  }

  /** Reads straight from the channel into Parquet's buffers (a stream adapter would copy every page twice). */
  private static final class ChannelInputStream extends SeekableInputStream {
    private final SeekableByteChannel channel;

    ChannelInputStream(SeekableByteChannel channel) {
      this.channel = channel;
    }

    @Override
    public long getPos() throws IOException {
      return channel.position();
    }

    @Override
    public void seek(long newPos) throws IOException {
      channel.position(newPos);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int off, int len) throws IOException {
      return channel.read(ByteBuffer.wrap(bytes, off, len));
    }

    @Override
    public int read(ByteBuffer buf) throws IOException {
      return channel.read(buf);
    }

    @Override
    public void readFully(byte[] bytes) throws IOException {
      readFully(ByteBuffer.wrap(bytes));
    }

    @Override
    public void readFully(byte[] bytes, int start, int len) throws IOException {
      readFully(ByteBuffer.wrap(bytes, start, len));
    }

    @Override
    public void readFully(ByteBuffer buf) throws IOException {
      while (buf.hasRemaining()) {
        if (channel.read(buf) < 0) {
          throw new EOFException("reached the end of the file with " + buf.remaining() + " bytes left to read");
        }
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
