package dev.beametl.transforms.stations;

import dev.beametl.transforms.csv.CsvFileReader;
import dev.beametl.transforms.csv.CsvRowParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Weather stations in file order (the order decides ties), read from a CSV whose id, latitude and
 * longitude columns are found by name; other columns are ignored. A bad station row is an error
 * naming the file and line: a wrong station list would silently mis-assign every ride near it.
 */
@DefaultCoder(SerializableCoder.class)
public final class StationTable implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The header names of the three columns read, matched case-insensitively. */
  public record Columns(String id, String latitude, String longitude) implements Serializable {
    public static final Columns DEFAULT = new Columns("id", "latitude", "longitude");
  }

  private final String source;
  private final String[] ids;
  private final double[] latitudes;
  private final double[] longitudes;
  private final String fingerprint;

  private StationTable(String source, String[] ids, double[] latitudes, double[] longitudes) {
    this.source = source;
    this.ids = ids;
    this.latitudes = latitudes;
    this.longitudes = longitudes;
    this.fingerprint = fingerprint(ids, latitudes, longitudes);
  }

  /**
   * Stations from parallel lists, in the given order.
   *
   * @throws IllegalArgumentException when the lists differ in length, are empty, or a coordinate is out of range
   */
  public static StationTable of(String source, List<String> ids, double[] latitudes, double[] longitudes) {
    if (ids.size() != latitudes.length || ids.size() != longitudes.length) {
      throw new IllegalArgumentException("ids, latitudes and longitudes differ in length");
    }
    if (ids.isEmpty()) {
      throw new IllegalArgumentException(source + ": no stations");
    }
    for (int i = 0; i < latitudes.length; i++) {
      String problem = coordinateProblem(latitudes[i], longitudes[i]);
      if (problem != null) {
        throw new IllegalArgumentException(source + ": station " + ids.get(i) + ": " + problem);
      }
    }
    return new StationTable(source, ids.toArray(String[]::new), latitudes.clone(), longitudes.clone());
  }

  /**
   * Reads a station CSV with a header.
   *
   * @throws IllegalArgumentException naming the file and line of the first bad row, or the missing column
   */
  public static StationTable read(InputStream in, String source, Columns columns) throws IOException {
    List<String> ids = new ArrayList<>();
    DoubleList lats = new DoubleList();
    DoubleList lons = new DoubleList();
    try (CsvFileReader reader = CsvFileReader.open(in)) {
      int idAt = column(reader.header(), columns.id(), source);
      int latAt = column(reader.header(), columns.latitude(), source);
      int lonAt = column(reader.header(), columns.longitude(), source);
      for (CsvFileReader.Record r = reader.next(); r != null; r = reader.next()) {
        String where = source + " line " + r.line();
        if (r.malformed() != null) {
          throw new IllegalArgumentException(where + ": malformed CSV: " + r.malformed());
        }
        if (r.badEncoding()) {
          throw new IllegalArgumentException(where + ": not valid UTF-8");
        }
        String id = field(r, idAt, columns.id(), where);
        double lat = number(field(r, latAt, columns.latitude(), where), columns.latitude(), where);
        double lon = number(field(r, lonAt, columns.longitude(), where), columns.longitude(), where);
        String problem = coordinateProblem(lat, lon);
        if (problem != null) {
          throw new IllegalArgumentException(where + ": station " + id + ": " + problem);
        }
        ids.add(id);
        lats.add(lat);
        lons.add(lon);
      }
    }
    if (ids.isEmpty()) {
      throw new IllegalArgumentException(source + ": no stations (the file has no data rows)");
    }
    return new StationTable(source, ids.toArray(String[]::new), lats.toArray(), lons.toArray());
  }

  /** Null when the point is a valid latitude/longitude in degrees, else what is wrong with it. */
  public static @Nullable String coordinateProblem(double latitude, double longitude) {
    if (!(latitude >= -90 && latitude <= 90)) {
      return "latitude " + latitude + " is outside [-90, 90]";
    }
    if (!(longitude >= -180 && longitude <= 180)) {
      return "longitude " + longitude + " is outside [-180, 180]";
    }
    return null;
  }

  public String source() {
    return source;
  }

  public int size() {
    return ids.length;
  }

  public String id(int station) {
    return ids[station];
  }

  public double latitude(int station) {
    return latitudes[station];
  }

  public double longitude(int station) {
    return longitudes[station];
  }

  /** A digest of the stations and their order: two tables with the same fingerprint give the same answers. */
  public String fingerprint() {
    return fingerprint;
  }

  /** Equal when they hold the same stations in the same order (the source path does not matter). */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof StationTable other && fingerprint.equals(other.fingerprint);
  }

  @Override
  public int hashCode() {
    return fingerprint.hashCode();
  }

  @Override
  public String toString() {
    return ids.length + " stations from " + source;
  }

  private static int column(List<String> header, String name, String source) {
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).equalsIgnoreCase(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        source + ": no column '" + name + "' in the header " + header + " (the column names are options)");
  }

  private static String field(CsvFileReader.Record r, int at, String column, String where) {
    String value = at < r.values().size() ? r.values().get(at).trim() : "";
    if (value.isEmpty()) {
      throw new IllegalArgumentException(where + ": empty " + column);
    }
    return value;
  }

  private static double number(String text, String column, String where) {
    try {
      return CsvRowParser.parseDecimal(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(where + ": " + column + " '" + text + "' is not a number");
    }
  }

  private static String fingerprint(String[] ids, double[] latitudes, double[] longitudes) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      ByteBuffer numbers = ByteBuffer.allocate(16);
      for (int i = 0; i < ids.length; i++) {
        digest.update(ids[i].getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        numbers.clear();
        numbers.putDouble(latitudes[i]).putDouble(longitudes[i]);
        digest.update(numbers.array());
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A growable double[] (the station list can hold hundreds of thousands of rows). */
  private static final class DoubleList {
    private double[] values = new double[1024];
    private int size;

    void add(double v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    double[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
