package dev.beametl.transforms.jdbc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
  private static final byte[] TRUE = {1};
  private static final byte[] FALSE = {0};
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
    void write(Buffer out, Object value);
  }

  /** A writer per field of {@code schema}, chosen once rather than per value. */
  static FieldWriter[] writers(Schema schema) {
    return schema.getFields().stream().map(f -> writer(f.getType().getTypeName())).toArray(FieldWriter[]::new);
  }

  private static FieldWriter writer(Schema.TypeName type) {
    return switch (type) {
      case INT16 -> (out, v) -> out.int32(2).int16((Short) v);
      case INT32 -> (out, v) -> out.int32(4).int32((Integer) v);
      case INT64 -> (out, v) -> out.int32(8).int64((Long) v);
      case FLOAT -> (out, v) -> out.int32(4).int32(Float.floatToIntBits((Float) v));
      case DOUBLE -> (out, v) -> out.int32(8).int64(Double.doubleToLongBits((Double) v));
      case BOOLEAN -> (out, v) -> out.int32(1).raw((Boolean) v ? TRUE : FALSE);
      case DATETIME -> (out, v) -> out.int32(8).int64((((ReadableInstant) v).getMillis() - POSTGRES_EPOCH_MILLIS) * 1000);
      case STRING -> (out, v) -> sized(out, ((String) v).getBytes(StandardCharsets.UTF_8));
      case BYTES -> (out, v) -> sized(out, (byte[]) v);
      default -> throw new IllegalArgumentException("no binary COPY encoding for " + type);
    };
  }

  private static void sized(Buffer out, byte[] value) {
    out.int32(value.length).raw(value);
  }

  static void write(Buffer out, Row row, FieldWriter[] writers) {
    out.int16(writers.length);
    for (int i = 0; i < writers.length; i++) {
      Object v = row.getValue(i);
      if (v == null) {
        out.int32(-1);
      } else {
        writers[i].write(out, v);
      }
    }
  }

  /**
   * Bytes being encoded for the COPY, in a growing array handed on whole: stores into an array,
   * where a {@code DataOutputStream} made a call per byte into a synchronized buffer (8% of
   * loan-filter's CPU on Spark local[2]).
   */
  static final class Buffer {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private byte[] bytes;
    private int size;

    Buffer(int capacity) {
      bytes = new byte[capacity];
    }

    byte[] array() {
      return bytes;
    }

    int size() {
      return size;
    }

    void clear() {
      size = 0;
    }

    Buffer int16(int v) {
      room(2);
      bytes[size] = (byte) (v >>> 8);
      bytes[size + 1] = (byte) v;
      size += 2;
      return this;
    }

    Buffer int32(int v) {
      room(4);
      INT.set(bytes, size, v);
      size += 4;
      return this;
    }

    Buffer int64(long v) {
      room(8);
      LONG.set(bytes, size, v);
      size += 8;
      return this;
    }

    Buffer raw(byte[] v) {
      room(v.length);
      System.arraycopy(v, 0, bytes, size, v.length);
      size += v.length;
      return this;
    }

    private void room(int n) {
      if (size + n > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + n));
      }
    }
  }
}
