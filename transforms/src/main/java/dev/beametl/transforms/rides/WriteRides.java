package dev.beametl.transforms.rides;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.Materialize;
import dev.beametl.transforms.files.OutputFormat;
import dev.beametl.transforms.files.WriteRows;
import java.util.Objects;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Writes enriched rides under a directory. Parquet and CSV get the columns of
 * {@link RideSchemas#ENRICHED}, the input's extra fields as one JSON-text column {@code extra}
 * (a columnar file needs its columns before the data is read). JSON lines have no such limit:
 * there the extra fields are keys of the ride again, after the known columns, as in the input.
 * Outputs the names of the files written.
 *
 * <p>Counts each ride {@code written} just before the sink, with nothing forking after the count:
 * a fixed number of shards goes straight to the sink's GroupByKey; runner-chosen shards (whose
 * write forks into written and spilled records) are reshuffled first, else a cluster runner would
 * re-run the count per branch.
 */
public final class WriteRides extends PTransform<PCollection<Row>, PCollection<String>> {
  private final String directory;
  private final OutputFormat format;
  private final int shards;

  private WriteRides(String directory, OutputFormat format, int shards) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.format = Objects.requireNonNull(format, "format");
    this.shards = shards;
  }

  public static WriteRides to(String directory, OutputFormat format) {
    return new WriteRides(directory, format, 0);
  }

  /** A fixed number of files; 0 (the default) lets the runner choose. */
  public WriteRides withNumShards(int shards) {
    if (shards < 0) {
      throw new IllegalArgumentException("shards must be >= 0 (0: the runner chooses), got " + shards);
    }
    return new WriteRides(directory, format, shards);
  }

  @Override
  public PCollection<String> expand(PCollection<Row> rides) {
    rides = rides.apply("CountWritten", ParDo.of(EtlMetrics.countWritten())).setRowSchema(rides.getSchema());
    if (shards == 0) {
      rides = rides.apply("Materialize", Materialize.inBatches());
    }
    if (format != OutputFormat.JSONL) {
      return rides.apply("Write" + format, WriteRows.to(directory, format).withNumShards(shards));
    }
    return rides
        .apply("ToJsonLine", MapElements.into(TypeDescriptors.strings()).via(WriteRides::toJsonLine))
        .apply(
            "WriteJSONL",
            FileIO.<String>write().via(TextIO.sink()).to(directory).withPrefix("part").withSuffix(".jsonl").withNumShards(shards))
        .getPerDestinationOutputFilenames()
        .apply("FileNames", Values.create());
  }

  /** One ride as a JSON object: every column but {@code extra} (nulls included), then the extra fields. */
  static String toJsonLine(Row ride) {
    ObjectNode line = RideParser.JSON.createObjectNode();
    Schema schema = ride.getSchema();
    for (int i = 0; i < schema.getFieldCount(); i++) {
      String name = schema.getField(i).getName();
      Object value = ride.getValue(i);
      if (name.equals(RideSchemas.EXTRA)) {
        continue;
      } else if (value == null) {
        line.putNull(name);
      } else if (value instanceof Double d) {
        line.put(name, d);
      } else if (value instanceof Integer n) {
        line.put(name, n);
      } else {
        line.put(name, value.toString());
      }
    }
    String extra = ride.getString(RideSchemas.EXTRA);
    try {
      if (extra != null) {
        line.setAll((ObjectNode) RideParser.JSON.readTree(extra));
      }
      return RideParser.JSON.writeValueAsString(line);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("extra is not a JSON object: " + extra, e);
    }
  }
}
