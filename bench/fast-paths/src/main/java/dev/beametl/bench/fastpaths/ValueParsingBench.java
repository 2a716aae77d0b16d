package dev.beametl.bench.fastpaths;

import dev.beametl.transforms.csv.CsvFileReader;
import dev.beametl.transforms.csv.CsvRowParser;
import dev.beametl.transforms.rows.Timestamps;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * {@link CsvRowParser}'s hand-written value parsers against the JDK's, one thread, on fields of a
 * real sample repeated to {@code count} values; every contender must give the same checksum.
 *
 * <ul>
 *   <li>decimals: {@link CsvRowParser#parseDecimal} (with its plain-decimal path) against {@link
 *       Double#parseDouble}, on the number fields of the loan sample;
 *   <li>timestamps: {@link CsvRowParser#parseDateTimeMillis} (the digits to {@code
 *       LocalDateTime.of}) against the strict formatter, on the pickup and drop-off times of the
 *       taxi sample.
 * </ul>
 */
final class ValueParsingBench {
  private ValueParsingBench() {}

  static void decimals(Path sample, int count, int runs) throws Exception {
    String[] values = fields(sample, count, "[+-]?[0-9]*\\.?[0-9]+");
    new Sitting("decimal parsing, " + String.format("%,d", values.length) + " number fields of " + sample.getFileName() + ", one thread", "values", 0)
        .add("parseDecimal", () -> checksum(values, v -> Double.doubleToRawLongBits(CsvRowParser.parseDecimal(v))))
        .add("Double.parseDouble", () -> checksum(values, v -> Double.doubleToRawLongBits(Double.parseDouble(v))))
        .run(runs);
  }

  static void timestamps(Path sample, int count, int runs) throws Exception {
    String[] values = fields(sample, count, "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}");
    new Sitting("timestamp parsing, " + String.format("%,d", values.length) + " timestamp fields of " + sample.getFileName() + ", one thread", "values", 0)
        .add("parseDateTimeMillis", () -> checksum(values, CsvRowParser::parseDateTimeMillis))
        .add("formatter", () -> checksum(values, v -> LocalDateTime.parse(v, Timestamps.SECONDS_AND_FRACTION).toInstant(ZoneOffset.UTC).toEpochMilli()))
        .run(runs);
  }

  private static Sitting.Result checksum(String[] values, ToLongFunction<String> parser) {
    long checksum = 0;
    for (String v : values) {
      checksum = checksum * 31 + parser.applyAsLong(v);
    }
    return new Sitting.Result(values.length, String.format("checksum %016x", checksum));
  }

  /** The sample's fields that match {@code pattern}, repeated to {@code count}. */
  private static String[] fields(Path sample, int count, String pattern) throws Exception {
    List<String> found = new ArrayList<>();
    try (CsvFileReader reader = CsvBench.open(sample)) {
      for (CsvFileReader.Record r = reader.next(); r != null; r = reader.next()) {
        for (String field : r.values()) {
          if (field.matches(pattern)) {
            found.add(field);
          }
        }
      }
    }
    String[] values = new String[count];
    for (int i = 0; i < count; i++) {
      values[i] = found.get(i % found.size());
    }
    return values;
  }
}
