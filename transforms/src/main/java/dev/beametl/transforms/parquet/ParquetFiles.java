package dev.beametl.transforms.parquet;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The Parquet reader: files through Beam's file systems (local, s3://, see {@link
 * ChannelInputFile}), decoding only the wanted columns, in one of two ways.
 *
 * <ul>
 *   <li>{@link #forEachRow}: straight into {@link Row}s of a schema ({@link RowColumnsReader}), for
 *       files this project writes ({@link RowParquetWriter}): the fast path, no record per row.
 *   <li>{@link #open}: as Avro generic records, each file with its own schema, for files written
 *       elsewhere (scrapers, Spark) whose types drift. {@link RecordToRow} types them leniently,
 *       and a reject keeps the record's Avro text as its original, so this path stays on Avro.
 *       Legacy INT96 timestamps (Spark's default) come back as 12-byte fixed values.
 * </ul>
 */
public final class ParquetFiles {
  private ParquetFiles() {}

  /** An open file: its full schema (as Avro) and its records, projected to the wanted columns. */
  public static final class Reader implements Closeable {
    private final org.apache.avro.Schema fileSchema;
    private final ParquetReader<GenericRecord> records;
    private @Nullable GenericRecord peeked;

    private Reader(org.apache.avro.Schema fileSchema, @Nullable GenericRecord first, ParquetReader<GenericRecord> records) {
      this.fileSchema = fileSchema;
      this.peeked = first;
      this.records = records;
    }

    /** Every column of the file, whether read or not. */
    public org.apache.avro.Schema fileSchema() {
      return fileSchema;
    }

    /** The next record, or null at the end of the file. */
    public @Nullable GenericRecord next() throws IOException {
      if (peeked != null) {
        GenericRecord first = peeked;
        peeked = null;
        return first;
      }
      return records.read();
    }

    @Override
    public void close() throws IOException {
      records.close();
    }
  }

  /** Opens {@code file}, reading only the columns in {@code columns} that it has (all when null). */
  public static Reader open(MatchResult.Metadata file, @Nullable Set<String> columns) throws IOException {
    InputFile input = new ChannelInputFile(file);
    Configuration conf = new Configuration(false);
    conf.setBoolean(AvroReadSupport.READ_INT96_AS_FIXED, true);
    conf.setBoolean(AvroReadSupport.AVRO_COMPATIBILITY, false);
    ProjectingReadSupport support = new ProjectingReadSupport(columns);
    ParquetReader<GenericRecord> records = new Builder<>(input, support).withConf(conf).build();
    try {
      // Parquet reads the footer (and so learns the schema) only when the first record is asked for.
      GenericRecord first = records.read();
      return new Reader(support.fileSchema(), first, records);
    } catch (IOException | RuntimeException e) {
      records.close();
      throw e;
    }
  }

  /**
   * Hands every row of one file to {@code each}, counting them as {@code read}: for a step that
   * consumes rows as it reads them instead of emitting them ({@code Aggregate.overParquetFiles}).
   * A file without one of the columns, or with another type, fails naming the file.
   */
  public static void forEachRow(MatchResult.Metadata file, Schema columns, Counter read, Consumer<Row> each) throws IOException {
    try {
      long rows = RowColumnsReader.forEach(new ChannelInputFile(file), columns, each);
      // Once per file: a metric update per row costs as much as decoding it, and a runner commits
      // a step's metrics only with its bundle anyway.
      read.inc(rows);
    } catch (RuntimeException e) {
      throw new IOException("cannot read " + file.resourceId() + " as " + columns.getFieldNames() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks, when a pipeline is built rather than on a worker, that {@link #forEachRow} decodes
   * every column of {@code columns}: INT32, INT64, DOUBLE, FLOAT, BOOLEAN, STRING and DATETIME.
   *
   * @throws IllegalArgumentException naming the first column of another type
   */
  public static void checkRowColumns(Schema columns) {
    for (Schema.Field f : columns.getFields()) {
      if (!RowColumnsReader.decodes(f.getType().getTypeName())) {
        throw new IllegalArgumentException("cannot read Parquet column " + f.getName() + " into " + f.getType().getTypeName());
      }
    }
  }

  /** Opens a file named by path, for tests and tools. */
  public static Reader open(String path, @Nullable Set<String> columns) throws IOException {
    return open(FileSystems.matchSingleFileSpec(path), columns);
  }

  /** Every record of a file named by path, in file order: for small files (tests, tools). */
  public static List<GenericRecord> readAll(String path) throws IOException {
    List<GenericRecord> records = new ArrayList<>();
    try (Reader reader = open(path, null)) {
      for (GenericRecord r = reader.next(); r != null; r = reader.next()) {
        records.add(r);
      }
    }
    return records;
  }

  private static final class Builder<T> extends ParquetReader.Builder<T> {
    private final ReadSupport<T> support;

    Builder(InputFile file, ReadSupport<T> support) {
      super(file);
      this.support = support;
    }

    @Override
    protected ReadSupport<T> getReadSupport() {
      return support;
    }
  }

  /** Avro read support that projects each file to the wanted columns it actually has. */
  private static final class ProjectingReadSupport extends AvroReadSupport<GenericRecord> {
    private final @Nullable Set<String> columns;
    private org.apache.avro.@Nullable Schema fileSchema;

    ProjectingReadSupport(@Nullable Set<String> columns) {
      super(GenericData.get());
      this.columns = columns;
    }

    @Override
    public ReadContext init(Configuration conf, Map<String, String> keyValueMetaData, MessageType file) {
      AvroSchemaConverter converter = new AvroSchemaConverter(conf);
      fileSchema = converter.convert(file);
      MessageType projection =
          columns == null
              ? file
              : new MessageType(file.getName(), file.getFields().stream().filter(f -> columns.contains(f.getName())).toArray(Type[]::new));
      // Read with the projected Parquet schema itself, not an Avro schema stored in the file, so a
      // column the projection leaves out never needs a default value.
      AvroReadSupport.setAvroReadSchema(conf, converter.convert(projection));
      return new ReadContext(projection, super.init(conf, keyValueMetaData, file).getReadSupportMetadata());
    }

    org.apache.avro.Schema fileSchema() {
      if (fileSchema == null) {
        throw new IllegalStateException("the file's footer has not been read");
      }
      return fileSchema;
    }
  }
}
