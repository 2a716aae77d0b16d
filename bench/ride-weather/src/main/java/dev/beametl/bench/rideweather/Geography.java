package dev.beametl.bench.rideweather;

import java.util.Random;

/**
 * Where the synthetic stations and rides are: stations dense where real networks are dense (most
 * in North America and Europe, the rest anywhere on the globe), rides as short tracks near them.
 */
final class Geography {
  private Geography() {}

  /** A station position: 60% North America, 20% Europe, 20% uniform on the sphere. */
  static double[] station(Random random) {
    double pick = random.nextDouble();
    if (pick < 0.6) {
      return new double[] {25 + random.nextDouble() * 25, -125 + random.nextDouble() * 58};
    } else if (pick < 0.8) {
      return new double[] {36 + random.nextDouble() * 24, -10 + random.nextDouble() * 40};
    }
    return new double[] {Math.toDegrees(Math.asin(2 * random.nextDouble() - 1)), random.nextDouble() * 360 - 180};
  }

  /** A point of a ride that started near {@code origin}: within about 20 km of it. */
  static double[] near(double[] origin, Random random) {
    double lat = clamp(origin[0] + random.nextGaussian() * 0.1, -90, 90);
    double lon = origin[1] + random.nextGaussian() * 0.1;
    return new double[] {lat, lon > 180 ? lon - 360 : lon < -180 ? lon + 360 : lon};
  }

  private static double clamp(double v, double min, double max) {
    return Math.max(min, Math.min(max, v));
  }
}
