package dev.beametl.transforms.csv;

import dev.beametl.options.FileOutputOptions.OutputFormat;
import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import java.io.IOException;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses CSV files into typed rows. Files are read by their own reader, so quoted line breaks,
 * BOMs and per-file headers are handled where line-oriented readers fail; large files are read in
 * ranges in parallel ({@link SplitCsvFiles}), with the same records and numbers as a whole-file
 * read. Counts every record read; a file whose header does not fit the schema has every record
 * rejected, and the other files go on.
 */
public final class ParseCsvFiles extends PTransform<PCollection<FileIO.ReadableFile>, WithRejects<Row>> {
  private static final TupleTag<Row> ROWS = new TupleTag<>() {};
  private static final TupleTag<Reject> REJECTS = new TupleTag<>() {};

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

  /** Parses and writes the rows straight to files under {@code directory}, one per input range (see {@link ParseCsvToFiles}). */
  public ParseCsvToFiles writeTo(String directory, OutputFormat format) {
    return new ParseCsvToFiles(parser, rangeBytes, directory, format);
  }

  @Override
  public WithRejects<Row> expand(PCollection<FileIO.ReadableFile> files) {
    PCollectionTuple parsed =
        files
            .apply("Split", SplitCsvFiles.intoRangesOf(rangeBytes))
            .apply("ParseRecords", ParDo.of(new ParseRangeFn(parser)).withOutputTags(ROWS, TupleTagList.of(REJECTS)));
    return WithRejects.of(ROWS, parsed.get(ROWS).setRowSchema(parser.outputSchema()), REJECTS, parsed.get(REJECTS));
  }

  static final class ParseRangeFn extends DoFn<CsvFileRange, Row> {
    private static final Logger LOG = LoggerFactory.getLogger(ParseRangeFn.class);
    private final Counter read = EtlMetrics.read();
    private final CsvRowParser parser;

    ParseRangeFn(CsvRowParser parser) {
      this.parser = parser;
    }

    @ProcessElement
    public void process(@Element CsvFileRange range, MultiOutputReceiver out) throws IOException {
      String source = range.file();
      long records = 0;
      try (CsvFileReader reader = range.open()) {
        CsvRowParser.Binding binding = parser.bind(reader, source);
        CsvRowParser.RowOrReject sink =
            new CsvRowParser.RowOrReject() {
              @Override
              public void row(Row row) {
                out.get(ROWS).output(row);
              }

              @Override
              public void reject(Reject reject) {
                out.get(REJECTS).output(reject);
              }
            };
        for (CsvFileReader.Record record = reader.next(); record != null; record = reader.next()) {
          records++;
          read.inc();
          binding.parse(source, record, sink);
        }
      }
      LOG.debug("{} (range {}): {} records", source, range.index(), records);
    }
  }
}
