package dev.beametl.bench.fastpaths;

import dev.beametl.transforms.csv.CsvFileReader;
import dev.beametl.transforms.csv.CsvRowParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * {@link CsvRowParser#parseDecimal} (the one decimal parser of every text input, with its
 * plain-decimal path) against {@link Double#parseDouble}: one thread parsing the number fields of
 * the loan sample, repeated to {@code count} values. Both must give the same bits (a checksum).
 */
final class DecimalBench {
  private DecimalBench() {}

  static void run(Path sample, int count, int runs) throws Exception {
    String[] values = numbers(sample, count);
    new Sitting("decimal parsing, " + String.format("%,d", values.length) + " number fields of " + sample.getFileName() + ", one thread", "values", 0)
        .add("parseDecimal", () -> parse(values, CsvRowParser::parseDecimal))
        .add("Double.parseDouble", () -> parse(values, Double::parseDouble))
        .run(runs);
  }

  private static Sitting.Result parse(String[] values, ToDoubleFunction<String> parser) {
    long checksum = 0;
    for (String v : values) {
      checksum = checksum * 31 + Double.doubleToRawLongBits(parser.applyAsDouble(v));
    }
    return new Sitting.Result(values.length, String.format("checksum %016x", checksum));
  }

  /** The sample's fields that are numbers (as the loans' double columns hold them), repeated to {@code count}. */
  private static String[] numbers(Path sample, int count) throws Exception {
    List<String> found = new ArrayList<>();
    try (CsvFileReader reader = CsvBench.open(sample)) {
      for (CsvFileReader.Record r = reader.next(); r != null; r = reader.next()) {
        for (String field : r.values()) {
          if (field.matches("[+-]?[0-9]*\\.?[0-9]+")) {
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
