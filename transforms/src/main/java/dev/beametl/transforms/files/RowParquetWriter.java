package dev.beametl.transforms.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.util.Map;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.schemas.Schema;
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
import org.joda.time.ReadableInstant;

/**
 * Rows straight to Parquet (Snappy), without building an Avro record per row. The file is the one
 * the Avro path writes: the same Parquet schema (derived through Avro) and the same Avro schema in
 * its metadata, so Spark, Redshift and Avro readers see no difference. Flat schemas of INT32,
 * INT64, DOUBLE, FLOAT, BOOLEAN, STRING and DATETIME (timestamp-millis) only: see {@link #supports}.
 */
final class RowParquetWriter {
  private RowParquetWriter() {}

  static boolean supports(Schema schema) {
    return schema.getFields().stream()
        .allMatch(
            f ->
                switch (f.getType().getTypeName()) {
                  case INT32, INT64, DOUBLE, FLOAT, BOOLEAN, STRING, DATETIME -> true;
                  default -> false;
                });
  }

  static ParquetWriter<Row> open(WritableByteChannel channel, Schema schema) throws IOException {
    return new Builder(new ChannelOutputFile(channel), schema).withCompressionCodec(CompressionCodecName.SNAPPY).build();
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
