package dev.beametl.transforms.jdbc;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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
      if (!columnTypes.get(i).equals(COLUMN_TYPES.get(schema.getField(i).getType().getTypeName()))) {
        return false;
      }
    }
    return true;
  }

  static void write(DataOutputStream out, Row row) throws IOException {
    int n = row.getFieldCount();
    out.writeShort(n);
    for (int i = 0; i < n; i++) {
      Object v = row.getValue(i);
      if (v == null) {
        out.writeInt(-1);
      } else if (v instanceof String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
      } else if (v instanceof Double d) {
        out.writeInt(8);
        out.writeDouble(d);
      } else if (v instanceof Integer x) {
        out.writeInt(4);
        out.writeInt(x);
      } else if (v instanceof Long x) {
        out.writeInt(8);
        out.writeLong(x);
      } else if (v instanceof Short x) {
        out.writeInt(2);
        out.writeShort(x);
      } else if (v instanceof Float x) {
        out.writeInt(4);
        out.writeFloat(x);
      } else if (v instanceof Boolean b) {
        out.writeInt(1);
        out.writeByte(b ? 1 : 0);
      } else if (v instanceof ReadableInstant t) {
        out.writeInt(8);
        out.writeLong((t.getMillis() - POSTGRES_EPOCH_MILLIS) * 1000);
      } else if (v instanceof byte[] bytes) {
        out.writeInt(bytes.length);
        out.write(bytes);
      } else {
        throw new IllegalArgumentException("no binary COPY encoding for " + v.getClass().getName() + " in field " + row.getSchema().getField(i).getName());
      }
    }
  }
}
