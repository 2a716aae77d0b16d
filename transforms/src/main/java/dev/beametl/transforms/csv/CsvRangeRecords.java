package dev.beametl.transforms.csv;

import dev.beametl.transforms.records.RecordRange;
import dev.beametl.transforms.records.RecordSource;
import java.io.IOException;
import org.apache.beam.sdk.schemas.Schema;

/** The records of planned CSV ranges ({@link SplitCsvFiles}), each parsed by a {@link CsvRowParser} bound to its file's header. */
final class CsvRangeRecords implements RecordSource<CsvFileRange, CsvFileReader.Position, CsvFileReader.Record> {
  static final CsvFileReader.Position END = new CsvFileReader.Position(Long.MAX_VALUE, -1, -1);

  private final CsvRowParser parser;

  CsvRangeRecords(CsvRowParser parser) {
    this.parser = parser;
  }

  @Override
  public String file(CsvFileRange range) {
    return range.file();
  }

  @Override
  public Schema rowSchema() {
    return parser.outputSchema();
  }

  @Override
  public RecordRange<CsvFileReader.Position> range(CsvFileRange range) {
    return range.range();
  }

  @Override
  public Part<CsvFileReader.Position, CsvFileReader.Record> open(CsvFileRange range, RecordRange<CsvFileReader.Position> part)
      throws IOException {
    CsvFileReader reader = range.open(part);
    // The bad-header log once per range, not once per resumed part.
    boolean rangeStart = part.from() == null || range.start() != null && part.from().equals(range.start());
    return new Part<>(reader, rangeStart ? parser.bind(reader, range.file()) : parser.bind(reader.header()));
  }

  @Override
  public CsvFileReader.Position end() {
    return END;
  }
}
