package dev.beametl.pipelines;

import dev.beametl.transforms.parquet.ParquetFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;

/** Reads what the taxi pipelines wrote, for assertions. */
final class TaxiTestFiles {
  /** The 8 complete rows of the June 2020 sample (the file is cut mid-row after 1024 bytes). */
  static final String JUNE_HEAD = "analytics_platform/green_tripdata_2020-06.head1024.csv";

  private TaxiTestFiles() {}

  static Path fixture(String name) {
    return Path.of("src/test/resources/taxi", name).toAbsolutePath();
  }

  /** The files of an output directory, sorted, without hidden or temporary ones. */
  static List<Path> files(Path dir, String extension) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith("." + extension)).sorted().toList();
    }
  }

  /** Every record of every Parquet file under {@code dir}, as column -> value (strings for text). */
  static List<Map<String, Object>> readParquet(Path dir) throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Path file : files(dir, "parquet")) {
      rows.addAll(readParquetFile(file));
    }
    return rows;
  }

  /** Every record of one Parquet file, in file order, as column -> value (strings for text). */
  static List<Map<String, Object>> readParquetFile(Path file) throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (GenericRecord r : ParquetFiles.readAll(file.toString())) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (org.apache.avro.Schema.Field f : r.getSchema().getFields()) {
        Object v = r.get(f.pos());
        row.put(f.name(), v instanceof CharSequence ? v.toString() : v);
      }
      rows.add(row);
    }
    return rows;
  }
}
