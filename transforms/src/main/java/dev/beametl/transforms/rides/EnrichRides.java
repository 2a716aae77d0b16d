package dev.beametl.transforms.rides;

import dev.beametl.transforms.stations.NearestStation;
import dev.beametl.transforms.stations.StationTable;
import java.util.Arrays;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;

/**
 * {@link RideSchemas#RIDE} rows -> {@link RideSchemas#ENRICHED}: the nearest station
 * ({@code groundstation}, exactly the full scan's answer, see {@link NearestStation}), the distance
 * to it in km, and {@code heavy_utilization = 1 if magicpoints >= distance * magicPerDistance}.
 * Counts nothing: every ride gets a station and is counted {@code written} by {@link WriteRides},
 * where nothing forks after the count.
 */
public final class EnrichRides extends PTransform<PCollection<Row>, PCollection<Row>> {
  public static final double DEFAULT_MAGIC_PER_DISTANCE = 50;
  private static final String STATIONS = "stations";

  private final PCollectionView<StationTable> stations;
  private final double magicPerDistance;

  private EnrichRides(PCollectionView<StationTable> stations, double magicPerDistance) {
    this.stations = stations;
    this.magicPerDistance = magicPerDistance;
  }

  public static EnrichRides withStations(PCollectionView<StationTable> stations) {
    return new EnrichRides(stations, DEFAULT_MAGIC_PER_DISTANCE);
  }

  public EnrichRides withMagicPerDistance(double magicPerDistance) {
    if (!Double.isFinite(magicPerDistance)) {
      throw new IllegalArgumentException("magicPerDistance must be a finite number, got " + magicPerDistance);
    }
    return new EnrichRides(stations, magicPerDistance);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rides) {
    return rides
        .apply("NearestStation", ParDo.of(new EnrichFn(magicPerDistance)).withSideInput(STATIONS, stations))
        .setRowSchema(RideSchemas.ENRICHED);
  }

  static final class EnrichFn extends DoFn<Row, Row> {
    private final double magicPerDistance;

    EnrichFn(double magicPerDistance) {
      this.magicPerDistance = magicPerDistance;
    }

    @ProcessElement
    public void process(@Element Row ride, @SideInput(STATIONS) StationTable stations, OutputReceiver<Row> out) {
      NearestStation.Match match =
          SharedIndex.of(stations).nearest(ride.getDouble(RideSchemas.LATITUDE), ride.getDouble(RideSchemas.LONGITUDE));
      Double distance = ride.getDouble(RideSchemas.DISTANCE);
      Integer magic = ride.getInt32(RideSchemas.MAGICPOINTS);
      Integer heavy = distance == null || magic == null ? null : magic >= distance * magicPerDistance ? 1 : 0;
      out.output(
          Row.withSchema(RideSchemas.ENRICHED)
              .attachValues(
                  Arrays.<Object>asList(
                      distance,
                      ride.getInt32(RideSchemas.HEALTHPOINTS),
                      ride.getDouble(RideSchemas.LATITUDE),
                      ride.getDouble(RideSchemas.LONGITUDE),
                      magic,
                      ride.getString(RideSchemas.NAME),
                      ride.getString(RideSchemas.STATUSTIME),
                      stations.id(match.station()),
                      heavy,
                      match.distanceKm(),
                      ride.getString(RideSchemas.EXTRA))));
    }
  }

  /** One index per worker JVM, shared by its threads, rebuilt only when the station list changes. */
  static final class SharedIndex {
    private static volatile NearestStation current;

    private SharedIndex() {}

    static NearestStation of(StationTable stations) {
      NearestStation index = current;
      if (index != null && (index.table() == stations || index.table().fingerprint().equals(stations.fingerprint()))) {
        return index;
      }
      synchronized (SharedIndex.class) {
        index = current;
        if (index == null || !index.table().fingerprint().equals(stations.fingerprint())) {
          index = NearestStation.build(stations);
          current = index;
        }
        return index;
      }
    }
  }
}
