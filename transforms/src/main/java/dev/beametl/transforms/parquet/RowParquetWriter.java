package dev.beametl.transforms.parquet;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.Row;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.ReadableInstant;

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
    return schema.getFields().stream().allMatch(f -> RowReadSupport.decodes(f.getType().getTypeName()));
  }

  /** A sink of rows: written directly when {@link #supports} them, else through Avro records. */
  public static FileIO.Sink<Row> sink(Schema schema) {
    return new RowSink(schema);
  }

  /** Beam's Avro-record Parquet sink with this project's settings (Snappy). */
  public static ParquetIO.Sink avroSink(org.apache.avro.Schema avro) {
    return ParquetIO.sink(avro).withCompressionCodec(CompressionCodecName.SNAPPY);
  }

  private static ParquetWriter<Row> open(WritableByteChannel channel, Schema schema) throws IOException {
    return new Builder(new ChannelOutputFile(channel), schema).withCompressionCodec(CompressionCodecName.SNAPPY).build();
  }

  private static final class RowSink implements FileIO.Sink<Row> {
    private final Schema schema;
    private @Nullable ParquetWriter<Row> direct;
    private FileIO.@Nullable Sink<GenericRecord> viaAvro;
    private @Nullable SerializableFunction<Row, GenericRecord> toRecord;

    RowSink(Schema schema) {
      this.schema = schema;
    }

    @Override
    public void open(WritableByteChannel channel) throws IOException {
      if (supports(schema)) {
        direct = RowParquetWriter.open(channel, schema);
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

  private static final class Builder extends ParquetWriter.Builder<Row, Builder> {
    private final Schema schema;

    Builder(OutputFile file, Schema schema) {
      super(file);
      this.schema = schema;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Row> getWriteSupport(Configuration conf) {
      return new RowWriteSupport(schema);
    }
  }

  private static final class RowWriteSupport extends WriteSupport<Row> {
    private final Schema schema;
    private final String[] names;
    private final Schema.TypeName[] types;
    private final MessageType parquetSchema;
    private final String avroSchema;
    private RecordConsumer out;

    RowWriteSupport(Schema schema) {
      this.schema = schema;
      org.apache.avro.Schema avro = AvroUtils.toAvroSchema(schema);
      this.avroSchema = avro.toString();
      this.parquetSchema = new AvroSchemaConverter().convert(avro);
      this.names = schema.getFieldNames().toArray(new String[0]);
      this.types = schema.getFields().stream().map(f -> f.getType().getTypeName()).toArray(Schema.TypeName[]::new);
    }

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(parquetSchema, Map.of("parquet.avro.schema", avroSchema, "writer.model.name", "avro"));
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.out = recordConsumer;
    }

    @Override
    public void write(Row row) {
      out.startMessage();
      for (int i = 0; i < names.length; i++) {
        Object v = row.getValue(i);
        if (v == null) {
          continue;
        }
        out.startField(names[i], i);
        switch (types[i]) {
          case INT64 -> out.addLong((Long) v);
          case INT32 -> out.addInteger((Integer) v);
          case DOUBLE -> out.addDouble((Double) v);
          case FLOAT -> out.addFloat((Float) v);
          case BOOLEAN -> out.addBoolean((Boolean) v);
          case STRING -> out.addBinary(Binary.fromString((String) v));
          case DATETIME -> out.addLong(((ReadableInstant) v).getMillis());
          default -> throw new IllegalStateException("unsupported type in " + schema);
        }
        out.endField(names[i], i);
      }
      out.endMessage();
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
