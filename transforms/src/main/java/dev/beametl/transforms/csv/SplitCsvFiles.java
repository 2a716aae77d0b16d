package dev.beametl.transforms.csv;

import dev.beametl.transforms.EtlMetrics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PCollection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CSV files -> ranges of about {@code rangeBytes} each, spread over the workers, so one big file
 * is read by every core and no step holds more than a range's rows (the DirectRunner keeps a
 * whole bundle's output in memory; each range is a bundle of its own after the reshuffle).
 *
 * <p>Exact, quoted line breaks included: a file is cut only where a record starts, found by a
 * sequential pass of the reader itself ({@link CsvFileReader#skip()}, no field is built), which
 * also gives the record and line numbers there. Files no larger than a range, and compressed
 * files, are one range and are not pre-read. Counts {@code files}.
 */
public final class SplitCsvFiles extends PTransform<PCollection<FileIO.ReadableFile>, PCollection<CsvFileRange>> {
  /** Small enough for a bundle's rows to fit in memory many times over, large enough to amortize opening a range. */
  public static final long DEFAULT_RANGE_BYTES = 8L << 20;

  private final long rangeBytes;

  private SplitCsvFiles(long rangeBytes) {
    if (rangeBytes <= 0) {
      throw new IllegalArgumentException("the read range size must be positive, not " + rangeBytes);
    }
    this.rangeBytes = rangeBytes;
  }

  public static SplitCsvFiles intoRangesOf(long rangeBytes) {
    return new SplitCsvFiles(rangeBytes);
  }

  @Override
  public PCollection<CsvFileRange> expand(PCollection<FileIO.ReadableFile> files) {
    return files
        .apply("PlanRanges", ParDo.of(new PlanRangesFn(rangeBytes)))
        .setCoder(SerializableCoder.of(CsvFileRange.class))
        .apply("SpreadRanges", Reshuffle.viaRandomKey());
  }

  /** The ranges of one file, in order. */
  static List<CsvFileRange> plan(String file, long sizeBytes, long rangeBytes) throws IOException {
    FileByteSource source = FileByteSource.of(file);
    if (sizeBytes <= rangeBytes || !source.seekable()) {
      return List.of(CsvFileRange.wholeFile(file));
    }
    List<CsvFileReader.Position> starts = new ArrayList<>();
    try (CsvFileReader reader = CsvFileReader.open(source)) {
      CsvFileReader.Position start = reader.position();
      starts.add(start);
      boolean recordsSinceStart = false;
      while (reader.skip()) {
        recordsSinceStart = true;
        CsvFileReader.Position at = reader.position();
        if (at.offset() - start.offset() >= rangeBytes) {
          start = at;
          starts.add(start);
          recordsSinceStart = false;
        }
      }
      if (!recordsSinceStart && starts.size() > 1) {
        starts.remove(starts.size() - 1);
      }
      List<CsvFileRange> ranges = new ArrayList<>();
      for (int i = 0; i < starts.size(); i++) {
        long end = i + 1 < starts.size() ? starts.get(i + 1).offset() : Long.MAX_VALUE;
        ranges.add(new CsvFileRange(file, i, starts.get(i), end, reader.header(), reader.headerBadEncoding()));
      }
      return ranges;
    }
  }

  private static final class PlanRangesFn extends DoFn<FileIO.ReadableFile, CsvFileRange> {
    private static final Logger LOG = LoggerFactory.getLogger(PlanRangesFn.class);
    private final Counter files = EtlMetrics.counter("files");
    private final long rangeBytes;

    PlanRangesFn(long rangeBytes) {
      this.rangeBytes = rangeBytes;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<CsvFileRange> out) throws IOException {
      String source = file.getMetadata().resourceId().toString();
      List<CsvFileRange> ranges = plan(source, file.getMetadata().sizeBytes(), rangeBytes);
      ranges.forEach(out::output);
      files.inc();
      if (ranges.size() > 1) {
        LOG.info("{}: read in {} ranges", source, ranges.size());
      }
    }
  }
}
