package dev.beametl.transforms.json;

import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.csv.FileByteSource;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
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
 * leave in bounded bundles and memory stays bounded by the bundle, not the file. The records
 * leave the read in batches of {@link #BATCH}: a DirectRunner checkpoint costs far more than a
 * record (200,000 rides took 5 minutes one record per output, against 30 s read whole), so a
 * bundle holds up to 100 batches. One output only: whoever consumes it must materialize it (e.g. a
 * Reshuffle) before forking, or a cluster runner re-runs the read per branch and counts it twice.
 */
public final class ReadJsonRecords extends PTransform<PCollection<FileIO.ReadableFile>, PCollection<ReadJsonRecords.FileRecord>> {
  /** A record of the file {@code source}. */
  public record FileRecord(String source, JsonRecordReader.Record record) implements Serializable {}

  /** Records per output of the read: a DirectRunner bundle then holds at most 100 of them. */
  public static final int BATCH = 100;

  /** As for CSV: a range's records fit in memory many times over, and opening a range is amortized. */
  public static final long DEFAULT_RANGE_BYTES = 8L << 20;

  private final String arrayKey;
  private final int maxRecordBytes;
  private final long rangeBytes;

  private ReadJsonRecords(String arrayKey, int maxRecordBytes, long rangeBytes) {
    if (rangeBytes <= 0) {
      throw new IllegalArgumentException("the read range size must be positive, not " + rangeBytes);
    }
    this.arrayKey = arrayKey;
    this.maxRecordBytes = maxRecordBytes;
    this.rangeBytes = rangeBytes;
  }

  /** Files whose records may also be an array under {@code arrayKey} (see {@link JsonRecordReader.Layout#WRAPPED}). */
  public static ReadJsonRecords withArrayKey(String arrayKey) {
    return new ReadJsonRecords(arrayKey, JsonRecordReader.DEFAULT_MAX_RECORD_BYTES, DEFAULT_RANGE_BYTES);
  }

  /** Records longer than this are {@link JsonRecordReader.Problem#TOO_LONG} (1 MiB by default). */
  public ReadJsonRecords withMaxRecordBytes(int bytes) {
    return new ReadJsonRecords(arrayKey, bytes, rangeBytes);
  }

  /**
   * JSON-lines files larger than this are read in ranges of about this size, each on its own
   * (in parallel, and on runners that hold a whole restriction's output, memory bounded by the
   * range). Cut only where a line starts, found by a first pass over the file that also gives the
   * record and line numbers there. Arrays, and compressed files, are read whole.
   */
  public ReadJsonRecords withRangeBytes(long bytes) {
    return new ReadJsonRecords(arrayKey, maxRecordBytes, bytes);
  }

  @Override
  public PCollection<FileRecord> expand(PCollection<FileIO.ReadableFile> files) {
    return files
        .apply("ReadRecords", ParDo.of(new ReadFn(arrayKey, maxRecordBytes, rangeBytes)))
        .setCoder(BatchCoder.INSTANCE)
        .apply("Unbatch", ParDo.of(new UnbatchFn()))
        .setCoder(FileRecordCoder.INSTANCE);
  }

  /**
   * A record's fields one by one, not Java serialization: consumers shuffle every record once (the
   * counting rule), and this encoding is smaller and does not depend on the classes' serial form.
   * Not a speed-up: {@code bench/run-ride-weather} on Spark local[2] used 46.3 s of CPU with it and
   * 47.8 s without (200,000 rides, load 3 to 6).
   */
  public static final class FileRecordCoder extends CustomCoder<FileRecord> {
    public static final FileRecordCoder INSTANCE = new FileRecordCoder();
    private static final Coder<String> TEXT = StringUtf8Coder.of();
    private static final Coder<Long> NUMBER = VarLongCoder.of();
    private static final JsonRecordReader.Problem[] PROBLEMS = JsonRecordReader.Problem.values();

    @Override
    public void encode(FileRecord value, OutputStream out) throws IOException {
      JsonRecordReader.Record record = value.record();
      TEXT.encode(value.source(), out);
      NUMBER.encode(record.number(), out);
      NUMBER.encode(record.line(), out);
      TEXT.encode(record.text(), out);
      out.write(record.problem() == null ? 0 : record.problem().ordinal() + 1);
    }

    @Override
    public FileRecord decode(InputStream in) throws IOException {
      String source = TEXT.decode(in);
      long number = NUMBER.decode(in);
      long line = NUMBER.decode(in);
      String text = TEXT.decode(in);
      int problem = in.read();
      if (problem < 0) {
        throw new EOFException("a file record ends before its problem");
      }
      return new FileRecord(source, new JsonRecordReader.Record(number, line, text, problem == 0 ? null : PROBLEMS[problem - 1]));
    }

    @Override
    public void verifyDeterministic() {}
  }

  /** A batch as its records. */
  static final class BatchCoder extends CustomCoder<Batch> {
    static final BatchCoder INSTANCE = new BatchCoder();
    private static final Coder<List<FileRecord>> RECORDS = ListCoder.of(FileRecordCoder.INSTANCE);

    @Override
    public void encode(Batch value, OutputStream out) throws IOException {
      RECORDS.encode(value.records(), out);
    }

    @Override
    public Batch decode(InputStream in) throws IOException {
      return new Batch(RECORDS.decode(in));
    }
  }

  /** Consecutive records of one file. */
  record Batch(List<FileRecord> records) implements Serializable {}

  static final class UnbatchFn extends DoFn<Batch, FileRecord> {
    @ProcessElement
    public void process(@Element Batch batch, OutputReceiver<FileRecord> out) {
      batch.records().forEach(out::output);
    }
  }

  static final class ReadFn extends DoFn<FileIO.ReadableFile, Batch> {
    private static final Logger LOG = LoggerFactory.getLogger(ReadFn.class);
    private final Counter read = EtlMetrics.read();
    private final Counter files = EtlMetrics.counter("files");
    private final String arrayKey;
    private final int maxRecordBytes;
    private final long rangeBytes;

    ReadFn(String arrayKey, int maxRecordBytes, long rangeBytes) {
      this.arrayKey = arrayKey;
      this.maxRecordBytes = maxRecordBytes;
      this.rangeBytes = rangeBytes;
    }

    @SplitRestriction
    public void splitRestriction(@Element FileIO.ReadableFile file, @Restriction RecordPositionTracker.Rest rest, OutputReceiver<RecordPositionTracker.Rest> out)
        throws IOException {
      String source = file.getMetadata().resourceId().toString();
      FileByteSource bytes = FileByteSource.of(source);
      if (rest.from() != null || file.getMetadata().sizeBytes() <= rangeBytes || !bytes.seekable()) {
        out.output(rest);
        return;
      }
      try (JsonRecordReader reader = JsonRecordReader.open(bytes.openAt(0), arrayKey, maxRecordBytes)) {
        if (reader.layout() != JsonRecordReader.Layout.LINES) {
          out.output(rest);
          return;
        }
        // The first range starts at the file's start, so it finds the layout and counts the file.
        JsonRecordReader.Position start = null;
        long startOffset = 0;
        while (reader.next() != null) {
          JsonRecordReader.Position at = reader.position();
          if (!at.end() && at.offset() - startOffset >= rangeBytes) {
            out.output(new RecordPositionTracker.Rest(start, at.offset()));
            start = at;
            startOffset = at.offset();
          }
        }
        out.output(new RecordPositionTracker.Rest(start, rest.until()));
      }
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
        OutputReceiver<Batch> out)
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
        // A batch is claimed as one (its last record's end): output is not allowed after a failed claim.
        long until = tracker.currentRestriction().until();
        long start = from == null ? 0 : from.offset();
        List<FileRecord> batch = new ArrayList<>(BATCH);
        JsonRecordReader.Position end = null;
        JsonRecordReader.Record record = reader.next();
        for (; record != null && start < until; record = reader.next()) {
          batch.add(new FileRecord(source, record));
          end = reader.position();
          start = end.offset();
          if (batch.size() == BATCH) {
            if (!claim(tracker, end, batch, out)) {
              return;
            }
            batch = new ArrayList<>(BATCH);
          }
        }
        if (!batch.isEmpty() && !claim(tracker, end, batch, out)) {
          return;
        }
        tracker.tryClaim(RecordPositionTracker.FINISHED);
        if (record == null) {
          JsonRecordReader.Position last = reader.position();
          LOG.info("{}: {} records ({})", source, last.records(), last.layout().name().toLowerCase(Locale.ROOT));
        }
      }
    }

    /** Claims the records of {@code batch}, which end at {@code end}, and outputs them; false after a checkpoint. */
    private boolean claim(
        RestrictionTracker<RecordPositionTracker.Rest, JsonRecordReader.Position> tracker,
        JsonRecordReader.Position end,
        List<FileRecord> batch,
        OutputReceiver<Batch> out) {
      if (!tracker.tryClaim(end)) {
        return false;
      }
      read.inc(batch.size());
      out.output(new Batch(batch));
      return true;
    }
  }
}
