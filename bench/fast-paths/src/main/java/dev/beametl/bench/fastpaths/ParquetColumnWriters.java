package dev.beametl.bench.fastpaths;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.schemas.Schema;
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
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.ReadableInstant;

/**
 * The baseline of RowParquetWriter's page encoder: rows written value by value into parquet-mr's
 * column writers (its ColumnWriteStore and page store), the way RowParquetWriter wrote them until
 * 2026-12-04, with parquet-mr's rule for cutting row groups.
 */
final class ParquetColumnWriters {
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

  ParquetColumnWriters(OutputFile out, Schema schema) throws IOException {
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
