package dev.beametl.transforms.csv;

import dev.beametl.options.FileOutputOptions.OutputFormat;
import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
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
 * Parses whole CSV files into typed rows: one file per element, so quoted line breaks, BOMs and
 * per-file headers are handled where line-oriented readers fail. Counts every record read; a file
 * whose header does not fit the schema has every record rejected, and the other files go on.
 */
public final class ParseCsvFiles extends PTransform<PCollection<FileIO.ReadableFile>, WithRejects<Row>> {
  private static final TupleTag<Row> ROWS = new TupleTag<>() {};
  private static final TupleTag<Reject> REJECTS = new TupleTag<>() {};

  private final CsvRowParser parser;

  private ParseCsvFiles(CsvRowParser parser) {
    this.parser = parser;
  }

  /** Rows of {@code schema}; rejects are attributed to the step {@code parse}. */
  public static ParseCsvFiles as(Schema schema) {
    return new ParseCsvFiles(CsvRowParser.of(schema, "parse"));
  }

  /** Drops these file columns instead of refusing the header (see {@link CsvRowParser#withIgnoredColumns}). */
  public ParseCsvFiles withIgnoredColumns(String... columns) {
    return new ParseCsvFiles(parser.withIgnoredColumns(columns));
  }

  /** Adds {@code source_file} and {@code source_record} columns (see {@link CsvRowParser#withSourceColumns()}). */
  public ParseCsvFiles withSourceColumns() {
    return new ParseCsvFiles(parser.withSourceColumns());
  }

  /** How the files' headers are bound and their records parsed (for {@link CsvHeaderCheck}). */
  public CsvRowParser parser() {
    return parser;
  }

  /** Parses and writes the rows straight to files under {@code directory}, one per input file (see {@link ParseCsvToFiles}). */
  public ParseCsvToFiles writeTo(String directory, OutputFormat format) {
    return new ParseCsvToFiles(parser, directory, format);
  }

  @Override
  public WithRejects<Row> expand(PCollection<FileIO.ReadableFile> files) {
    PCollectionTuple parsed =
        files.apply("ParseRecords", ParDo.of(new ParseFileFn(parser)).withOutputTags(ROWS, TupleTagList.of(REJECTS)));
    return WithRejects.of(ROWS, parsed.get(ROWS).setRowSchema(parser.outputSchema()), REJECTS, parsed.get(REJECTS));
  }

  static final class ParseFileFn extends DoFn<FileIO.ReadableFile, Row> {
    private static final Logger LOG = LoggerFactory.getLogger(ParseFileFn.class);
    private final Counter read = EtlMetrics.read();
    private final Counter files = EtlMetrics.counter("files");
    private final CsvRowParser parser;

    ParseFileFn(CsvRowParser parser) {
      this.parser = parser;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out) throws IOException {
      String source = file.getMetadata().resourceId().toString();
      long records = 0;
      try (InputStream in = Channels.newInputStream(file.open());
          CsvFileReader reader = CsvFileReader.open(in)) {
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
      files.inc();
      LOG.info("{}: {} records", source, records);
    }
  }
}
