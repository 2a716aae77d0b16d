package dev.beametl.transforms.parquet;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.Row;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The Parquet writer: rows straight to Parquet (Snappy), without building an Avro record per row.
 * The file is the one the Avro path writes: the same Parquet schema (derived through Avro) and the
 * same Avro schema in its metadata, so Spark, Redshift and Avro readers see no difference. Flat
 * schemas of INT32, INT64, DOUBLE, FLOAT, BOOLEAN, STRING and DATETIME (timestamp-millis) are
 * written directly ({@link #supports}). Other schemas go through {@link #avroSink}, and so do the
 * {@code FileIO} writes of {@code WriteRows} and {@link PartitionedParquetTable}, whose files stay
 * exactly as Beam's sink has always written them.
 */
public final class RowParquetWriter {
  private RowParquetWriter() {}

  /** Whether the rows are written directly: the types {@link ParquetFiles#forEachRow} reads back. */
  static boolean supports(Schema schema) {
    return schema.getFields().stream().allMatch(f -> RowColumnsReader.decodes(f.getType().getTypeName()));
  }

  /** A sink of rows: written directly when {@link #supports} them, else through Avro records. */
  public static FileIO.Sink<Row> sink(Schema schema) {
    return new RowSink(schema);
  }

  /** Beam's Avro-record Parquet sink with this project's settings (Snappy). */
  public static ParquetIO.Sink avroSink(org.apache.avro.Schema avro) {
    return ParquetIO.sink(avro).withCompressionCodec(CompressionCodecName.SNAPPY);
  }

  private static final class RowSink implements FileIO.Sink<Row> {
    private final Schema schema;
    private @Nullable RowColumnsWriter direct;
    private FileIO.@Nullable Sink<GenericRecord> viaAvro;
    private @Nullable SerializableFunction<Row, GenericRecord> toRecord;

    RowSink(Schema schema) {
      this.schema = schema;
    }

    @Override
    public void open(WritableByteChannel channel) throws IOException {
      if (supports(schema)) {
        direct = new RowColumnsWriter(new ChannelOutputFile(channel), schema);
      } else {
        org.apache.avro.Schema avro = AvroUtils.toAvroSchema(schema);
        viaAvro = avroSink(avro);
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

  /** A Beam channel as a Parquet output (Parquet only appends and asks the position). */
  private static final class ChannelOutputFile implements OutputFile {
    private final WritableByteChannel channel;

    ChannelOutputFile(WritableByteChannel channel) {
      this.channel = channel;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) {
      OutputStream stream = Channels.newOutputStream(channel);
      return new PositionOutputStream() {
        private long position;

        @Override
        public long getPos() {
          return position;
        }

        @Override
        public void write(int b) throws IOException {
          stream.write(b);
          position++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          stream.write(b, off, len);
          position += len;
        }

        @Override
        public void flush() throws IOException {
          stream.flush();
        }

        @Override
        public void close() throws IOException {
          stream.close();
        }
      };
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      return create(blockSizeHint);
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }
  }
}
