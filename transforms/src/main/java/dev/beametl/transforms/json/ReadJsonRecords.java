package dev.beametl.transforms.json;

import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.csv.FileByteSource;
import java.io.IOException;
import java.io.Serializable;
import java.util.Locale;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.values.PCollection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON files -> their records as text, each with its source ({@link JsonRecordReader}: arrays,
 * wrapped arrays or JSON lines; damage as records with a problem). Counts each record as
 * {@code read}, and {@code files}.
 *
 * <p>A splittable DoFn: a runner may checkpoint it after any record (the DirectRunner does every
 * 100 outputs or second) and resume at the exact byte where the next record starts, so records
 * leave in small bundles and memory stays bounded by the bundle, not the file. One output only:
 * whoever consumes it must materialize it (e.g. a Reshuffle) before forking, or a cluster runner
 * re-runs the read per branch and counts it twice.
 */
public final class ReadJsonRecords extends PTransform<PCollection<FileIO.ReadableFile>, PCollection<ReadJsonRecords.FileRecord>> {
  /** A record of the file {@code source}. */
  public record FileRecord(String source, JsonRecordReader.Record record) implements Serializable {}

  private final String arrayKey;
  private final int maxRecordBytes;

  private ReadJsonRecords(String arrayKey, int maxRecordBytes) {
    this.arrayKey = arrayKey;
    this.maxRecordBytes = maxRecordBytes;
  }

  /** Files whose records may also be an array under {@code arrayKey} (see {@link JsonRecordReader.Layout#WRAPPED}). */
  public static ReadJsonRecords withArrayKey(String arrayKey) {
    return new ReadJsonRecords(arrayKey, JsonRecordReader.DEFAULT_MAX_RECORD_BYTES);
  }

  /** Records longer than this are {@link JsonRecordReader.Problem#TOO_LONG} (1 MiB by default). */
  public ReadJsonRecords withMaxRecordBytes(int bytes) {
    return new ReadJsonRecords(arrayKey, bytes);
  }

  @Override
  public PCollection<FileRecord> expand(PCollection<FileIO.ReadableFile> files) {
    return files.apply("ReadRecords", ParDo.of(new ReadFn(arrayKey, maxRecordBytes))).setCoder(SerializableCoder.of(FileRecord.class));
  }

  static final class ReadFn extends DoFn<FileIO.ReadableFile, FileRecord> {
    private static final Logger LOG = LoggerFactory.getLogger(ReadFn.class);
    private final Counter read = EtlMetrics.read();
    private final Counter files = EtlMetrics.counter("files");
    private final String arrayKey;
    private final int maxRecordBytes;

    ReadFn(String arrayKey, int maxRecordBytes) {
      this.arrayKey = arrayKey;
      this.maxRecordBytes = maxRecordBytes;
    }

    @GetInitialRestriction
    public RecordPositionTracker.Rest initialRestriction() {
      return RecordPositionTracker.Rest.wholeFile();
    }

    @NewTracker
    public RecordPositionTracker newTracker(@Restriction RecordPositionTracker.Rest rest) {
      return new RecordPositionTracker(rest);
    }

    @GetRestrictionCoder
    public Coder<RecordPositionTracker.Rest> restrictionCoder() {
      return SerializableCoder.of(RecordPositionTracker.Rest.class);
    }

    @ProcessElement
    public void process(
        @Element FileIO.ReadableFile file,
        RestrictionTracker<RecordPositionTracker.Rest, JsonRecordReader.Position> tracker,
        OutputReceiver<FileRecord> out)
        throws IOException {
      String source = file.getMetadata().resourceId().toString();
      JsonRecordReader.Position from = tracker.currentRestriction().from();
      FileByteSource bytes = FileByteSource.of(source);
      try (JsonRecordReader reader = from == null
          ? JsonRecordReader.open(bytes.openAt(0), arrayKey, maxRecordBytes)
          : JsonRecordReader.resume(bytes.openAt(from.offset()), from, maxRecordBytes)) {
        if (from == null) {
          files.inc();
        }
        for (JsonRecordReader.Record record = reader.next(); record != null; record = reader.next()) {
          if (!tracker.tryClaim(reader.position())) {
            return;
          }
          read.inc();
          out.output(new FileRecord(source, record));
        }
        tracker.tryClaim(RecordPositionTracker.FINISHED);
        JsonRecordReader.Position end = reader.position();
        LOG.info("{}: {} records ({})", source, end.records(), end.layout().name().toLowerCase(Locale.ROOT));
      }
    }
  }
}
