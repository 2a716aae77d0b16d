package dev.beametl.transforms.records;

import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files (or planned ranges of them) -> the outcome of each record: a row or a reject, exactly one
 * of the two non-null, to be split by {@link WithRejects#split} (which materializes first: this
 * step counts {@code read}, so nothing may fork after it before a shuffle). A format plugs in as
 * a {@link RecordSource} (its ranges, a {@link RecordReader}, a {@link RecordParser}); this step
 * owns the claim loop, the batches, the counters and the per-file log.
 *
 * <p>A splittable DoFn: a runner may checkpoint it between two batches (the DirectRunner does
 * every 100 outputs or second) and resume at the exact byte where the next record starts, so
 * memory is bounded by the bundle, not the range or the file. Records leave in batches of
 * {@link #BATCH}: a DirectRunner checkpoint costs far more than a record (200,000 rides took 5
 * minutes one record per output, against 30 s read whole).
 */
public final class ReadRecords<E, P extends RecordPosition, R> extends PTransform<PCollection<E>, PCollection<KV<Row, Reject>>> {
  /** Records per output of the read: a DirectRunner bundle then holds at most 100 of them. */
  public static final int BATCH = 100;
  private static final Logger LOG = LoggerFactory.getLogger(ReadRecords.class);

  private final RecordSource<E, P, R> source;
  private final boolean countFiles;

  private ReadRecords(RecordSource<E, P, R> source, boolean countFiles) {
    this.source = source;
    this.countFiles = countFiles;
  }

  public static <E, P extends RecordPosition, R> ReadRecords<E, P, R> from(RecordSource<E, P, R> source) {
    return new ReadRecords<>(source, false);
  }

  /** Also counts {@code files}, once per file, where its first part is read (for sources not planned by a counting step). */
  public ReadRecords<E, P, R> countingFiles() {
    return new ReadRecords<>(source, true);
  }

  @Override
  public PCollection<KV<Row, Reject>> expand(PCollection<E> elements) {
    KvCoder<Row, Reject> outcome = WithRejects.outcomeCoder(elements.getPipeline(), SchemaCoder.of(source.rowSchema()));
    return elements
        .apply("ReadRecords", ParDo.of(new ReadFn<>(source, countFiles)))
        .setCoder(ListCoder.of(outcome))
        .apply("Unbatch", ParDo.of(new UnbatchFn()))
        .setCoder(outcome);
  }

  /** Receives the batches of {@link #readBatches}. */
  @FunctionalInterface
  public interface Batches {
    void output(List<KV<Row, Reject>> batch) throws IOException;
  }

  /** Claims a batch's records by the position just after them; false once the part is checkpointed. */
  @FunctionalInterface
  public interface Claim<P> {
    boolean tryClaim(P after);
  }

  /**
   * The one record loop: reads {@code part} of {@code element} in batches of {@link #BATCH}
   * parsed records, claims each batch as one (no output is allowed after a failed claim), counts
   * it as {@code read} and hands it on; logs the file once its last record is read. False when a
   * claim failed: the rest belongs to a residual.
   */
  public static <E, P extends RecordPosition, R> boolean readBatches(
      RecordSource<E, P, R> source, E element, RecordRange<P> part, Claim<P> claim, Counter read, Batches out) throws IOException {
    String file = source.file(element);
    try (RecordSource.Part<P, R> open = source.open(element, part)) {
      RecordReader<P, R> reader = open.reader();
      long start = part.startOffset();
      List<KV<Row, Reject>> batch = new ArrayList<>(BATCH);
      P end = null;
      R record = reader.next();
      for (; record != null && start < part.until(); record = reader.next()) {
        batch.add(open.parser().parse(file, record));
        end = reader.position();
        start = end.offset();
        if (batch.size() == BATCH) {
          if (!claim.tryClaim(end)) {
            return false;
          }
          read.inc(BATCH);
          out.output(batch);
          batch = new ArrayList<>(BATCH);
        }
      }
      if (!batch.isEmpty()) {
        if (!claim.tryClaim(end)) {
          return false;
        }
        read.inc(batch.size());
        out.output(batch);
      }
      if (record == null && part.until() == Long.MAX_VALUE) {
        LOG.info("{}: {}", file, source.summary(reader.position()));
      }
      return true;
    }
  }

  static final class ReadFn<E, P extends RecordPosition, R> extends DoFn<E, List<KV<Row, Reject>>> {
    private final Counter read = EtlMetrics.read();
    private final Counter files = EtlMetrics.counter("files");
    private final RecordSource<E, P, R> source;
    private final boolean countFiles;

    ReadFn(RecordSource<E, P, R> source, boolean countFiles) {
      this.source = source;
      this.countFiles = countFiles;
    }

    @GetInitialRestriction
    public RecordRange<P> initialRestriction(@Element E element) {
      return source.range(element);
    }

    @SplitRestriction
    public void splitRestriction(@Element E element, @Restriction RecordRange<P> range, OutputReceiver<RecordRange<P>> out) throws IOException {
      source.split(element, range).forEach(out::output);
    }

    @NewTracker
    public RecordTracker<P> newTracker(@Restriction RecordRange<P> range) {
      return new RecordTracker<>(range);
    }

    @GetRestrictionCoder
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Coder<RecordRange<P>> restrictionCoder() {
      return SerializableCoder.of((Class<RecordRange<P>>) (Class) RecordRange.class);
    }

    @ProcessElement
    public void process(@Element E element, RestrictionTracker<RecordRange<P>, P> tracker, OutputReceiver<List<KV<Row, Reject>>> out)
        throws IOException {
      RecordRange<P> part = tracker.currentRestriction();
      if (countFiles && part.from() == null) {
        files.inc();
      }
      if (readBatches(source, element, part, tracker::tryClaim, read, out::output)) {
        tracker.tryClaim(source.end());
      }
    }
  }

  static final class UnbatchFn extends DoFn<List<KV<Row, Reject>>, KV<Row, Reject>> {
    @ProcessElement
    public void process(@Element List<KV<Row, Reject>> batch, OutputReceiver<KV<Row, Reject>> out) {
      batch.forEach(out::output);
    }
  }
}
