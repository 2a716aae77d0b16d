package dev.beametl.transforms.rides;

import dev.beametl.transforms.json.JsonFileRecords;
import dev.beametl.transforms.json.JsonRecordReader;
import dev.beametl.transforms.records.ReadRecords;
import dev.beametl.transforms.records.RecordParser;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Ride files (a JSON array, an object wrapping the array, or JSON lines) -> {@link RideSchemas#RIDE}
 * rows and rejects. Each file is streamed record by record in small bundles ({@link ReadRecords}
 * over {@link JsonFileRecords}), so its size does not matter.
 *
 * <p>Counts: {@code read} is every record found, plus one for each piece of a file that is not a
 * record (a file with no JSON at all, a cut-off end, content after the array); each of those is also
 * a reject, so every count is accounted for. The outcomes are materialized before they are split
 * into rides and rejects ({@link WithRejects#split}): the counted read has no fork after it, so a
 * cluster runner never re-runs it.
 */
public final class ParseRides extends PTransform<PCollection<FileIO.ReadableFile>, WithRejects<Row>> {
  public static final String STEP = "parse";
  public static final String DEFAULT_ARRAY_KEY = "travel_data";

  private final String arrayKey;
  private final long rangeBytes;

  private ParseRides(String arrayKey, long rangeBytes) {
    this.arrayKey = arrayKey;
    this.rangeBytes = rangeBytes;
  }

  public static ParseRides fromFiles() {
    return new ParseRides(DEFAULT_ARRAY_KEY, JsonFileRecords.DEFAULT_RANGE_BYTES);
  }

  /** The key of a file-level object that holds the rides' array ({@code travel_data} by default). */
  public ParseRides withArrayKey(String key) {
    return new ParseRides(key, rangeBytes);
  }

  /** JSON-lines files larger than this are read in ranges of about this size (see {@link JsonFileRecords#withRangeBytes}). */
  public ParseRides withRangeBytes(long bytes) {
    return new ParseRides(arrayKey, bytes);
  }

  @Override
  public WithRejects<Row> expand(PCollection<FileIO.ReadableFile> files) {
    return WithRejects.split(files.apply("ReadRecords", read()));
  }

  /** The read of the ride files, each record as a ride or a reject; counts {@code read} and {@code files}. */
  ReadRecords<FileIO.ReadableFile, JsonRecordReader.Position, JsonRecordReader.Record> read() {
    return ReadRecords.from(JsonFileRecords.of(new RideRecords(), RideSchemas.RIDE, arrayKey).withRangeBytes(rangeBytes)).countingFiles();
  }

  /** A record -> a ride, or a reject with the record's text. */
  static final class RideRecords implements RecordParser<JsonRecordReader.Record> {
    @Override
    public KV<Row, Reject> parse(String file, JsonRecordReader.Record record) {
      JsonRecordReader.Problem problem = record.problem();
      if (problem == JsonRecordReader.Problem.EMPTY) {
        return KV.of(null, new Reject(STEP, problem.reason, null, problem.description, file, 0, ""));
      }
      if (problem != null) {
        return reject(problem.reason, null, problem.description, file, record);
      }
      try {
        return KV.of(RideParser.parse(record.text()), null);
      } catch (RideParser.InvalidRide e) {
        return reject(e.reason(), e.column(), e.getMessage(), file, record);
      }
    }

    private static KV<Row, Reject> reject(String reason, @Nullable String column, String detail, String file, JsonRecordReader.Record record) {
      return KV.of(null, new Reject(STEP, reason, column, "line " + record.line() + ": " + detail, file, record.number(), record.text()));
    }
  }
}
