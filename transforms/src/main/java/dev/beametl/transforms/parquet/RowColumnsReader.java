package dev.beametl.transforms.parquet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * Parquet columns straight into {@link Row}s of a schema, bound by name: only the schema's columns
 * are read, each from its own column reader, with no record assembly and no Avro record in
 * between. Flat columns of the types {@link RowParquetWriter} writes; a missing column or another
 * type is a clear error. The mirror of {@link RowColumnsWriter}: a flat schema needs none of
 * the record reader's level and nesting bookkeeping. taxi-gold on 5M staging rows, Spark
 * local[2], against parquet-mr's record reader with a Row materializer (the reader before): the
 * task threads' CPU 2.94, 2.83 s against 3.78, 3.55 s; the run's wall time 0.95x (4 pairs;
 * docs/taxi.md, "Gold's Parquet columns read directly").
 */
final class RowColumnsReader {
  private RowColumnsReader() {}

  /** Whether a field of this type is decoded (and written by {@link RowParquetWriter}). */
  static boolean decodes(Schema.TypeName type) {
    return parquetType(type) != null;
  }

  private static @Nullable PrimitiveTypeName parquetType(Schema.TypeName type) {
    return switch (type) {
      case INT64, DATETIME -> PrimitiveTypeName.INT64;
      case INT32 -> PrimitiveTypeName.INT32;
      case DOUBLE -> PrimitiveTypeName.DOUBLE;
      case FLOAT -> PrimitiveTypeName.FLOAT;
      case BOOLEAN -> PrimitiveTypeName.BOOLEAN;
      case STRING -> PrimitiveTypeName.BINARY;
      default -> null;
    };
  }

  /** Hands every row of {@code input} to {@code each}; returns how many there were. */
  static long forEach(InputFile input, Schema schema, Consumer<Row> each) throws IOException {
    try (ParquetFileReader file = ParquetFileReader.open(input, ParquetReadOptions.builder().build())) {
      MessageType requested = requested(file.getFooter().getFileMetaData().getSchema(), schema);
      file.setRequestedSchema(requested);
      String createdBy = file.getFooter().getFileMetaData().getCreatedBy();
      List<ColumnDescriptor> columns = requested.getColumns();
      Schema.TypeName[] types = new Schema.TypeName[columns.size()];
      int[] fieldOf = new int[columns.size()];
      int[] present = new int[columns.size()];
      for (int c = 0; c < fieldOf.length; c++) {
        fieldOf[c] = schema.indexOf(columns.get(c).getPath()[0]);
        types[c] = schema.getField(fieldOf[c]).getType().getTypeName();
        // The definition level of a value that is there (a null has a lower one).
        present[c] = columns.get(c).getMaxDefinitionLevel();
      }
      ColumnReader[] readers = new ColumnReader[columns.size()];
      long rows = 0;
      for (PageReadStore group = file.readNextRowGroup(); group != null; group = file.readNextRowGroup()) {
        ColumnReadStoreImpl store = new ColumnReadStoreImpl(group, UNUSED, requested, createdBy);
        for (int c = 0; c < readers.length; c++) {
          readers[c] = store.getColumnReader(columns.get(c));
        }
        for (long r = group.getRowCount(); r > 0; r--) {
          Object[] values = new Object[schema.getFieldCount()];
          for (int c = 0; c < readers.length; c++) {
            ColumnReader column = readers[c];
            if (column.getCurrentDefinitionLevel() == present[c]) {
              values[fieldOf[c]] = value(types[c], column);
            }
            column.consume();
          }
          each.accept(Row.withSchema(schema).attachValues(Arrays.asList(values)));
        }
        rows += group.getRowCount();
      }
      return rows;
    }
  }

  private static Object value(Schema.TypeName type, ColumnReader column) {
    return switch (type) {
      case DATETIME -> new Instant(column.getLong());
      case INT64 -> column.getLong();
      case INT32 -> column.getInteger();
      case DOUBLE -> column.getDouble();
      case FLOAT -> column.getFloat();
      case BOOLEAN -> column.getBoolean();
      case STRING -> column.getBinary().toStringUsingUTF8();
      default -> throw new IllegalStateException("no Parquet decoding for " + type);
    };
  }

  /** The file's columns that {@code schema} names, in the file's order, each checked for its type. */
  private static MessageType requested(MessageType file, Schema schema) {
    for (Schema.Field f : schema.getFields()) {
      if (!file.containsField(f.getName())) {
        throw new IllegalArgumentException("no column " + f.getName() + " in the file (it has " + file.getFields().stream().map(Type::getName).toList() + ")");
      }
      Type column = file.getType(f.getName());
      if (!column.isPrimitive() || column.asPrimitiveType().getPrimitiveTypeName() != parquetType(f.getType().getTypeName())) {
        throw new IllegalArgumentException("column " + f.getName() + " is " + column + " in the file, not " + f.getType());
      }
    }
    List<Type> wanted = new ArrayList<>();
    for (Type column : file.getFields()) {
      if (schema.hasField(column.getName())) {
        wanted.add(column);
      }
    }
    return new MessageType(file.getName(), wanted);
  }

  /**
   * The converters a column read store asks for: these readers are read through their getters,
   * so no value is ever pushed into one.
   */
  private static final GroupConverter UNUSED = new Unused();

  private static final class Unused extends GroupConverter {
    private final PrimitiveConverter column = new PrimitiveConverter() {};

    @Override
    public Converter getConverter(int fieldIndex) {
      return column;
    }

    @Override
    public void start() {}

    @Override
    public void end() {}
  }
}
