package dev.beametl.transforms.stations;

import java.util.Arrays;

/**
 * The station nearest to a point by {@link Haversine#km}, a tie going to the station listed first:
 * always exactly the answer of {@link #fullScan}, found without looking at most stations.
 *
 * <p>How: the haversine term {@code a} is {@code |u - v|² / 4} for the unit vectors {@code u, v} of
 * the two points, so the nearest station on the sphere is the nearest in 3-D, which a k-d tree
 * finds without trigonometry and without special cases at the poles or the ±180° meridian.
 * Rounding makes the 3-D distance and the SPEC formula differ by ~1e-15, so the tree keeps every
 * station within {@link #MARGIN} (far more than that error) of the nearest, and the SPEC formula
 * ranks those few (usually one) exactly as the full scan ranks all of them.
 *
 * <p>Immutable once built, so one instance serves every thread of a worker.
 */
public final class NearestStation {
  /** A station (its position in the {@link StationTable}) and its distance from the point. */
  public record Match(int station, double distanceKm) {}

  private static final int LEAF_SIZE = 8;
  /** Slack on the squared chord: both distances are within 1e-14 of the truth, so 1e-11 is ample. */
  private static final double MARGIN = 1e-11;

  private final StationTable table;
  // Unit vectors, the table position and cos(latitude p) of every station, in tree order.
  private final double[] x;
  private final double[] y;
  private final double[] z;
  private final int[] station;
  private final double[] cosLat;
  // Internal node n splits its range on axis[n] at split[n]; children are 2n+1 and 2n+2.
  private final byte[] axis;
  private final double[] split;

  private NearestStation(StationTable table) {
    this.table = table;
    int n = table.size();
    x = new double[n];
    y = new double[n];
    z = new double[n];
    station = new int[n];
    for (int s = 0; s < n; s++) {
      double phi = table.latitude(s) * Haversine.P;
      double lambda = table.longitude(s) * Haversine.P;
      x[s] = Math.cos(phi) * Math.cos(lambda);
      y[s] = Math.cos(phi) * Math.sin(lambda);
      z[s] = Math.sin(phi);
      station[s] = s;
    }
    int depth = 0;
    while ((n + (1L << depth) - 1) >> depth > LEAF_SIZE) {
      depth++;
    }
    axis = new byte[1 << depth];
    split = new double[1 << depth];
    build(0, 0, n);
    cosLat = new double[n];
    for (int i = 0; i < n; i++) {
      cosLat[i] = Haversine.cosLat(table.latitude(station[i]));
    }
  }

  /** Builds the index (about a second for a million stations). */
  public static NearestStation build(StationTable table) {
    return new NearestStation(table);
  }

  public StationTable table() {
    return table;
  }

  /**
   * The nearest station to a point.
   *
   * @throws IllegalArgumentException when the latitude is not in [-90, 90] or the longitude not in [-180, 180]
   */
  public Match nearest(double latitude, double longitude) {
    String problem = StationTable.coordinateProblem(latitude, longitude);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    double phi = latitude * Haversine.P;
    double lambda = longitude * Haversine.P;
    Query q = new Query(Math.cos(phi) * Math.cos(lambda), Math.cos(phi) * Math.sin(lambda), Math.sin(phi));
    search(q, 0, 0, station.length);
    return resolve(q, latitude, longitude);
  }

  /** The definition the index must match: every station, by {@link Haversine#km}, first listed wins ties. */
  public static Match fullScan(StationTable table, double latitude, double longitude) {
    int best = -1;
    double bestKm = Double.POSITIVE_INFINITY;
    for (int s = 0; s < table.size(); s++) {
      double km = Haversine.km(latitude, longitude, table.latitude(s), table.longitude(s));
      if (km < bestKm) {
        best = s;
        bestKm = km;
      }
    }
    return new Match(best, bestKm);
  }

