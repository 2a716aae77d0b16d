package dev.beametl.transforms.rides;

import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.json.JsonRecordReader;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import java.io.IOException;
import java.nio.channels.Channels;
import java.util.Locale;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ride files (a JSON array, an object wrapping the array, or JSON lines) -> {@link RideSchemas#RIDE}
 * rows and rejects. Each file is streamed record by record, so its size does not matter.
 *
 * <p>Counts: {@code read} is every record found, plus one for each piece of a file that is not a
 * record (a file with no JSON at all, a cut-off end, content after the array); each of those is also
 * a reject, so every count is accounted for.
 */
public final class ParseRides extends PTransform<PCollection<FileIO.ReadableFile>, WithRejects<Row>> {
  public static final String STEP = "parse";
  public static final String DEFAULT_ARRAY_KEY = "travel_data";
  private static final TupleTag<Row> RIDES = new TupleTag<>() {};
  private static final TupleTag<Reject> REJECTS = new TupleTag<>() {};

  private final String arrayKey;

  private ParseRides(String arrayKey) {
    this.arrayKey = arrayKey;
  }

  public static ParseRides fromFiles() {
    return new ParseRides(DEFAULT_ARRAY_KEY);
  }

  /** The key of a file-level object that holds the rides' array ({@code travel_data} by default). */
  public ParseRides withArrayKey(String key) {
    return new ParseRides(key);
  }

  @Override
  public WithRejects<Row> expand(PCollection<FileIO.ReadableFile> files) {
    PCollectionTuple parsed =
        files.apply("ParseRecords", ParDo.of(new ParseFileFn(arrayKey)).withOutputTags(RIDES, TupleTagList.of(REJECTS)));
    return WithRejects.of(RIDES, parsed.get(RIDES).setRowSchema(RideSchemas.RIDE), REJECTS, parsed.get(REJECTS));
  }

  static final class ParseFileFn extends DoFn<FileIO.ReadableFile, Row> {
    private static final Logger LOG = LoggerFactory.getLogger(ParseFileFn.class);
    private final Counter read = EtlMetrics.read();
    private final Counter files = EtlMetrics.counter("files");
    private final String arrayKey;

    ParseFileFn(String arrayKey) {
      this.arrayKey = arrayKey;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out) throws IOException {
      String source = file.getMetadata().resourceId().toString();
      long records = 0;
      JsonRecordReader.Layout layout;
      try (JsonRecordReader reader = JsonRecordReader.open(Channels.newInputStream(file.open()), arrayKey)) {
        layout = reader.layout();
        for (JsonRecordReader.Record record = reader.next(); record != null; record = reader.next()) {
          records++;
          read.inc();
          if (record.problem() != null) {
            reject(out, record.problem().reason, null, record.problem().description, source, record);
            continue;
          }
          try {
            out.get(RIDES).output(RideParser.parse(record.text()));
          } catch (RideParser.InvalidRide e) {
            reject(out, e.reason(), e.column(), e.getMessage(), source, record);
          }
        }
      }
      if (records == 0 && layout == JsonRecordReader.Layout.LINES) {
        read.inc();
        out.get(REJECTS).output(new Reject(STEP, "empty_file", null, "the file holds no JSON", source, 0, ""));
      }
      files.inc();
      LOG.info("{}: {} records ({})", source, records, layout.name().toLowerCase(Locale.ROOT));
    }

    private static void reject(
        MultiOutputReceiver out, String reason, @Nullable String column, String detail, String source, JsonRecordReader.Record record) {
      out.get(REJECTS).output(new Reject(STEP, reason, column, "line " + record.line() + ": " + detail, source, record.number(), record.text()));
    }
  }
}
