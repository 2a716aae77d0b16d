package dev.beametl.transforms.stations;

/**
 * The great-circle distance of SPEC section 4, evaluated exactly as written there (earth diameter
 * 12742 km, {@code p = pi/180}):
 * {@code a = 0.5 - cos((lat2-lat1)p)/2 + cos(lat1 p) cos(lat2 p) (1 - cos((lon2-lon1)p))/2},
 * {@code d = 12742 asin(sqrt(a))}.
 *
 * <p>This is the one definition of "nearest": the full scan and the index both rank stations by
 * {@link #km}, so equal distances really are equal doubles. {@link StrictMath} makes the result the
 * same bits on every JVM and CPU (a Spark executor agrees with the driver and with the tests).
 */
public final class Haversine {
  public static final double EARTH_DIAMETER_KM = 12742;
  static final double P = Math.PI / 180;

  private Haversine() {}

  /** Distance in km from point 1 (the ride) to point 2 (the station); arguments in degrees. */
  public static double km(double lat1, double lon1, double lat2, double lon2) {
    return km(lat1, lon1, StrictMath.cos(lat1 * P), lat2, lon2, StrictMath.cos(lat2 * P));
  }

  /** {@link #km(double, double, double, double)} with {@code cos(lat p)} of both points computed once by the caller. */
  static double km(double lat1, double lon1, double cosLat1, double lat2, double lon2, double cosLat2) {
    double a = 0.5 - StrictMath.cos((lat2 - lat1) * P) / 2 + cosLat1 * cosLat2 * (1 - StrictMath.cos((lon2 - lon1) * P)) / 2;
    // Rounding can push a just past 1 for antipodal points, where asin would give NaN.
    return EARTH_DIAMETER_KM * StrictMath.asin(Math.sqrt(Math.min(a, 1.0)));
  }

  static double cosLat(double lat) {
    return StrictMath.cos(lat * P);
  }
}
