package dev.beametl.transforms.csv;

import dev.beametl.transforms.files.OutputFormat;
import dev.beametl.transforms.records.ReadRecords;
import dev.beametl.transforms.rejects.WithRejects;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Parses CSV files into typed rows. Files are read by their own reader, so quoted line breaks,
 * BOMs and per-file headers are handled where line-oriented readers fail; large files are read in
 * ranges in parallel ({@link SplitCsvFiles}), with the same records and numbers as a whole-file
 * read ({@link ReadRecords}: in small bundles, memory bounded by the bundle). Counts every record
 * read; a file whose header does not fit the schema has every record rejected, and the other
 * files go on.
 */
public final class ParseCsvFiles extends PTransform<PCollection<FileIO.ReadableFile>, WithRejects<Row>> {
  private final CsvRowParser parser;
  private final long rangeBytes;

  private ParseCsvFiles(CsvRowParser parser, long rangeBytes) {
    if (rangeBytes < 1) {
      throw new IllegalArgumentException("range bytes must be >= 1, got " + rangeBytes);
    }
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
    return WithRejects.split(
        files.apply("Split", SplitCsvFiles.intoRangesOf(rangeBytes)).apply("ParseRecords", ReadRecords.from(new CsvRangeRecords(parser))));
  }
}
