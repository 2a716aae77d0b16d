package dev.beametl.transforms.rides;

import dev.beametl.transforms.Materialize;
import dev.beametl.transforms.json.JsonRecordReader;
import dev.beametl.transforms.json.ReadJsonRecords;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Ride files (a JSON array, an object wrapping the array, or JSON lines) -> {@link RideSchemas#RIDE}
 * rows and rejects. Each file is streamed record by record in small bundles ({@link ReadJsonRecords}),
 * so its size does not matter.
 *
 * <p>Counts: {@code read} is every record found, plus one for each piece of a file that is not a
 * record (a file with no JSON at all, a cut-off end, content after the array); each of those is also
 * a reject, so every count is accounted for. The records are reshuffled before they are split into
 * rides and rejects: the counted read has no fork after it, so a cluster runner never re-runs it.
 */
public final class ParseRides extends PTransform<PCollection<FileIO.ReadableFile>, WithRejects<Row>> {
  public static final String STEP = "parse";
  public static final String DEFAULT_ARRAY_KEY = "travel_data";
  private static final TupleTag<Row> RIDES = new TupleTag<>() {};
  private static final TupleTag<Reject> REJECTS = new TupleTag<>() {};

  private final String arrayKey;
  private final long rangeBytes;

  private ParseRides(String arrayKey, long rangeBytes) {
    this.arrayKey = arrayKey;
    this.rangeBytes = rangeBytes;
  }

  public static ParseRides fromFiles() {
    return new ParseRides(DEFAULT_ARRAY_KEY, ReadJsonRecords.DEFAULT_RANGE_BYTES);
  }

  /** The key of a file-level object that holds the rides' array ({@code travel_data} by default). */
  public ParseRides withArrayKey(String key) {
    return new ParseRides(key, rangeBytes);
  }

  /** JSON-lines files larger than this are read in ranges of about this size (see {@link ReadJsonRecords#withRangeBytes}). */
  public ParseRides withRangeBytes(long bytes) {
    return new ParseRides(arrayKey, bytes);
  }

  @Override
  public WithRejects<Row> expand(PCollection<FileIO.ReadableFile> files) {
    PCollectionTuple parsed =
        files
            .apply("ReadRecords", ReadJsonRecords.withArrayKey(arrayKey).withRangeBytes(rangeBytes))
            .apply("Materialize", Materialize.inBatches())
            .apply("RidesAndRejects", ParDo.of(new ToRideFn()).withOutputTags(RIDES, TupleTagList.of(REJECTS)));
    return WithRejects.of(RIDES, parsed.get(RIDES).setRowSchema(RideSchemas.RIDE), REJECTS, parsed.get(REJECTS));
  }

  /** A record -> a ride, or a reject with the record's text; counts nothing (the read did). */
  static final class ToRideFn extends DoFn<ReadJsonRecords.FileRecord, Row> {
    @ProcessElement
    public void process(@Element ReadJsonRecords.FileRecord in, MultiOutputReceiver out) {
      JsonRecordReader.Record record = in.record();
      JsonRecordReader.Problem problem = record.problem();
      if (problem == JsonRecordReader.Problem.EMPTY) {
        out.get(REJECTS).output(new Reject(STEP, problem.reason, null, problem.description, in.source(), 0, ""));
      } else if (problem != null) {
        reject(out, problem.reason, null, problem.description, in.source(), record);
      } else {
        try {
          out.get(RIDES).output(RideParser.parse(record.text()));
        } catch (RideParser.InvalidRide e) {
          reject(out, e.reason(), e.column(), e.getMessage(), in.source(), record);
        }
      }
    }

    private static void reject(
        MultiOutputReceiver out, String reason, @Nullable String column, String detail, String source, JsonRecordReader.Record record) {
      out.get(REJECTS).output(new Reject(STEP, reason, column, "line " + record.line() + ": " + detail, source, record.number(), record.text()));
    }
  }
}
