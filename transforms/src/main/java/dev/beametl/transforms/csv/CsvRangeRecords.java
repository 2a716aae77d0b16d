package dev.beametl.transforms.csv;

import dev.beametl.transforms.records.RecordRange;
import dev.beametl.transforms.records.RecordSource;
import dev.beametl.transforms.rejects.Reject;
import java.io.IOException;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/** The records of planned CSV ranges ({@link SplitCsvFiles}), each parsed by a {@link CsvRowParser} bound to its file's header. */
final class CsvRangeRecords implements RecordSource<CsvFileRange, CsvFileReader.Position> {
  /** Claimed when a range has no record left. */
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
  public Reader open(CsvFileRange range, RecordRange<CsvFileReader.Position> part) throws IOException {
    CsvFileReader reader = range.open(part);
    // The bad-header log once per range, not once per resumed part.
    boolean rangeStart = part.from() == null || range.start() != null && part.from().equals(range.start());
    return new Reader(reader, rangeStart ? parser.bind(reader, range.file()) : parser.bind(reader.header()), range.file());
  }

  /** A range's records, each parsed as it is read. */
  static final class Reader implements RecordSource.Reader<CsvFileReader.Position>, CsvRowParser.RowOrReject {
    private final CsvFileReader reader;
    private final CsvRowParser.Binding binding;
    private final String file;
    private @Nullable KV<Row, Reject> outcome;

    private Reader(CsvFileReader reader, CsvRowParser.Binding binding, String file) {
      this.reader = reader;
      this.binding = binding;
      this.file = file;
    }

    @Override
    public @Nullable KV<Row, Reject> next() {
      CsvFileReader.Record record = reader.next();
      if (record == null) {
        return null;
      }
      binding.parse(file, record, this);
      return outcome;
    }

    @Override
    public void row(Row row) {
      outcome = KV.of(row, null);
    }

    @Override
    public void reject(Reject reject) {
      outcome = KV.of(null, reject);
    }

    @Override
    public CsvFileReader.Position position() {
      return reader.position();
    }

    @Override
    public CsvFileReader.Position end() {
      return END;
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }
}
