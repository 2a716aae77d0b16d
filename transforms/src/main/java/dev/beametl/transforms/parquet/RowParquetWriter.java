package dev.beametl.transforms.parquet;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.util.HashMap;
import java.util.List;
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
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.Binary;
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
    private @Nullable ColumnsWriter direct;
    private FileIO.@Nullable Sink<GenericRecord> viaAvro;
    private @Nullable SerializableFunction<Row, GenericRecord> toRecord;

    RowSink(Schema schema) {
      this.schema = schema;
    }

    @Override
    public void open(WritableByteChannel channel) throws IOException {
      if (supports(schema)) {
        direct = new ColumnsWriter(new ChannelOutputFile(channel), schema);
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

  /**
   * Rows written value by value into parquet-mr's column writers, without its record consumer
   * (which tracks fields, levels and nesting for every value, whatever the schema): a null is a
   * definition level of 0, a value its column's (1, or 0 when the field is not nullable). Row
   * groups are cut by parquet-mr's own record writer's rule with its default settings, so the file
   * is byte for byte the one {@code ParquetWriter} writes through Avro records
   * (ParquetRoundTripTest). Measured with
   * {@code bench/run-fast-paths --parts=parquet-write} (1.57M taxi staging rows into one file, one
   * thread, medians of 5, load 1.2): 1.98 s, against 2.68 s feeding the same rows to the record
   * consumer and 7.07 s through {@code ParquetIO.sink}'s Avro records; the same bytes all three.
   */
  private static final class ColumnsWriter {
    private static final long ROW_GROUP_BYTES = ParquetWriter.DEFAULT_BLOCK_SIZE;
    // parquet-mr's record writer checks the buffered size at most every 10,000 rows, at least every 100.
    private static final long FEWEST_ROWS_BETWEEN_CHECKS = 100;
    private static final long MOST_ROWS_BETWEEN_CHECKS = 10_000;
    private final Schema.TypeName[] types;
    private final MessageType parquetSchema;
    private final ParquetProperties properties = ParquetProperties.builder().build();
    private final CodecFactory codecs = new CodecFactory(new Configuration(), properties.getPageSizeThreshold());
    private final CodecFactory.BytesCompressor compressor = codecs.getCompressor(CompressionCodecName.SNAPPY);
    private final ParquetFileWriter file;
    private final Map<String, String> metadata;
    private final ColumnWriter[] columns;
    private final int[] levels;
    private @Nullable ColumnChunkPageWriteStore pages;
    private @Nullable ColumnWriteStore rowGroup;
    private long rowsInGroup;
    private long rowsAtNextSizeCheck;

    ColumnsWriter(OutputFile out, Schema schema) throws IOException {
      org.apache.avro.Schema avro = AvroUtils.toAvroSchema(schema);
      this.parquetSchema = new AvroSchemaConverter().convert(avro);
      // Built as parquet-mr builds it for parquet-avro (the schema's key copied, then the model's
      // put), so the footer lists the keys in the same order as its files, on every run.
      this.metadata = new HashMap<>(Map.of("parquet.avro.schema", avro.toString()));
      metadata.put("writer.model.name", "avro");
      this.types = schema.getFields().stream().map(f -> f.getType().getTypeName()).toArray(Schema.TypeName[]::new);
      this.columns = new ColumnWriter[types.length];
      this.levels = parquetSchema.getColumns().stream().mapToInt(ColumnDescriptor::getMaxDefinitionLevel).toArray();
      this.file = new ParquetFileWriter(out, parquetSchema, ParquetFileWriter.Mode.CREATE, ROW_GROUP_BYTES,
          ParquetWriter.MAX_PADDING_SIZE_DEFAULT, properties.getColumnIndexTruncateLength(),
          properties.getStatisticsTruncateLength(), properties.getPageWriteChecksumEnabled());
      file.start();
    }

    void write(Row row) throws IOException {
      if (rowGroup == null) {
        startRowGroup();
      }
      for (int i = 0; i < columns.length; i++) {
        Object v = row.getValue(i);
        ColumnWriter column = columns[i];
        if (v == null) {
          column.writeNull(0, 0);
          continue;
        }
        switch (types[i]) {
          case INT64 -> column.write((Long) v, 0, levels[i]);
          case INT32 -> column.write((Integer) v, 0, levels[i]);
          case DOUBLE -> column.write((Double) v, 0, levels[i]);
          case FLOAT -> column.write((Float) v, 0, levels[i]);
          case BOOLEAN -> column.write((Boolean) v, 0, levels[i]);
          case STRING -> column.write(Binary.fromString((String) v), 0, levels[i]);
          case DATETIME -> column.write(((ReadableInstant) v).getMillis(), 0, levels[i]);
          default -> throw new IllegalStateException("unsupported type " + types[i]);
        }
      }
      rowGroup.endRecord();
      rowsInGroup++;
      if (rowsInGroup >= rowsAtNextSizeCheck) {
        checkRowGroupSize();
      }
    }

    void close() throws IOException {
      if (rowGroup != null) {
        endRowGroup();
      }
      file.end(metadata);
      codecs.release();
    }

    private void startRowGroup() {
      pages = new ColumnChunkPageWriteStore(compressor, parquetSchema, properties.getAllocator(),
          properties.getColumnIndexTruncateLength(), properties.getPageWriteChecksumEnabled());
      rowGroup = properties.newColumnWriteStore(parquetSchema, pages, pages);
      List<ColumnDescriptor> descriptors = parquetSchema.getColumns();
      for (int i = 0; i < columns.length; i++) {
        columns[i] = rowGroup.getColumnWriter(descriptors.get(i));
      }
      rowsInGroup = 0;
      rowsAtNextSizeCheck = FEWEST_ROWS_BETWEEN_CHECKS;
    }

    /** parquet-mr's rule: close the group when one more row would pass the size, else guess when it will. */
    private void checkRowGroupSize() throws IOException {
      long buffered = rowGroup.getBufferedSize();
      long bytesPerRow = buffered / rowsInGroup;
      if (buffered > ROW_GROUP_BYTES - 2 * bytesPerRow) {
        endRowGroup();
      } else {
        rowsAtNextSizeCheck = Math.min(
            Math.max(FEWEST_ROWS_BETWEEN_CHECKS, (rowsInGroup + (long) (ROW_GROUP_BYTES / (float) bytesPerRow)) / 2),
            rowsInGroup + MOST_ROWS_BETWEEN_CHECKS);
      }
    }

    private void endRowGroup() throws IOException {
      file.startBlock(rowsInGroup);
      rowGroup.flush();
      pages.flushToFileWriter(file);
      file.endBlock();
      rowGroup.close();
      rowGroup = null;
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
