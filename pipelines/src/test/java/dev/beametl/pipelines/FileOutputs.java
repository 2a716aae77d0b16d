package dev.beametl.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.options.PipelineCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.PipelineOptions;

/** Generated inputs for the file pipelines, and byte-level snapshots of their output directories. */
final class FileOutputs {
  static final String TAXI_HEADER =
      "VendorID,lpep_pickup_datetime,lpep_dropoff_datetime,store_and_fwd_flag,RatecodeID,PULocationID,DOLocationID,"
          + "passenger_count,trip_distance,fare_amount,extra,mta_tax,tip_amount,tolls_amount,ehail_fee,improvement_surcharge,"
          + "total_amount,payment_type,trip_type,congestion_surcharge";

  private FileOutputs() {}

  /** A TLC green taxi CSV of {@code rows} good trips, then {@code bad} trips whose fare is not a number. */
  static Path taxiCsv(Path file, int seed, int rows, int bad) throws IOException {
    StringBuilder csv = new StringBuilder(TAXI_HEADER).append('\n');
    for (int i = 0; i < rows + bad; i++) {
      int minute = (seed * 7 + i) % 60;
      String fare = i >= rows ? "twelve" : String.format(Locale.ROOT, "%d.%02d", 5 + (i + seed) % 40, i % 100);
      csv.append(String.format(
          Locale.ROOT,
          "2,2020-06-01 %02d:%02d:05,2020-06-01 %02d:%02d:46,N,1,%d,%d,1,%.2f,%s,0.5,0.5,1.5,0,,0.3,20.46,%d,1,0%n",
          i % 24, minute, i % 24, minute, 1 + (i + seed) % 260, 1 + i % 200, 0.5 + i % 30 / 10.0, fare, 1 + i % 2));
    }
    Files.createDirectories(file.getParent());
    return Files.writeString(file, csv.toString());
  }

  /** The real ride sample split into {@code files} JSON-lines files; the last gets {@code bad} unreadable lines. */
  static List<Path> rideFiles(Path dir, int files, int bad) throws IOException {
    ObjectMapper json = new ObjectMapper();
    JsonNode rides = json.readTree(RideWeatherGoldenTest.DATA.resolve("ride_data.2019-07-19_debc93f.json").toFile());
    List<StringBuilder> parts = new ArrayList<>();
    for (int i = 0; i < files; i++) {
      parts.add(new StringBuilder());
    }
    int n = 0;
    for (JsonNode ride : rides) {
      parts.get(n++ % files).append(json.writeValueAsString(ride)).append('\n');
    }
    for (int i = 0; i < bad; i++) {
      parts.get(files - 1).append("{\"name\": \"broken\n");
    }
    Files.createDirectories(dir);
    List<Path> paths = new ArrayList<>();
    for (int i = 0; i < files; i++) {
      paths.add(Files.writeString(dir.resolve(String.format(Locale.ROOT, "rides-%02d.jsonl", i)), parts.get(i).toString()));
    }
    return paths;
  }

  /** Every file under {@code dir} (hidden ones included), by relative path, with a digest of its bytes. */
  static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    if (!Files.exists(dir)) {
      return files;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.filter(Files::isRegularFile).toList()) {
        files.put(dir.relativize(p).toString(), digest(Files.readAllBytes(p)));
      }
    }
    return files;
  }

  /** Every entry under {@code dir}, directories included, by relative path (to see leftovers such as staging). */
  static List<String> tree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      return paths.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  static String digest(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String text(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static <T extends PipelineOptions> T options(String pipeline, Class<T> type, List<String> args) {
    return BeamEtl.parse(PipelineCatalog.find(pipeline).orElseThrow(), args.toArray(String[]::new)).as(type);
  }
}
