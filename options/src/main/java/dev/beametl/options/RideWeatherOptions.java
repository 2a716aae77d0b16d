package dev.beametl.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;

/** {@code ride-weather}: ride telemetry JSON -> each ride with its nearest weather station -> files. */
public interface RideWeatherOptions extends EtlOptions, InputOptions, FileOutputOptions, RowRuleOptions {

  @Description("Weather stations: one CSV file with a header (local or s3://), e.g. a NOAA station list.")
  @Validation.Required
  String getStations();

  void setStations(String value);

  @Description("Header of the station id column (matched ignoring case).")
  @Default.String("id")
  String getStationIdColumn();

  void setStationIdColumn(String value);

  @Description("Header of the station latitude column, in degrees (matched ignoring case).")
  @Default.String("latitude")
  String getStationLatitudeColumn();

  void setStationLatitudeColumn(String value);

  @Description("Header of the station longitude column, in degrees (matched ignoring case).")
  @Default.String("longitude")
  String getStationLongitudeColumn();

  void setStationLongitudeColumn(String value);

  @Description("heavy_utilization is 1 when magicpoints >= distance * this.")
  @Default.Double(50)
  double getMagicPerDistance();

  void setMagicPerDistance(double value);

  @Description("Key of the array of rides when a file is one JSON object wrapping it (matched ignoring case).")
  @Default.String("travel_data")
  String getRidesArrayKey();

  void setRidesArrayKey(String value);
}
