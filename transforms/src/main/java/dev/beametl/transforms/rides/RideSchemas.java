package dev.beametl.transforms.rides;

import org.apache.beam.sdk.schemas.Schema;

/**
 * The columns of a ride as parsed and as written (SPEC section 4, lower-case). Input fields beyond
 * the seven known ones travel in {@link #EXTRA}: a JSON object as text, null when there are none.
 */
public final class RideSchemas {
  public static final String DISTANCE = "distance";
  public static final String HEALTHPOINTS = "healthpoints";
  public static final String LATITUDE = "latitude";
  public static final String LONGITUDE = "longitude";
  public static final String MAGICPOINTS = "magicpoints";
  public static final String NAME = "name";
  public static final String STATUSTIME = "statustime";
  public static final String GROUNDSTATION = "groundstation";
  public static final String HEAVY_UTILIZATION = "heavy_utilization";
  public static final String STATION_DISTANCE_KM = "station_distance_km";
  public static final String EXTRA = "extra";

  /** A parsed ride: the seven known fields (only the coordinates are required) and the others as JSON. */
  public static final Schema RIDE = knownFields().addNullableStringField(EXTRA).build();

  /**
   * A ride with its nearest station: the SPEC's nine output columns, the distance to the station,
   * and the extra fields. {@code heavy_utilization} is null when distance or magicpoints is.
   */
  public static final Schema ENRICHED =
      knownFields()
          .addStringField(GROUNDSTATION)
          .addNullableInt32Field(HEAVY_UTILIZATION)
          .addDoubleField(STATION_DISTANCE_KM)
          .addNullableStringField(EXTRA)
          .build();

  private RideSchemas() {}

  /** The seven known input fields, in the SPEC's order. */
  private static Schema.Builder knownFields() {
    return Schema.builder()
        .addNullableDoubleField(DISTANCE)
        .addNullableInt32Field(HEALTHPOINTS)
        .addDoubleField(LATITUDE)
        .addDoubleField(LONGITUDE)
        .addNullableInt32Field(MAGICPOINTS)
        .addNullableStringField(NAME)
        .addNullableStringField(STATUSTIME);
  }
}
