package dev.beametl.transforms.rides;

import static dev.beametl.transforms.rides.RideSchemas.DISTANCE;
import static dev.beametl.transforms.rides.RideSchemas.GROUNDSTATION;
import static dev.beametl.transforms.rides.RideSchemas.HEALTHPOINTS;
import static dev.beametl.transforms.rides.RideSchemas.HEAVY_UTILIZATION;
import static dev.beametl.transforms.rides.RideSchemas.LATITUDE;
import static dev.beametl.transforms.rides.RideSchemas.LONGITUDE;
import static dev.beametl.transforms.rides.RideSchemas.MAGICPOINTS;
import static dev.beametl.transforms.rides.RideSchemas.NAME;
import static dev.beametl.transforms.rides.RideSchemas.STATION_DISTANCE_KM;
import static dev.beametl.transforms.rides.RideSchemas.STATUSTIME;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beametl.transforms.rows.Timestamps;
import dev.beametl.transforms.stations.StationTable;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One ride's JSON text -> a {@link RideSchemas#RIDE} row. Keys match case-insensitively. Types are
 * checked, not coerced: a number where text is expected (or the reverse) rejects the ride, naming
 * the field. Latitude and longitude are required and range-checked; the other known fields may be
 * missing or null. Unknown fields go, lower-cased and unchanged, to {@code extra}; fields the
 * pipeline computes ({@code groundstation}, {@code heavy_utilization}, {@code station_distance_km})
 * are dropped from the input, so re-processing an output recomputes them instead of keeping stale ones.
 */
public final class RideParser {
  /** Reads numbers exactly (BigDecimal), so extra fields are written back digit for digit. */
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .build();

  private static final Set<String> KNOWN = Set.of(DISTANCE, HEALTHPOINTS, LATITUDE, LONGITUDE, MAGICPOINTS, NAME, STATUSTIME);
  private static final Set<String> COMPUTED = Set.of(GROUNDSTATION, HEAVY_UTILIZATION, STATION_DISTANCE_KM);

  /** Why a ride was refused: a reject reason, the field at fault (if one), and an explanation. */
  public static final class InvalidRide extends Exception {
    private final String reason;
    private final @Nullable String column;

    InvalidRide(String reason, @Nullable String column, String detail) {
      super(detail, null, false, false);
      this.reason = reason;
      this.column = column;
    }

    public String reason() {
      return reason;
    }

    public @Nullable String column() {
      return column;
    }
  }

  private RideParser() {}

  public static Row parse(String text) throws InvalidRide {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + " of the record)";
      throw new InvalidRide("malformed_json", null, e.getOriginalMessage() + where);
    }
    if (!(root instanceof ObjectNode)) {
      throw new InvalidRide("not_an_object", null, "a ride must be a JSON object, not " + kind(root));
    }
    JsonNode[] known = new JsonNode[RideSchemas.RIDE.getFieldCount()];
    ObjectNode extra = null;
    Set<String> keys = new HashSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> fields = root.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = field.getKey().toLowerCase(Locale.ROOT);
      if (!keys.add(key)) {
        throw new InvalidRide("duplicate_field", key, "the field " + key + " appears twice (keys are matched ignoring case)");
      }
      if (KNOWN.contains(key)) {
        known[RideSchemas.RIDE.indexOf(key)] = field.getValue();
      } else if (!COMPUTED.contains(key)) {
        if (extra == null) {
          extra = JSON.createObjectNode();
        }
        extra.set(key, field.getValue());
      }
    }
    double latitude = coordinate(known, LATITUDE);
    double longitude = coordinate(known, LONGITUDE);
    String problem = StationTable.coordinateProblem(latitude, longitude);
    if (problem != null) {
      throw new InvalidRide("invalid_coordinates", problem.startsWith("latitude") ? LATITUDE : LONGITUDE, problem);
    }
    return Row.withSchema(RideSchemas.RIDE)
        .attachValues(
            Arrays.<Object>asList(
                decimal(known, DISTANCE),
                integer(known, HEALTHPOINTS),
                latitude,
                longitude,
                integer(known, MAGICPOINTS),
                text(known, NAME),
                statusTime(known),
                extra == null ? null : extra.toString()));
  }

  private static double coordinate(JsonNode[] known, String name) throws InvalidRide {
    JsonNode node = known[RideSchemas.RIDE.indexOf(name)];
    if (node == null || node.isNull()) {
      throw new InvalidRide("missing_coordinates", name, name + " is missing");
    }
    if (!node.isNumber()) {
      throw new InvalidRide("invalid_coordinates", name, name + " must be a number, got " + describe(node));
    }
    if (!fitsDouble(node)) {
      throw new InvalidRide("invalid_coordinates", name, name + " is out of the range of a number, got " + describe(node));
    }
    return node.doubleValue();
  }

  /** Whether a double holds the number: not Infinity ({@code 1e309}), and not zero for a non-zero value ({@code 1e-400}). */
  private static boolean fitsDouble(JsonNode number) {
    double value = number.doubleValue();
    return Double.isFinite(value) && (value != 0 || number.decimalValue().signum() == 0);
  }

  private static @Nullable Double decimal(JsonNode[] known, String name) throws InvalidRide {
    return optional(known, name, n -> n.isNumber() && fitsDouble(n), JsonNode::doubleValue, "a number a double can hold");
  }

  private static @Nullable Integer integer(JsonNode[] known, String name) throws InvalidRide {
    return optional(
        known, name, n -> n.isNumber() && n.canConvertToExactIntegral() && n.canConvertToInt(), JsonNode::intValue, "a 32-bit integer");
  }

  private static @Nullable String text(JsonNode[] known, String name) throws InvalidRide {
    return optional(known, name, JsonNode::isTextual, JsonNode::textValue, "a string");
  }

  /** A field that may be missing or null (then null), else one that {@code fits}, as {@code value} gives it. */
  private static <T> @Nullable T optional(
      JsonNode[] known, String name, Predicate<JsonNode> fits, Function<JsonNode, T> value, String expected) throws InvalidRide {
    JsonNode node = known[RideSchemas.RIDE.indexOf(name)];
    if (node == null || node.isNull()) {
      return null;
    }
    if (!fits.test(node)) {
      throw new InvalidRide("unparsable_value", name, name + " must be " + expected + ", got " + describe(node));
    }
    return value.apply(node);
  }

  /** Checked against {@code yyyy-MM-dd HH:mm:ss.SSS} and kept as written, so no precision is lost. */
  private static @Nullable String statusTime(JsonNode[] known) throws InvalidRide {
    String value = text(known, STATUSTIME);
    if (value != null) {
      try {
        Timestamps.SECONDS_AND_FRACTION.parse(value);
      } catch (DateTimeParseException e) {
        throw new InvalidRide("unparsable_value", STATUSTIME, STATUSTIME + " must look like yyyy-MM-dd HH:mm:ss.SSS, got " + describe(known[RideSchemas.RIDE.indexOf(STATUSTIME)]));
      }
    }
    return value;
  }

  private static String describe(JsonNode node) {
    String json = node.toString();
    return kind(node) + " " + (json.length() > 60 ? json.substring(0, 60) + "..." : json);
  }

  private static String kind(JsonNode node) {
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
