package dev.beametl.bench.fastpaths;

import dev.beametl.pipelines.LoanFilter;
import dev.beametl.pipelines.TaxiStaging;
import dev.beametl.transforms.csv.CsvFileReader;
import dev.beametl.transforms.csv.CsvRowParser;
import dev.beametl.transforms.rejects.Reject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;

/**
 * CSV records to typed Rows, one thread, on raw taxi files and on loans: {@link CsvRowParser} reading numbers
 * and timestamps from each field's bytes (what taxi-staging runs) against the same records made
 * into a String per field and typed from the text ({@link CsvRowParser#valueOf}), the way the
 * parser worked before. Both must give the same rows and rejects (counts and a hash of every row).
 */
final class CsvRowsBench {
  private CsvRowsBench() {}

  /** The raw taxi files under {@code raw} as taxi-staging's rows, then {@code loans} as loan-filter's. */
  static void run(Path raw, Path loans, int runs) throws Exception {
    List<Path> files;
    try (Stream<Path> list = Files.list(raw)) {
      files = list.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
    }
    sitting("taxi files under " + raw, files, TaxiStaging.SCHEMA, CsvRowParser.of(TaxiStaging.SCHEMA, "parse").withIgnoredColumns(TaxiStaging.DROPPED_COLUMN), runs);
    sitting("loans", List.of(loans), LoanFilter.SCHEMA, CsvRowParser.of(LoanFilter.SCHEMA, "parse"), runs);
  }

  private static void sitting(String what, List<Path> files, Schema schema, CsvRowParser parser, int runs) throws Exception {
    long bytes = 0;
    for (Path f : files) {
      bytes += Files.size(f);
    }
    new Sitting("CSV to Rows, " + files.size() + " " + what + " (" + bytes / 1_000_000 + " MB), one thread", "records", bytes)
        .add("values from the bytes", () -> fromBytes(files, parser))
        .add("a String per field", () -> fromStrings(files, schema))
        .run(runs);
  }

  private static final class Tally {
    long rows;
    long rejects;
    long hash;

    void row(Row row) {
      rows++;
      hash = hash * 31 + row.hashCode();
    }

    Sitting.Result result() {
      return new Sitting.Result(rows + rejects, String.format("%,d rows, %,d rejects, hash %016x", rows, rejects, hash));
    }
  }

  private static Sitting.Result fromBytes(List<Path> files, CsvRowParser parser) throws IOException {
    Tally tally = new Tally();
    for (Path file : files) {
      try (CsvFileReader reader = CsvBench.open(file)) {
        CsvRowParser.Binding binding = parser.bind(reader.header());
        for (CsvFileReader.Record r = reader.next(); r != null; r = reader.next()) {
          KV<Row, Reject> outcome = binding.parse(file.toString(), r);
          if (outcome.getKey() != null) {
            tally.row(outcome.getKey());
          } else {
            tally.rejects++;
          }
        }
      }
    }
    return tally.result();
  }

  private static Sitting.Result fromStrings(List<Path> files, Schema schema) throws IOException {
    Tally tally = new Tally();
    for (Path file : files) {
      try (CsvFileReader reader = CsvBench.open(file)) {
        List<String> header = reader.header().stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        int[] columns = schema.getFieldNames().stream().mapToInt(header::indexOf).toArray();
        records:
        for (CsvFileReader.Record r = reader.next(); r != null; r = reader.next()) {
          List<String> values = r.values();
          if (r.malformed() != null || r.badEncoding() || values.size() != header.size()) {
            tally.rejects++;
            continue;
          }
          Object[] fields = new Object[columns.length];
          for (int i = 0; i < columns.length; i++) {
            try {
              fields[i] = CsvRowParser.valueOf(schema.getField(i).getType(), values.get(columns[i]));
            } catch (IllegalArgumentException | DateTimeException e) {
              tally.rejects++;
              continue records;
            }
          }
          tally.row(Row.withSchema(schema).attachValues(Arrays.asList(fields)));
        }
      }
    }
    return tally.result();
  }
}
