package dev.beametl.transforms.jdbc;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.joda.time.ReadableInstant;

/**
 * Rows in PostgreSQL's binary {@code COPY} format: numbers go as their bytes, so neither side
 * formats or parses them as text. {@code bench/run-loan-filter} (1M rows, 53 columns): the server
 * copied the same rows in 3.5 s binary against 6.2 s as CSV, and {@link CopyCsv}'s number
 * formatting was a tenth of the load's CPU. A column must have exactly the type its value is sent
 * as ({@link #fits}), since the server reads the bytes by the column's type; other tables get
 * {@link CopyCsv}, whose text the server converts.
 */
final class CopyBinary {
  static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
  static final byte[] TRAILER = {(byte) 0xff, (byte) 0xff};
  /** 2000-01-01T00:00Z, PostgreSQL's timestamp epoch, in Unix milliseconds. */
  private static final long POSTGRES_EPOCH_MILLIS = 946_684_800_000L;
  /** The column type (as {@code regtype} names it) each field type is sent as. */
  private static final Map<Schema.TypeName, String> COLUMN_TYPES =
      Map.of(
          Schema.TypeName.INT16, "smallint",
          Schema.TypeName.INT32, "integer",
          Schema.TypeName.INT64, "bigint",
          Schema.TypeName.FLOAT, "real",
          Schema.TypeName.DOUBLE, "double precision",
          Schema.TypeName.BOOLEAN, "boolean",
          Schema.TypeName.DATETIME, "timestamp without time zone",
          Schema.TypeName.STRING, "text",
          Schema.TypeName.BYTES, "bytea");

  private CopyBinary() {}

  /** Whether rows of {@code schema} can be sent in binary to columns of {@code columnTypes}, in field order. */
  static boolean fits(Schema schema, List<String> columnTypes) {
    if (columnTypes.size() != schema.getFieldCount()) {
      return false;
    }
    for (int i = 0; i < columnTypes.size(); i++) {
      if (!Objects.equals(COLUMN_TYPES.get(schema.getField(i).getType().getTypeName()), columnTypes.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Writes one field's non-null value: its length, then its bytes. */
  interface FieldWriter {
    void write(DataOutputStream out, Object value) throws IOException;
  }

  /** A writer per field of {@code schema}, chosen once rather than per value. */
  static FieldWriter[] writers(Schema schema) {
    return schema.getFields().stream().map(f -> writer(f.getType().getTypeName())).toArray(FieldWriter[]::new);
  }

  private static FieldWriter writer(Schema.TypeName type) {
    return switch (type) {
      case INT16 -> (out, v) -> out.writeShort(sized(out, 2, (Short) v));
      case INT32 -> (out, v) -> out.writeInt(sized(out, 4, (Integer) v));
      case INT64 -> (out, v) -> out.writeLong(sized(out, 8, (Long) v));
      case FLOAT -> (out, v) -> out.writeFloat(sized(out, 4, (Float) v));
      case DOUBLE -> (out, v) -> out.writeDouble(sized(out, 8, (Double) v));
      case BOOLEAN -> (out, v) -> out.writeByte(sized(out, 1, (Boolean) v) ? 1 : 0);
      case DATETIME -> (out, v) -> out.writeLong(sized(out, 8, (((ReadableInstant) v).getMillis() - POSTGRES_EPOCH_MILLIS) * 1000));
      case STRING -> (out, v) -> bytes(out, ((String) v).getBytes(StandardCharsets.UTF_8));
      case BYTES -> (out, v) -> bytes(out, (byte[]) v);
      default -> throw new IllegalArgumentException("no binary COPY encoding for " + type);
    };
  }

  /** Writes a fixed-size value's length and returns the value, for its writer to write. */
  private static <T> T sized(DataOutputStream out, int length, T value) throws IOException {
    out.writeInt(length);
    return value;
  }

  private static void bytes(DataOutputStream out, byte[] value) throws IOException {
    out.writeInt(value.length);
    out.write(value);
  }

  static void write(DataOutputStream out, Row row, FieldWriter[] writers) throws IOException {
    out.writeShort(writers.length);
    for (int i = 0; i < writers.length; i++) {
      Object v = row.getValue(i);
      if (v == null) {
        out.writeInt(-1);
      } else {
        writers[i].write(out, v);
      }
    }
  }
}
