package dev.beametl.pipelines;

import dev.beametl.testing.Processes;
import dev.beametl.transforms.csv.CsvFileReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;

/** Loan CSV files for tests, built from the header and first row of the real sample (which passes the filter). */
final class LoanFixtures {
  static final Path SAMPLE = Processes.sharedData().resolve("filter_csv/sample_data.csv");
  static final List<String> HEADER;
  static final Map<String, String> PASSING_ROW = new LinkedHashMap<>();

  static {
    try (InputStream in = Files.newInputStream(SAMPLE);
        CsvFileReader reader = CsvFileReader.open(in)) {
      HEADER = reader.header();
      List<String> first = reader.next().values();
      for (int i = 0; i < HEADER.size(); i++) {
        PASSING_ROW.put(HEADER.get(i), first.get(i));
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private LoanFixtures() {}

  /** The passing row with some columns changed, as CSV field values in header order. */
  static List<String> row(String... columnValuePairs) {
    Map<String, String> row = new LinkedHashMap<>(PASSING_ROW);
    for (int i = 0; i < columnValuePairs.length; i += 2) {
      if (!row.containsKey(columnValuePairs[i])) {
        throw new IllegalArgumentException("no column " + columnValuePairs[i]);
      }
      row.put(columnValuePairs[i], columnValuePairs[i + 1]);
    }
    return new ArrayList<>(row.values());
  }

  static String csvLine(List<String> values) {
    return CSVFormat.RFC4180.format(values.toArray());
  }

  /** {@code files} files {@code loans-<n>.csv} of passing loans under {@code dir}, ids 0 up, one per row. */
  static Path writeLoans(Path dir, int files, int rowsEach) throws IOException {
    for (int f = 0; f < files; f++) {
      List<List<String>> rows = new ArrayList<>();
      for (int i = 0; i < rowsEach; i++) {
        rows.add(row("id", Integer.toString(f * rowsEach + i)));
      }
      write(dir.resolve("loans-" + f + ".csv"), HEADER, rows);
    }
    return dir;
  }

  /** A CSV file with the given header and rows, LF line endings and a final newline. */
  static Path write(Path file, List<String> header, List<List<String>> rows) throws IOException {
    StringBuilder text = new StringBuilder(csvLine(header)).append('\n');
    for (List<String> r : rows) {
      text.append(csvLine(r)).append('\n');
    }
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }
}
