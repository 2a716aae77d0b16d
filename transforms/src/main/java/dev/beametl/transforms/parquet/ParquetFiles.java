package dev.beametl.transforms.parquet;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads Parquet files through Beam's file systems (local, s3://) as Avro generic records, each file
 * with its own schema, reading only the wanted columns it has. Legacy INT96 timestamps (Spark's
 * default) come back as 12-byte fixed values.
 */
public final class ParquetFiles {
  private ParquetFiles() {}

  /** An open file: its full schema (as Avro) and its records, projected to the wanted columns. */
  public static final class Reader implements Closeable {
    private final Schema fileSchema;
    private final ParquetReader<GenericRecord> records;
    private @Nullable GenericRecord peeked;

    private Reader(Schema fileSchema, @Nullable GenericRecord first, ParquetReader<GenericRecord> records) {
      this.fileSchema = fileSchema;
      this.peeked = first;
      this.records = records;
    }

    /** Every column of the file, whether read or not. */
    public Schema fileSchema() {
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
    InputFile input = new ChannelInputFile(file.resourceId(), file.sizeBytes());
    Configuration conf = new Configuration(false);
    conf.setBoolean(AvroReadSupport.READ_INT96_AS_FIXED, true);
    conf.setBoolean(AvroReadSupport.AVRO_COMPATIBILITY, false);
    ProjectingReadSupport support = new ProjectingReadSupport(columns);
    ParquetReader<GenericRecord> records = new Builder(input, support).withConf(conf).build();
    try {
      // Parquet reads the footer (and so learns the schema) only when the first record is asked for.
      GenericRecord first = records.read();
      return new Reader(support.fileSchema(), first, records);
    } catch (IOException | RuntimeException e) {
      records.close();
      throw e;
    }
  }

  /** Opens a file named by path, for tests and tools. */
  public static Reader open(String path, @Nullable Set<String> columns) throws IOException {
    return open(FileSystems.matchSingleFileSpec(path), columns);
  }

  private static final class Builder extends ParquetReader.Builder<GenericRecord> {
    private final ReadSupport<GenericRecord> support;

    Builder(InputFile file, ReadSupport<GenericRecord> support) {
      super(file);
      this.support = support;
    }

    @Override
    protected ReadSupport<GenericRecord> getReadSupport() {
      return support;
    }
  }

  /** Avro read support that projects each file to the wanted columns it actually has. */
  private static final class ProjectingReadSupport extends AvroReadSupport<GenericRecord> {
    private final @Nullable Set<String> columns;
    private @Nullable Schema fileSchema;

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

    Schema fileSchema() {
      if (fileSchema == null) {
        throw new IllegalStateException("the file's footer has not been read");
      }
      return fileSchema;
    }
  }

  /** A Parquet input file over a Beam file system: every stream is a fresh seekable channel. */
  static final class ChannelInputFile implements InputFile {
    private final ResourceId resource;
    private final long length;

    ChannelInputFile(ResourceId resource, long length) {
      this.resource = resource;
      this.length = length;
    }

    @Override
    public long getLength() {
      return length;
    }

    @Override
    public SeekableInputStream newStream() throws IOException {
      ReadableByteChannel channel = FileSystems.open(resource);
      if (!(channel instanceof SeekableByteChannel)) {
        channel.close();
        throw new IOException(resource + " cannot be read at random positions, which Parquet needs");
      }
      SeekableByteChannel seekable = (SeekableByteChannel) channel;
      return new DelegatingSeekableInputStream(Channels.newInputStream(seekable)) {
        @Override
        public long getPos() throws IOException {
          return seekable.position();
        }

        @Override
        public void seek(long newPos) throws IOException {
          seekable.position(newPos);
        }
      };
    }

    @Override
    public String toString() {
      return resource.toString();
    }
  }
}
