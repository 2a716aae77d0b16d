package dev.beametl.bench.rideweather;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;

/**
 * Writes the benchmark's input: {@code stations.csv} (NOAA-like: id, latitude, longitude,
 * elevation, name) and the rides split over four files, one per input layout the pipeline reads:
 * a JSON array, a {@code {"travel_data": [...]}} object, and two JSON-lines files. Each ride has
 * the seven SPEC fields plus a {@code RideId} the pipeline carries through.
 *
 * <p>Usage: {@code GenerateData <dir> <rides> <stations> [seed]}.
 */
public final class GenerateData {
  private static final DateTimeFormatter STATUS_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
  private static final String[] NAMES = {"Shadowfax", "Rocinante", "Bucephalus", "Epona", "Pegasus"};

  private GenerateData() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      System.err.println("usage: GenerateData <dir> <rides> <stations> [seed]");
      System.exit(2);
    }
    Path dir = Files.createDirectories(Path.of(args[0]));
    int rides = Integer.parseInt(args[1]);
    int stations = Integer.parseInt(args[2]);
    long seed = args.length > 3 ? Long.parseLong(args[3]) : 42;
    Random random = new Random(seed);
    double[][] stationPoints = writeStations(dir.resolve("stations.csv"), stations, random);
    Path rideDir = Files.createDirectories(dir.resolve("rides"));
    int perFile = rides / 4;
    writeRides(rideDir.resolve("rides-1.json"), Layout.ARRAY, 0, perFile, stationPoints, random);
    writeRides(rideDir.resolve("rides-2.json"), Layout.WRAPPED, perFile, perFile, stationPoints, random);
    writeRides(rideDir.resolve("rides-3.jsonl"), Layout.LINES, 2 * perFile, perFile, stationPoints, random);
    writeRides(rideDir.resolve("rides-4.jsonl"), Layout.LINES, 3 * perFile, rides - 3 * perFile, stationPoints, random);
    System.out.printf("generated %d rides in 4 files and %d stations under %s%n", rides, stations, dir);
  }

  enum Layout {
    ARRAY,
    WRAPPED,
    LINES
  }

  static double[][] writeStations(Path file, int count, Random random) throws IOException {
    double[][] points = new double[count][];
    try (BufferedWriter out = Files.newBufferedWriter(file)) {
      out.write("id,latitude,longitude,elevation,name\n");
      for (int i = 0; i < count; i++) {
        points[i] = Geography.station(random);
        out.write(String.format(Locale.ROOT, "BENCH%07d,%.4f,%.4f,%.1f,\"Station %d, synthetic\"%n", i, points[i][0], points[i][1], random.nextDouble() * 2000, i));
        points[i][0] = Math.round(points[i][0] * 1e4) / 1e4;
        points[i][1] = Math.round(points[i][1] * 1e4) / 1e4;
      }
    }
    return points;
  }

  /** Rides as tracks of 100 points each, a second apart, starting near a random station. */
  static void writeRides(Path file, Layout layout, int firstId, int count, double[][] stations, Random random) throws IOException {
    JsonFactory json = new JsonFactory();
    LocalDateTime time = LocalDateTime.of(2019, 7, 19, 0, 0);
    try (OutputStream out = Files.newOutputStream(file);
        JsonGenerator gen = json.createGenerator(out, JsonEncoding.UTF8)) {
      gen.setPrettyPrinter(new MinimalPrettyPrinter(layout == Layout.LINES ? "\n" : ""));
      if (layout == Layout.WRAPPED) {
        gen.writeStartObject();
        gen.writeFieldName("travel_data");
      }
      if (layout != Layout.LINES) {
        gen.writeStartArray();
      }
      double[] point = null;
      for (int i = 0; i < count; i++) {
        if (i % 100 == 0) {
          point = Geography.near(stations[random.nextInt(stations.length)], random);
        } else {
          point = new double[] {Math.max(-90, Math.min(90, point[0] + random.nextGaussian() * 3e-4)), wrap(point[1] + random.nextGaussian() * 3e-4)};
        }
        time = time.plusNanos(1_000_000_000L + random.nextInt(10) * 1_000_000L);
        gen.writeStartObject();
        gen.writeNumberField("Distance", random.nextDouble() * 300);
        gen.writeNumberField("HealthPoints", random.nextInt(10_000));
        gen.writeNumberField("Latitude", point[0]);
        gen.writeNumberField("Longitude", point[1]);
        gen.writeNumberField("MagicPoints", random.nextInt(10_000));
        gen.writeStringField("Name", NAMES[random.nextInt(NAMES.length)]);
        gen.writeStringField("StatusTime", STATUS_TIME.format(time));
        gen.writeStringField("RideId", "ride-" + (firstId + i));
        gen.writeEndObject();
      }
      if (layout != Layout.LINES) {
        gen.writeEndArray();
      }
      if (layout == Layout.WRAPPED) {
        gen.writeEndObject();
      }
      gen.writeRaw('\n');
    }
  }

  private static double wrap(double lon) {
    return lon > 180 ? lon - 360 : lon < -180 ? lon + 360 : lon;
  }
}
