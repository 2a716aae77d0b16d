package dev.beametl.bench.rideweather;

import dev.beametl.transforms.stations.NearestStation;
import dev.beametl.transforms.stations.StationTable;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * The lookup alone, on one thread: {@link NearestStation} (the index) against
 * {@link NearestStation#fullScan} (every station per ride), on the benchmark's station list and
 * ride positions drawn like the generated rides. Reports rides per second by wall clock and by the
 * thread's CPU time (the per-core figure, less sensitive to other load on the machine), and checks
 * that both give the same answer for every ride the full scan was timed on.
 *
 * <p>Usage: {@code LookupBenchmark <stations.csv> [lookups] [scanLookups]}.
 */
public final class LookupBenchmark {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private LookupBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    int lookups = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
    int scanLookups = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
    StationTable stations;
    try (InputStream in = Files.newInputStream(file)) {
      stations = StationTable.read(in, file.toString(), StationTable.Columns.DEFAULT);
    }
    double[][] rides = rides(stations, lookups, new Random(7));

    long wall = System.nanoTime();
    long cpu = THREADS.getCurrentThreadCpuTime();
    NearestStation index = NearestStation.build(stations);
    System.out.printf(Locale.ROOT, "index build: %d stations in %.0f ms (cpu %.0f ms)%n",
        stations.size(), (System.nanoTime() - wall) / 1e6, (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6);

    // Rounds until the JIT has settled; the best round is reported (the least disturbed by other load).
    double bestWall = 0;
    double bestCpu = 0;
    long checksum = 0;
    for (int round = 0; round < 7; round++) {
      wall = System.nanoTime();
      cpu = THREADS.getCurrentThreadCpuTime();
      for (double[] ride : rides) {
        checksum += index.nearest(ride[0], ride[1]).station();
      }
      double wallRate = rides.length / ((System.nanoTime() - wall) / 1e9);
      double cpuRate = rides.length / ((THREADS.getCurrentThreadCpuTime() - cpu) / 1e9);
      if (round >= 2) {
        bestWall = Math.max(bestWall, wallRate);
        bestCpu = Math.max(bestCpu, cpuRate);
      }
    }

    double[][] sample = Arrays.copyOf(rides, Math.min(scanLookups, rides.length));
    NearestStation.Match[] scanned = new NearestStation.Match[sample.length];
    wall = System.nanoTime();
    cpu = THREADS.getCurrentThreadCpuTime();
    for (int i = 0; i < sample.length; i++) {
      scanned[i] = NearestStation.fullScan(stations, sample[i][0], sample[i][1]);
    }
    double scanWall = sample.length / ((System.nanoTime() - wall) / 1e9);
    double scanCpu = sample.length / ((THREADS.getCurrentThreadCpuTime() - cpu) / 1e9);
    int mismatches = 0;
    for (int i = 0; i < sample.length; i++) {
      if (!index.nearest(sample[i][0], sample[i][1]).equals(scanned[i])) {
        mismatches++;
      }
    }

    System.out.printf(Locale.ROOT, "lookup, index:     %,12.0f rides/s per core (cpu time), %,12.0f rides/s wall; %d stations, %,d rides x 5 rounds (checksum %d)%n",
        bestCpu, bestWall, stations.size(), rides.length, checksum);
    System.out.printf(Locale.ROOT, "lookup, full scan: %,12.0f rides/s per core (cpu time), %,12.0f rides/s wall; %,d rides%n",
        scanCpu, scanWall, sample.length);
    System.out.printf(Locale.ROOT, "index / full scan: %.0fx; index == full scan for %d of %d rides%n",
        bestCpu / scanCpu, sample.length - mismatches, sample.length);
    if (mismatches > 0) {
      System.exit(1);
    }
  }

  /** Ride positions as the generator draws them: tracks near stations, plus 10% anywhere on the globe. */
  private static double[][] rides(StationTable stations, int count, Random random) {
    double[][] rides = new double[count][];
    for (int i = 0; i < count; i++) {
      if (i % 10 == 9) {
        rides[i] = new double[] {Math.toDegrees(Math.asin(2 * random.nextDouble() - 1)), random.nextDouble() * 360 - 180};
      } else {
        int s = random.nextInt(stations.size());
        rides[i] = Geography.near(new double[] {stations.latitude(s), stations.longitude(s)}, random);
      }
    }
    return rides;
  }
}
