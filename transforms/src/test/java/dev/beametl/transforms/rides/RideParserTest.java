package dev.beametl.transforms.rides;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RideParserTest {
  static final String RIDE =
      "{\"Distance\": 30.311448438933994, \"HealthPoints\": 7399, \"Latitude\": 40.78417964478969,"
          + " \"Longitude\": -73.97735130004799, \"MagicPoints\": 3191, \"Name\": \"Shadowfax\","
          + " \"StatusTime\": \"2015-12-31 08:23:02.000\"}";

  @Test
  void parsesTheSevenKnownFields() throws Exception {
    Row ride = RideParser.parse(RIDE);
    assertThat(ride.getDouble("distance"), is(30.311448438933994));
    assertThat(ride.getInt32("healthpoints"), is(7399));
    assertThat(ride.getDouble("latitude"), is(40.78417964478969));
    assertThat(ride.getDouble("longitude"), is(-73.97735130004799));
    assertThat(ride.getInt32("magicpoints"), is(3191));
    assertThat(ride.getString("name"), is("Shadowfax"));
    assertThat(ride.getString("statustime"), is("2015-12-31 08:23:02.000"));
    assertThat(ride.getString("extra"), is(nullValue()));
  }

  @Test
  void keysMatchIgnoringCaseAndOtherFieldsAreCarriedExactly() throws Exception {
    Row ride =
        RideParser.parse(
            "{\"LATITUDE\": 1.5, \"longitude\": 2, \"RideId\": \"r-1\", \"Fare\": 12.50, \"Big\": 123456789012345678901234567890,"
                + " \"Tags\": [\"a\", {\"B\": null}], \"GroundStation\": \"stale\"}");
    assertThat(ride.getDouble("latitude"), is(1.5));
    assertThat(ride.getDouble("longitude"), is(2.0));
    assertThat(ride.getDouble("distance"), is(nullValue()));
    assertThat(ride.getString("extra"), is("{\"rideid\":\"r-1\",\"fare\":12.50,\"big\":123456789012345678901234567890,\"tags\":[\"a\",{\"B\":null}]}"));
  }

  @Test
  void integralNumbersWrittenWithAFractionAreIntegers() throws Exception {
    Row ride = RideParser.parse("{\"latitude\": 0, \"longitude\": 0, \"healthpoints\": 12.0, \"statustime\": \"2019-06-25 09:43:42\"}");
    assertThat(ride.getInt32("healthpoints"), is(12));
    assertThat(ride.getString("statustime"), is("2019-06-25 09:43:42"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"longitude\": 1}|missing_coordinates|latitude",
        "{\"latitude\": 1, \"longitude\": null}|missing_coordinates|longitude",
        "{\"latitude\": \"40.7\", \"longitude\": 1}|invalid_coordinates|latitude",
        "{\"latitude\": 90.5, \"longitude\": 1}|invalid_coordinates|latitude",
        "{\"latitude\": 1, \"longitude\": -180.01}|invalid_coordinates|longitude",
        "{\"latitude\": 1, \"longitude\": 1e400}|invalid_coordinates|longitude",
        "{\"latitude\": -1e-400, \"longitude\": 1}|invalid_coordinates|latitude",
        "{\"latitude\": 1, \"longitude\": 1, \"Distance\": 1e309}|unparsable_value|distance",
        "{\"latitude\": 1, \"longitude\": 1, \"Distance\": -1e309}|unparsable_value|distance",
        "{\"latitude\": 1, \"longitude\": 1, \"Distance\": 1e-400}|unparsable_value|distance",
        "{\"latitude\": 1, \"longitude\": 1, \"Distance\": -1e-400}|unparsable_value|distance",
        "{\"latitude\": 1, \"longitude\": 1, \"HealthPoints\": \"12\"}|unparsable_value|healthpoints",
        "{\"latitude\": 1, \"longitude\": 1, \"MagicPoints\": 12.5}|unparsable_value|magicpoints",
        "{\"latitude\": 1, \"longitude\": 1, \"MagicPoints\": 3000000000}|unparsable_value|magicpoints",
        "{\"latitude\": 1, \"longitude\": 1, \"Distance\": true}|unparsable_value|distance",
        "{\"latitude\": 1, \"longitude\": 1, \"Name\": 5}|unparsable_value|name",
        "{\"latitude\": 1, \"longitude\": 1, \"StatusTime\": \"2019-02-30 00:00:00.000\"}|unparsable_value|statustime",
        "{\"latitude\": 1, \"longitude\": 1, \"StatusTime\": \"2019-06-25T09:43:42\"}|unparsable_value|statustime",
        "{\"Latitude\": 1, \"latitude\": 2, \"longitude\": 1}|duplicate_field|latitude",
      })
  void refusesBadRidesNamingReasonAndField(String json, String reason, String column) {
    RideParser.InvalidRide e = assertThrows(RideParser.InvalidRide.class, () -> RideParser.parse(json));
    assertThat(e.reason(), is(reason));
    assertThat(e.column(), is(column));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"latitude\": 1, \"longitude\": }|malformed_json",
        "{\"latitude\": 1, \"longitude\": 1} {\"latitude\": 2}|malformed_json",
        "{\"latitude\": 1, \"latitude\": 1, \"longitude\": 1}|malformed_json",
        "{\"latitude\": 1, \"longitude\": NaN}|malformed_json",
        "[1, 2]|not_an_object",
        "\"text\"|not_an_object",
      })
  void refusesWhatIsNotAJsonObject(String json, String reason) {
    RideParser.InvalidRide e = assertThrows(RideParser.InvalidRide.class, () -> RideParser.parse(json));
    assertThat(e.reason(), is(reason));
    assertThat(e.getMessage().isEmpty(), is(false));
  }

  @Test
  void malformedJsonSaysWhere() {
    RideParser.InvalidRide e = assertThrows(RideParser.InvalidRide.class, () -> RideParser.parse("{\"latitude\": 1,\n \"longitude\": }"));
    assertThat(e.getMessage(), containsString("line 2"));
  }
}
