package dev.beametl.transforms.csv;

import dev.beametl.transforms.files.OutputFormat;
import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import java.io.IOException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;

/**
 * Parses CSV files into typed rows. Files are read by their own reader, so quoted line breaks,
 * BOMs and per-file headers are handled where line-oriented readers fail; large files are read in
 * ranges in parallel ({@link SplitCsvFiles}), with the same records and numbers as a whole-file
 * read. Counts every record read; a file whose header does not fit the schema has every record
 * rejected, and the other files go on.
 */
public final class ParseCsvFiles extends PTransform<PCollection<FileIO.ReadableFile>, WithRejects<Row>> {
  private final CsvRowParser parser;
  private final long rangeBytes;

  private ParseCsvFiles(CsvRowParser parser, long rangeBytes) {
    this.parser = parser;
    this.rangeBytes = rangeBytes;
  }

  /** Rows of {@code schema}; rejects are attributed to the step {@code parse}. */
  public static ParseCsvFiles as(Schema schema) {
    return new ParseCsvFiles(CsvRowParser.of(schema, "parse"), SplitCsvFiles.DEFAULT_RANGE_BYTES);
  }

  /** Drops these file columns instead of refusing the header (see {@link CsvRowParser#withIgnoredColumns}). */
  public ParseCsvFiles withIgnoredColumns(String... columns) {
    return new ParseCsvFiles(parser.withIgnoredColumns(columns), rangeBytes);
  }

  /** Adds {@code source_file} and {@code source_record} columns (see {@link CsvRowParser#withSourceColumns()}). */
  public ParseCsvFiles withSourceColumns() {
    return new ParseCsvFiles(parser.withSourceColumns(), rangeBytes);
  }

  /** Reads files larger than {@code bytes} in ranges of about that size (see {@link SplitCsvFiles}). */
  public ParseCsvFiles withRangeBytes(long bytes) {
    return new ParseCsvFiles(parser, bytes);
  }

  /** How the files' headers are bound and their records parsed (for {@link CsvHeaderCheck}). */
  public CsvRowParser parser() {
    return parser;
  }

  /** Parses and writes the rows straight to files under {@code directory}, one per input range (see {@link ParseCsvToFiles}). */
  public ParseCsvToFiles writeTo(String directory, OutputFormat format) {
    return new ParseCsvToFiles(parser, rangeBytes, directory, format);
  }

  @Override
  public WithRejects<Row> expand(PCollection<FileIO.ReadableFile> files) {
    Schema rowSchema = parser.outputSchema();
    PCollection<KV<Row, Reject>> parsed =
        files
            .apply("Split", SplitCsvFiles.intoRangesOf(rangeBytes))
            .apply("ParseRecords", ParDo.of(new ParseRangeFn(parser)))
            .setCoder(WithRejects.outcomeCoder(files.getPipeline(), SchemaCoder.of(rowSchema)));
    return WithRejects.split(parsed);
  }

  /**
   * Parses a range as a splittable DoFn: a runner may checkpoint it after any record (the
   * DirectRunner does every 100 outputs or second), so rows leave in small bundles and memory
   * stays bounded by the bundle, not the range or the file.
   */
  static final class ParseRangeFn extends DoFn<CsvFileRange, KV<Row, Reject>> {
    private final Counter read = EtlMetrics.read();
    private final CsvRowParser parser;

    ParseRangeFn(CsvRowParser parser) {
      this.parser = parser;
    }

    @GetInitialRestriction
    public RecordRangeTracker.RecordRange initialRestriction(@Element CsvFileRange range) {
      return new RecordRangeTracker.RecordRange(range.start(), range.end());
    }

    @NewTracker
    public RecordRangeTracker newTracker(@Restriction RecordRangeTracker.RecordRange restriction) {
      return new RecordRangeTracker(restriction);
    }

    @GetRestrictionCoder
    public Coder<RecordRangeTracker.RecordRange> restrictionCoder() {
      return SerializableCoder.of(RecordRangeTracker.RecordRange.class);
    }

    @ProcessElement
    public void process(
        @Element CsvFileRange range,
        RestrictionTracker<RecordRangeTracker.RecordRange, CsvFileReader.Position> tracker,
        OutputReceiver<KV<Row, Reject>> out)
        throws IOException {
      String source = range.file();
      RecordRangeTracker.RecordRange part = tracker.currentRestriction();
      try (CsvFileReader reader = range.open(part)) {
        // The bad-header log once per file, not once per resumed part.
        CsvRowParser.Binding binding = part.start() == null || range.start() != null && part.start().equals(range.start())
            ? parser.bind(reader, source)
            : parser.bind(reader.header());
        CsvRowParser.RowOrReject sink =
            new CsvRowParser.RowOrReject() {
              @Override
              public void row(Row row) {
                out.output(KV.of(row, null));
              }

              @Override
              public void reject(Reject reject) {
                out.output(KV.of(null, reject));
              }
            };
        for (CsvFileReader.Record record = reader.next(); record != null; record = reader.next()) {
          if (!tracker.tryClaim(reader.position())) {
            return;
          }
          read.inc();
          binding.parse(source, record, sink);
        }
        tracker.tryClaim(RecordRangeTracker.END);
      }
    }
  }
}
