package dev.beametl.bench.taxi;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

/**
 * Writes N rows of the 20-column TLC green taxi layout, as monthly-style files: realistic value
 * ranges, about 8% rows with the empty keys of real "store and forward" trips (VendorID,
 * RatecodeID, passenger_count, payment_type, trip_type), and about 0.5% dirty rows (a value that
 * is not a number or not a timestamp). Deterministic for a given seed.
 *
 * <p>{@code TaxiDataGenerator <dir> <rows> [files] [seed]}
 */
public final class TaxiDataGenerator {
  static final String HEADER =
      "VendorID,lpep_pickup_datetime,lpep_dropoff_datetime,store_and_fwd_flag,RatecodeID,PULocationID,DOLocationID,"
          + "passenger_count,trip_distance,fare_amount,extra,mta_tax,tip_amount,tolls_amount,ehail_fee,improvement_surcharge,"
          + "total_amount,payment_type,trip_type,congestion_surcharge";
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private TaxiDataGenerator() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    long rows = Long.parseLong(args[1]);
    int files = args.length > 2 ? Integer.parseInt(args[2]) : (int) Math.max(1, Math.min(12, rows / 500_000));
    long seed = args.length > 3 ? Long.parseLong(args[3]) : 20200601L;
    generate(dir, rows, files, seed);
  }

  /** Writes {@code green_tripdata_<k>.csv} files under {@code dir}; returns the number of dirty rows. */
  public static long generate(Path dir, long rows, int files, long seed) throws IOException {
    Files.createDirectories(dir);
    SplittableRandom random = new SplittableRandom(seed);
    long dirty = 0;
    long written = 0;
    for (int f = 0; f < files; f++) {
      long n = rows / files + (f < rows % files ? 1 : 0);
      LocalDateTime month = LocalDateTime.of(2019 + f / 12, 1 + f % 12, 1, 0, 0);
      Path file = dir.resolve(String.format("green_tripdata_%d-%02d.csv", month.getYear(), month.getMonthValue()));
      try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        out.write(HEADER);
        out.write("\r\n");
        StringBuilder line = new StringBuilder(200);
        for (long i = 0; i < n; i++) {
          line.setLength(0);
          dirty += row(line, random, month) ? 1 : 0;
          out.append(line).append("\r\n");
        }
      }
      written += n;
    }
    System.out.printf("generated %d rows (%d dirty) in %d files under %s%n", written, dirty, files, dir);
    return dirty;
  }

  /** Appends one row; returns true when it was made dirty. */
  private static boolean row(StringBuilder s, SplittableRandom r, LocalDateTime month) {
    boolean emptyKeys = r.nextInt(100) < 8;
    LocalDateTime pickup = month.plusSeconds(r.nextInt(28 * 24 * 3600));
    LocalDateTime dropoff = pickup.plusSeconds(60 + r.nextInt(3600));
    double distance = r.nextInt(100) < 3 ? 0 : Math.round(Math.abs(r.nextGaussian() * 3 + 3) * 100) / 100.0;
    double fare = Math.round((2.5 + distance * 2.5 + r.nextInt(40) * 0.5) * 100) / 100.0;
    double extra = new double[] {0, 0.5, 1, 2.75}[r.nextInt(4)];
    double mta = 0.5;
    int payment = emptyKeys ? 0 : (r.nextInt(100) < 55 ? 1 : 2 + r.nextInt(4));
    double tip = payment == 1 ? Math.round(fare * (0.1 + r.nextInt(20) / 100.0) * 100) / 100.0 : 0;
    double tolls = r.nextInt(100) < 4 ? 6.12 : 0;
    double surcharge = 0.3;
    double congestion = r.nextInt(100) < 20 ? 2.75 : 0;
    double total = Math.round((fare + extra + mta + tip + tolls + surcharge + congestion) * 100) / 100.0;
    // Pickup zones are skewed: a few busy ones, a long tail.
    int pu = r.nextInt(100) < 50 ? 1 + r.nextInt(40) : 1 + r.nextInt(265);
    int dirt = r.nextInt(1000) < 5 ? 1 + r.nextInt(3) : 0;

    if (!emptyKeys) {
      s.append(r.nextInt(10) < 8 ? 2 : 1);
    }
    s.append(',').append(dirt == 1 ? "2019-13-45 99:00:00" : TS.format(pickup));
    s.append(',').append(TS.format(dropoff));
    s.append(',').append(emptyKeys ? "" : (r.nextInt(100) == 0 ? "Y" : "N"));
    s.append(',');
    if (!emptyKeys) {
      s.append(r.nextInt(100) < 95 ? 1 : 5);
    }
    s.append(',').append(pu);
    s.append(',').append(1 + r.nextInt(265));
    s.append(',');
    if (!emptyKeys) {
      s.append(1 + (r.nextInt(100) < 80 ? 0 : r.nextInt(5)));
    }
    s.append(',').append(distance);
    s.append(',').append(dirt == 2 ? "12.5x" : Double.toString(fare));
    s.append(',').append(extra);
    s.append(',').append(mta);
    s.append(',').append(dirt == 3 ? "N/A" : Double.toString(tip));
    s.append(',').append(tolls);
    s.append(',');
    s.append(',').append(surcharge);
    s.append(',').append(total);
    s.append(',');
    if (!emptyKeys) {
      s.append(payment);
    }
    s.append(',');
    if (!emptyKeys) {
      s.append(r.nextInt(100) < 97 ? 1 : 2);
    }
    s.append(',').append(congestion);
    return dirt != 0;
  }
}
