package dev.beametl.pipelines;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.transforms.files.OutputFormat;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** Reads a ride-weather output directory back (every part file) as one map per ride, for assertions. */
final class RideOutputs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RideOutputs() {}

  /** Values as written: numbers from Parquet/JSON lines typed, everything from CSV as text. */
  static List<Map<String, Object>> read(Path dir, OutputFormat format) throws IOException {
    String suffix = "." + format.name().toLowerCase(Locale.ROOT);
    List<Path> parts;
    try (Stream<Path> files = Files.list(dir)) {
      parts = files.filter(p -> p.getFileName().toString().startsWith("part-") && p.toString().endsWith(suffix)).sorted().toList();
    }
    List<Map<String, Object>> rides = new ArrayList<>();
    for (Path part : parts) {
      switch (format) {
        case PARQUET -> rides.addAll(TaxiTestFiles.readParquetFile(part));
        case CSV -> readCsv(part, rides);
        case JSONL -> {
          for (String line : Files.readAllLines(part)) {
            rides.add(JSON.readValue(line, new TypeReference<LinkedHashMap<String, Object>>() {}));
          }
        }
      }
    }
    return rides;
  }

  private static void readCsv(Path part, List<Map<String, Object>> rides) throws IOException {
    try (Reader in = Files.newBufferedReader(part);
        CSVParser csv = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build().parse(in)) {
      for (CSVRecord r : csv) {
        rides.add(new LinkedHashMap<>(r.toMap()));
      }
    }
  }
}
