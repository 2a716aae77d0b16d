package dev.beametl.transforms.parquet;

import dev.beametl.transforms.EtlMetrics;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Contextful;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A Parquet table partitioned the Hive/Spark way: {@code <root>/<column>=<value>/<files>}, the
 * partition column living in the directory names only (Spark's {@code partitionBy} layout, so
 * Spark, Athena and Glue read it as one table). Files and directories whose names start with
 * {@code .} or {@code _} are not part of the table (temporary files, {@code _SUCCESS} markers).
 */
public final class PartitionedParquetTable {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final String root;
  private final String partitionColumn;

  private PartitionedParquetTable(String root, String partitionColumn) {
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    this.partitionColumn = partitionColumn;
  }

  /**
   * @throws IllegalArgumentException when the column name is not a plain identifier
   */
  public static PartitionedParquetTable at(String root, String partitionColumn) {
    if (!IDENTIFIER.matcher(partitionColumn).matches()) {
      throw new IllegalArgumentException("partition column '" + partitionColumn + "' must be letters, digits and underscores");
    }
    return new PartitionedParquetTable(root, partitionColumn);
  }

  public String root() {
    return root;
  }

  public String partitionColumn() {
    return partitionColumn;
  }

  /** The table's data files right now, sorted; empty when the table does not exist yet. */
  public List<String> files() {
    String pattern = root + "/" + partitionColumn + "=*/*";
    List<String> files = new ArrayList<>();
    try {
      MatchResult match = FileSystems.match(pattern, EmptyMatchTreatment.ALLOW);
      for (MatchResult.Metadata m : match.metadata()) {
        String name = m.resourceId().getFilename();
        if (!m.resourceId().isDirectory() && name != null && !hidden(name)) {
          files.add(m.resourceId().toString());
        }
      }
    } catch (FileNotFoundException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the table at " + root, e);
    }
    files.sort(null);
    return files;
  }

  /**
   * Appends rows that carry the partition column: each goes to {@code <column>=<value>/} as
   * {@code part-<fileTag>-SSSSS-of-NNNNN.parquet} (Snappy), without that column inside the file.
   * Files are written under a temporary directory and renamed into place once all are complete;
   * {@code fileTag} (e.g. the run id) keeps one append from ever replacing another's files.
   */
  public Append append(String fileTag) {
    return new Append(this, fileTag, 1);
  }

  /** The value of the partition column, given the path of one of the table's files; null if it has none. */
  public @Nullable String partitionOf(String file) {
    String marker = "/" + partitionColumn + "=";
    int start = file.lastIndexOf(marker);
    if (start < 0) {
      return null;
    }
    int end = file.indexOf('/', start + marker.length());
    return end < 0 ? null : file.substring(start + marker.length(), end);
  }

  private static boolean hidden(String name) {
    return name.startsWith(".") || name.startsWith("_");
  }

  /** Writes rows into the table's partitions; counts each row handed to the writer as {@code written}. */
  public static final class Append extends PTransform<PCollection<Row>, WriteFilesResult<String>> {
    private final PartitionedParquetTable table;
    private final String fileTag;
    private final int filesPerPartition;

    private Append(PartitionedParquetTable table, String fileTag, int filesPerPartition) {
      if (filesPerPartition < 1) {
        throw new IllegalArgumentException("files per partition must be >= 1, got " + filesPerPartition);
      }
      this.table = table;
      this.fileTag = fileTag;
      this.filesPerPartition = filesPerPartition;
    }

    /** Files written into each partition by this append (default 1). */
    public Append withFilesPerPartition(int files) {
      return new Append(table, fileTag, files);
    }

    @Override
    public WriteFilesResult<String> expand(PCollection<Row> rows) {
      Schema schema = rows.getSchema();
      String column = table.partitionColumn;
      if (!schema.hasField(column)) {
        throw new IllegalArgumentException("rows have no partition column " + column + ": " + schema.getFieldNames());
      }
      Schema fileSchema = withoutField(schema, column);
      org.apache.avro.Schema avro = AvroUtils.toAvroSchema(fileSchema);
      SerializableFunction<Row, GenericRecord> toRecord = new ToRecord(fileSchema, avro);
      String prefix = "part-" + fileTag;
      return rows.apply("CountWritten", ParDo.of(EtlMetrics.countWritten()))
          .setRowSchema(schema)
          .apply(
              "WritePartitions",
              FileIO.<String, Row>writeDynamic()
                  .by(row -> String.valueOf(row.<Object>getValue(column)))
                  .withDestinationCoder(StringUtf8Coder.of())
                  .via(Contextful.fn(toRecord), RowParquetWriter.avroSink(avro))
                  .to(table.root)
                  .withNaming(value -> FileIO.Write.defaultNaming(column + "=" + value + "/" + prefix, ".parquet"))
                  .withNumShards(filesPerPartition));
    }

    private static Schema withoutField(Schema schema, String column) {
      Schema.Builder b = Schema.builder();
      schema.getFields().stream().filter(f -> !f.getName().equals(column)).forEach(b::addField);
      return b.build();
    }
  }

  /** A row, minus the partition column, as an Avro record. */
  private static final class ToRecord implements SerializableFunction<Row, GenericRecord> {
    private final Schema fileSchema;
    private final String avroSchemaJson;
    private transient org.apache.avro.Schema avro;

    ToRecord(Schema fileSchema, org.apache.avro.Schema avro) {
      this.fileSchema = fileSchema;
      this.avroSchemaJson = avro.toString();
    }

    @Override
    public GenericRecord apply(Row row) {
      if (avro == null) {
        avro = new org.apache.avro.Schema.Parser().parse(avroSchemaJson);
      }
      Row.Builder values = Row.withSchema(fileSchema);
      for (Schema.Field field : fileSchema.getFields()) {
        values.addValue(row.getValue(field.getName()));
      }
      return AvroUtils.toGenericRecord(values.build(), avro);
    }
  }
}