  private void search(Query q, int node, int lo, int hi) {
    if (hi - lo <= LEAF_SIZE) {
      for (int i = lo; i < hi; i++) {
        double dx = x[i] - q.x;
        double dy = y[i] - q.y;
        double dz = z[i] - q.z;
        q.offer(i, dx * dx + dy * dy + dz * dz);
      }
      return;
    }
    int mid = (lo + hi) >>> 1;
    double diff = coordinate(q, axis[node]) - split[node];
    // Stations beyond the split plane are at least |diff| away (the chord, not the arc).
    if (diff < 0) {
      search(q, 2 * node + 1, lo, mid);
      if (diff * diff <= q.best + MARGIN) {
        search(q, 2 * node + 2, mid, hi);
      }
    } else {
      search(q, 2 * node + 2, mid, hi);
      if (diff * diff <= q.best + MARGIN) {
        search(q, 2 * node + 1, lo, mid);
      }
    }
  }

  /** Among the stations within the margin of the nearest chord, the SPEC formula decides. */
  private Match resolve(Query q, double latitude, double longitude) {
    double queryCosLat = Haversine.cosLat(latitude);
    int best = -1;
    double bestKm = Double.POSITIVE_INFINITY;
    for (int c = 0; c < q.count; c++) {
      if (q.chord2[c] > q.best + MARGIN) {
        continue;
      }
      int i = q.position[c];
      int s = station[i];
      double km = Haversine.km(latitude, longitude, queryCosLat, table.latitude(s), table.longitude(s), cosLat[i]);
      if (km < bestKm || (km == bestKm && s < best)) {
        best = s;
        bestKm = km;
      }
    }
    return new Match(best, bestKm);
  }

  private static double coordinate(Query q, int axis) {
    return axis == 0 ? q.x : axis == 1 ? q.y : q.z;
  }

  private double coordinate(int axis, int i) {
    return axis == 0 ? x[i] : axis == 1 ? y[i] : z[i];
  }

  private void build(int node, int lo, int hi) {
    if (hi - lo <= LEAF_SIZE) {
      return;
    }
    int a = widestAxis(lo, hi);
    int mid = (lo + hi) >>> 1;
    select(a, lo, hi - 1, mid);
    axis[node] = (byte) a;
    split[node] = coordinate(a, mid);
    build(2 * node + 1, lo, mid);
    build(2 * node + 2, mid, hi);
  }

  private int widestAxis(int lo, int hi) {
    int widest = 0;
    double widestSpread = -1;
    for (int a = 0; a < 3; a++) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int i = lo; i < hi; i++) {
        double v = coordinate(a, i);
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      if (max - min > widestSpread) {
        widest = a;
        widestSpread = max - min;
      }
    }
    return widest;
  }

  /** Reorders [l, r] so that position k holds its order statistic on the axis, smaller before, larger after. */
  private void select(int a, int l, int r, int k) {
    while (l < r) {
      double pivot = coordinate(a, k);
      int i = l;
      int j = r;
      do {
        while (coordinate(a, i) < pivot) {
          i++;
        }
        while (pivot < coordinate(a, j)) {
          j--;
        }
        if (i <= j) {
          swap(i++, j--);
        }
      } while (i <= j);
      if (j < k) {
        l = i;
      }
      if (k < i) {
        r = j;
      }
    }
  }

  private void swap(int i, int j) {
    double t = x[i];
    x[i] = x[j];
    x[j] = t;
    t = y[i];
    y[i] = y[j];
    y[j] = t;
    t = z[i];
    z[i] = z[j];
    z[j] = t;
    int s = station[i];
    station[i] = station[j];
    station[j] = s;
  }

  /** One lookup's state: the query's unit vector, the nearest squared chord so far, the candidates. */
  private static final class Query {
    final double x;
    final double y;
    final double z;
    double best = Double.POSITIVE_INFINITY;
    int[] position = new int[LEAF_SIZE];
    double[] chord2 = new double[LEAF_SIZE];
    int count;

    Query(double x, double y, double z) {
      this.x = x;
      this.y = y;
      this.z = z;
    }

    void offer(int i, double d2) {
      if (d2 > best + MARGIN) {
        return;
      }
      best = Math.min(best, d2);
      if (count == position.length) {
        position = Arrays.copyOf(position, count * 2);
        chord2 = Arrays.copyOf(chord2, count * 2);
      }
      position[count] = i;
      chord2[count++] = d2;
    }
  }
}
