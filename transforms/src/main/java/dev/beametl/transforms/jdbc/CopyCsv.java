package dev.beametl.transforms.jdbc;

import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import org.apache.beam.sdk.values.Row;
import org.joda.time.ReadableInstant;

/**
 * Rows as PostgreSQL {@code COPY ... (FORMAT csv)} text: nulls as nothing, text always quoted, so
 * an empty string and a null stay different.
 */
final class CopyCsv {
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  private CopyCsv() {}

  static void append(StringBuilder out, Row row) {
    int n = row.getFieldCount();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        out.append(',');
      }
      Object v = row.getValue(i);
      if (v == null) {
        continue;
      }
      if (v instanceof CharSequence) {
        out.append('"');
        String s = v.toString();
        for (int c = 0; c < s.length(); c++) {
          char ch = s.charAt(c);
          if (ch == '"') {
            out.append('"');
          }
          out.append(ch);
        }
        out.append('"');
      } else if (v instanceof ReadableInstant) {
        out.append(TIMESTAMP.format(java.time.Instant.ofEpochMilli(((ReadableInstant) v).getMillis())));
      } else if (v instanceof byte[]) {
        throw new IllegalArgumentException("binary columns are not supported by COPY csv");
      } else {
        out.append(v);
      }
    }
    out.append('\n');
  }
}
