package dev.beametl.transforms.jdbc;

import dev.beametl.transforms.records.SourceColumns;
import dev.beametl.transforms.rejects.Reject;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Finds the rows PostgreSQL cannot store, as {@code unstorable_value} rejects naming the
 * column: today a text value holding the NUL character, which would fail the whole COPY (and with
 * it every later bundle of the file) instead of one row.
 */
final class RejectUnstorable {
  static final String REASON = "unstorable_value";

  private RejectUnstorable() {}

  /** Why PostgreSQL cannot store {@code value}, or null when it can. */
  static @Nullable String problem(Object value) {
    if (value instanceof CharSequence) {
      int nul = value.toString().indexOf('\0');
      if (nul >= 0) {
        return "PostgreSQL text cannot hold the NUL character (0x00), found at character " + (nul + 1) + " of the value";
      }
    }
    return null;
  }

  /** The reject of a row PostgreSQL cannot store, attributed to {@code step}; null when it can store it. */
  static @Nullable Reject check(Row row, String step) {
    Schema schema = row.getSchema();
    for (int i = 0; i < row.getFieldCount(); i++) {
      Object value = row.getValue(i);
      String problem = value == null ? null : problem(value);
      if (problem != null) {
        return new Reject(step, REASON, schema.getField(i).getName(), problem, SourceColumns.file(row), SourceColumns.record(row), asText(row));
      }
    }
    return null;
  }

  /** The row as it was about to be loaded, in the COPY's CSV form. */
  private static String asText(Row row) {
    StringBuilder csv = new StringBuilder();
    CopyCsv.append(csv, row);
    return csv.substring(0, csv.length() - 1);
  }
}
