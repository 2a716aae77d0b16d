package dev.beametl.transforms.csv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Samples the first records of a run's CSV files, once, before the pipeline is built (a schema is
 * fixed at construction), and tells for each column how many of its values are integers and how
 * many are numbers, as {@link CsvRowParser} reads them. An integer with a leading zero
 * ({@code 007}, a zip code) does not count as an integer: reading it as one would lose the zeros.
 */
public final class CsvColumnTypes {
  private static final Pattern LEADING_ZERO = Pattern.compile("[+-]?0\\d.*");

  /** The non-empty values of one column in the sample: how many, how many integers, how many numbers. */
  public record Column(long values, long integers, long numbers) {

    /** INT64, DOUBLE or STRING: the narrowest type every sampled value fits; null when there was no value. */
    public @Nullable TypeName narrowest() {
      if (values == 0) {
        return null;
      }
      return integers == values ? TypeName.INT64 : numbers == values ? TypeName.DOUBLE : TypeName.STRING;
    }

    /** More than half the values are numbers: a numeric column with some bad values, not a text column. */
    public boolean mostlyNumbers() {
      return numbers * 2 > values;
    }

    Column plus(String value) {
      boolean number = CsvRowParser.fits(FieldType.DOUBLE, value);
      boolean integer = number && CsvRowParser.fits(FieldType.INT64, value) && !LEADING_ZERO.matcher(value).matches();
      return new Column(values + 1, integers + (integer ? 1 : 0), numbers + (number ? 1 : 0));
    }
  }

  /** The header of the first file that has one, each of its columns, and how many records were read. */
  public record Sample(String file, List<String> header, Map<String, Column> columns, long records) {}

  private CsvColumnTypes() {}

  /**
   * Reads up to {@code maxRecords} data records from {@code files}, in order. Columns of later
   * files are matched to the first header case-insensitively; records with the wrong number of
   * fields are skipped (the pipeline rejects them).
   *
   * @throws IllegalArgumentException when no file has a header
   * @throws UncheckedIOException when a file cannot be read
   */
  public static Sample sample(List<String> files, int maxRecords) {
    String firstFile = null;
    List<String> header = null;
    Map<String, Column> columns = new LinkedHashMap<>();
    long records = 0;
    for (String file : files) {
      if (header != null && records >= maxRecords) {
        break;
      }
      try (CsvFileReader reader = CsvFileReader.open(FileByteSource.of(file))) {
        if (reader.header().isEmpty()) {
          continue;
        }
        if (header == null) {
          firstFile = file;
          header = reader.header();
          header.forEach(h -> columns.putIfAbsent(h, new Column(0, 0, 0)));
        }
        // This file's columns by the first header's spelling (null: not in the first header).
        List<String> names = new ArrayList<>();
        for (String name : reader.header()) {
          names.add(header.stream().filter(h -> h.equalsIgnoreCase(name)).findFirst().orElse(null));
        }
        for (CsvFileReader.Record r = reader.next(); r != null && records < maxRecords; r = reader.next()) {
          if (r.malformed() != null || r.values().size() != names.size()) {
            continue;
          }
          records++;
          for (int i = 0; i < names.size(); i++) {
            String value = r.values().get(i).trim();
            if (names.get(i) != null && !value.isEmpty()) {
              columns.computeIfPresent(names.get(i), (c, seen) -> seen.plus(value));
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + " to infer its column types", e);
      }
    }
    if (header == null) {
      throw new IllegalArgumentException("no input file has a header row: " + files);
    }
    return new Sample(firstFile, header, columns, records);
  }
}
