package dev.beametl.transforms.parquet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.api.InitContext;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * Parquet columns straight into {@link Row}s of a schema, bound by name: only the schema's columns
 * are read, with no Avro record in between. Flat columns of the types {@link RowParquetWriter}
 * writes; a missing column or another type is a clear error.
 */
final class RowReadSupport extends ReadSupport<Row> {
  private final Schema schema;

  RowReadSupport(Schema schema) {
    this.schema = schema;
  }

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

  @Override
  public ReadContext init(InitContext context) {
    MessageType file = context.getFileSchema();
    List<Type> wanted = new ArrayList<>();
    // The file's order: Parquet reads a projection laid out as the file is.
    for (Type column : file.getFields()) {
      if (schema.hasField(column.getName())) {
        wanted.add(column);
      }
    }
    for (Schema.Field f : schema.getFields()) {
      if (!file.containsField(f.getName())) {
        throw new IllegalArgumentException("no column " + f.getName() + " in the file (it has " + file.getFields().stream().map(Type::getName).toList() + ")");
      }
      Type column = file.getType(f.getName());
      if (!column.isPrimitive() || column.asPrimitiveType().getPrimitiveTypeName() != parquetType(f.getType().getTypeName())) {
        throw new IllegalArgumentException("column " + f.getName() + " is " + column + " in the file, not " + f.getType());
      }
    }
    return new ReadContext(new MessageType(file.getName(), wanted));
  }

  @Override
  public RecordMaterializer<Row> prepareForRead(
      Configuration configuration, Map<String, String> keyValueMetaData, MessageType fileSchema, ReadContext readContext) {
    return new Materializer(schema, readContext.getRequestedSchema());
  }

  private static final class Materializer extends RecordMaterializer<Row> {
    private final Schema schema;
    private final Converter[] converters;
    private Object[] values;
    private final GroupConverter root;

    Materializer(Schema schema, MessageType requested) {
      this.schema = schema;
      this.converters = new Converter[requested.getFieldCount()];
      for (int i = 0; i < converters.length; i++) {
        converters[i] = converter(schema.indexOf(requested.getType(i).getName()));
      }
      this.root =
          new GroupConverter() {
            @Override
            public Converter getConverter(int fieldIndex) {
              return converters[fieldIndex];
            }

            @Override
            public void start() {
              values = new Object[schema.getFieldCount()];
            }

            @Override
            public void end() {}
          };
    }

    /** The converter of one column: Parquet calls only the add method of the column's type (checked in init). */
    private PrimitiveConverter converter(int field) {
      return switch (schema.getField(field).getType().getTypeName()) {
        case DATETIME -> new PrimitiveConverter() { @Override public void addLong(long v) { values[field] = new Instant(v); } };
        case INT64 -> new PrimitiveConverter() { @Override public void addLong(long v) { values[field] = v; } };
        case INT32 -> new PrimitiveConverter() { @Override public void addInt(int v) { values[field] = v; } };
        case DOUBLE -> new PrimitiveConverter() { @Override public void addDouble(double v) { values[field] = v; } };
        case FLOAT -> new PrimitiveConverter() { @Override public void addFloat(float v) { values[field] = v; } };
        case BOOLEAN -> new PrimitiveConverter() { @Override public void addBoolean(boolean v) { values[field] = v; } };
        case STRING -> new PrimitiveConverter() { @Override public void addBinary(Binary v) { values[field] = v.toStringUsingUTF8(); } };
        default -> throw new IllegalArgumentException("no Parquet decoding for " + schema.getField(field));
      };
    }

    @Override
    public Row getCurrentRecord() {
      return Row.withSchema(schema).attachValues(Arrays.asList(values));
    }

    @Override
    public GroupConverter getRootConverter() {
      return root;
    }
  }
}
