package dev.beametl.transforms.stations;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NearestStationTest {

  @Test
  void haversineIsTheSpecFormula() {
    // Central Park to JFK as the original Lambda computed it (Python, same formula).
    assertThat(Haversine.km(40.7789, -73.9692, 40.6386, -73.7622), closeTo(23.405354, 1e-6));
    assertThat(Haversine.km(10, 20, 10, 20), is(0.0));
    assertThat(Haversine.km(0, 0, 0, 180), closeTo(Math.PI * 12742 / 2, 1e-9));
    assertThat(Haversine.km(90, 0, -90, 0), closeTo(Math.PI * 12742 / 2, 1e-9));
  }

  @Test
  void tiesGoToTheStationListedFirst() {
    StationTable t = table(new double[][] {{0, 1}, {0, -1}, {0, 1}, {0, -1}});
    assertThat(NearestStation.build(t).nearest(0, 0).station(), is(0));
    StationTable reversed = table(new double[][] {{5, 5}, {0, -1}, {0, 1}});
    assertThat(NearestStation.build(reversed).nearest(0, 0).station(), is(1));
  }

  @Test
  void theAntimeridianAndThePolesAreNoEdges() {
    StationTable t = table(new double[][] {{0, 170}, {0, -179.9}, {89.9, 0}, {-60, 100}});
    NearestStation index = NearestStation.build(t);
    assertThat(index.nearest(0, 179.9).station(), is(1));
    assertThat(index.nearest(0, -180).station(), is(1));
    assertThat(index.nearest(90, 123).station(), is(2));
    assertThat(index.nearest(89.95, -179).station(), is(2));
    assertThat(index.nearest(-90, 0).station(), is(3));
  }

  @Test
  void aPointOffTheGlobeIsAnError() {
    NearestStation index = NearestStation.build(table(new double[][] {{0, 0}}));
    assertThrows(IllegalArgumentException.class, () -> index.nearest(Double.NaN, 0));
    assertThrows(IllegalArgumentException.class, () -> index.nearest(0, 180.5));
  }

  /** The property the issue asks for: on any stations and rides, the index answers as the full scan. */
  @ParameterizedTest(name = "{0} stations, seed {1}")
  @CsvSource({"1,1", "2,2", "8,3", "9,4", "50,5", "1000,6", "5000,7", "20000,8"})
  void indexEqualsFullScanOnRandomStationsAndRides(int stations, long seed) {
    Random random = new Random(seed);
    StationTable table = randomStations(stations, random);
    NearestStation index = NearestStation.build(table);
    int rides = Math.min(4000, Math.max(100, 2_000_000 / stations));
    for (int r = 0; r < rides; r++) {
      double[] p = randomRide(table, random);
      NearestStation.Match expected = NearestStation.fullScan(table, p[0], p[1]);
      assertThat("ride " + p[0] + "," + p[1], index.nearest(p[0], p[1]), equalTo(expected));
    }
  }

  /** Stations from every awkward family at once: duplicates, grids (exact ties), poles, the antimeridian, clusters. */
  static StationTable randomStations(int n, Random random) {
    List<double[]> points = new ArrayList<>();
    while (points.size() < n) {
      int kind = random.nextInt(8);
      if (kind == 0 && !points.isEmpty()) {
        points.add(points.get(random.nextInt(points.size())).clone());
      } else if (kind == 1) {
        points.add(new double[] {random.nextInt(181) - 90, random.nextInt(361) - 180});
      } else if (kind == 2) {
        points.add(new double[] {random.nextBoolean() ? 90 : -90, uniformLongitude(random)});
      } else if (kind == 3) {
        points.add(new double[] {uniformLatitude(random), random.nextBoolean() ? 180 : -180 + random.nextDouble() * 1e-3});
      } else if (kind == 4 && !points.isEmpty()) {
        double[] near = points.get(random.nextInt(points.size()));
        points.add(clamp(near[0] + random.nextGaussian() * 1e-6, near[1] + random.nextGaussian() * 1e-6));
      } else if (kind == 5) {
        points.add(clamp(40.7 + random.nextGaussian() * 0.3, -73.9 + random.nextGaussian() * 0.3));
      } else {
        points.add(new double[] {uniformLatitude(random), uniformLongitude(random)});
      }
    }
    return table(points.toArray(double[][]::new));
  }

  static double[] randomRide(StationTable t, Random random) {
    int kind = random.nextInt(7);
    int s = random.nextInt(t.size());
    if (kind == 0) {
      return new double[] {t.latitude(s), t.longitude(s)};
    } else if (kind == 1) {
      int o = random.nextInt(t.size());
      return clamp((t.latitude(s) + t.latitude(o)) / 2, (t.longitude(s) + t.longitude(o)) / 2);
    } else if (kind == 2) {
      return new double[] {random.nextInt(181) - 90, random.nextInt(361) - 180};
    } else if (kind == 3) {
      return new double[] {random.nextBoolean() ? 90 : -90, uniformLongitude(random)};
    } else if (kind == 4) {
      return new double[] {uniformLatitude(random), random.nextBoolean() ? 180 : -180};
    } else if (kind == 5) {
      return clamp(t.latitude(s) + random.nextGaussian() * 0.01, t.longitude(s) + random.nextGaussian() * 0.01);
    }
    return new double[] {uniformLatitude(random), uniformLongitude(random)};
  }

  static StationTable table(double[][] points) {
    List<String> ids = new ArrayList<>();
    double[] lats = new double[points.length];
    double[] lons = new double[points.length];
    for (int i = 0; i < points.length; i++) {
      ids.add("S" + i);
      lats[i] = points[i][0];
      lons[i] = points[i][1];
    }
    return StationTable.of("test", ids, lats, lons);
  }

  private static double uniformLatitude(Random random) {
    return Math.toDegrees(Math.asin(2 * random.nextDouble() - 1));
  }

  private static double uniformLongitude(Random random) {
    return random.nextDouble() * 360 - 180;
  }

  private static double[] clamp(double lat, double lon) {
    return new double[] {Math.max(-90, Math.min(90, lat)), Math.max(-180, Math.min(180, lon))};
  }
}
